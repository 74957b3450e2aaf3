import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

export type CompletionMode = 'returnTask' | 'poll' | 'callback';

export interface CompletionSettings {
	mode: CompletionMode;
	/** Node milliseconds a task may take before the node gives up waiting. */
	timeoutMs: number;
	maxConcurrent: number;
}

const MINUTE = 60_000;

/** The Completion parameters every asynchronous create shares, with the same wording everywhere. */
export function completionFields(defaultTimeoutMinutes: number): INodeProperties[] {
	return [
		{
			displayName: 'Completion',
			name: 'completion',
			type: 'options',
			noDataExpression: true,
			default: 'poll',
			options: [
				{
					name: 'Return Task Immediately',
					value: 'returnTask',
					description: 'Output the task as soon as Kling accepts it; fetch the result later with Get or the Kling Trigger',
				},
				{
					name: 'Wait Until Done (Poll)',
					value: 'poll',
					description: 'Check the task until it succeeds or fails, then output the result',
				},
				{
					name: 'Pause Until Kling Calls Back',
					value: 'callback',
					description:
						'Pause the execution (no polling, no cost while Kling works) and continue when Kling reports every task finished. Needs an n8n that Kling can reach from the internet.',
				},
			],
		},
		{
			displayName:
				"The node sends this execution's resume URL as each task's callback URL and sets the external task IDs itself. The execution waits, without a time limit, until Kling reports every item's task finished; the tasks are then read from Kling. If Kling cannot reach n8n, it keeps waiting.",
			name: 'callbackNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { completion: ['callback'] } },
		},
		{
			displayName: 'Timeout (Minutes)',
			name: 'timeoutMinutes',
			type: 'number',
			default: defaultTimeoutMinutes,
			typeOptions: { minValue: 0.1, numberPrecision: 2 },
			description: 'How long to wait for each task before failing with its task ID, so it can be fetched later',
			displayOptions: { show: { completion: ['poll'] } },
		},
		{
			displayName: 'Max Concurrent Tasks',
			name: 'maxConcurrentTasks',
			type: 'number',
			default: 3,
			typeOptions: { minValue: 1, maxValue: 50 },
			description:
				"How many of the input items may have a task running on Kling at once. Match your resource pack's concurrency limit.",
			displayOptions: { show: { completion: ['poll'] } },
		},
	];
}

export function readCompletionSettings(this: IExecuteFunctions): CompletionSettings {
	let mode = this.getNodeParameter('completion', 0, 'poll') as CompletionMode;
	// An AI agent calling the node as a tool cannot be paused; it gets the polled result instead.
	if (mode === 'callback' && this.isToolExecution()) mode = 'poll';
	return {
		mode,
		timeoutMs: Number(this.getNodeParameter('timeoutMinutes', 0, 20)) * MINUTE,
		maxConcurrent: Math.max(1, Math.floor(Number(this.getNodeParameter('maxConcurrentTasks', 0, 3)))),
	};
}
