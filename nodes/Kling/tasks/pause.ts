import type { IDataObject, IExecuteFunctions, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError, WAIT_INDEFINITELY } from 'n8n-workflow';

import { normaliseCallback } from '../contract/callback';
import { isFinal, type KlingTask } from '../contract/task';
import { asExecuteContext, firstTasksOfFailed, presentBatch } from './pauseOutput';
import { readTasks } from './poll';
import { runDigest } from './runKey';
import type { TaskOperation } from './taskOperation';

/**
 * Pause Until Kling Calls Back. n8n resumes a waiting execution once, and a callback carries one task, so every item's
 * task gets the same resume URL (tagged with a batch key and the item count) and an external task id derived from the
 * key. Each callback re-reads the whole batch and resumes the run only once all are final; the body only decides a 503
 * (it says a task is final that the read does not show yet). Output comes from the read alone: a forged or repeated
 * callback resumes nothing. No time limit: at `waitTill` n8n would pass the input on as a success with no result
 * (`WorkflowExecute.handleWaitingState`, docs/n8n-behaviour.md), so an execution whose callbacks never come stays waiting.
 */

/**
 * The resume URL's path suffix, which the node's webhook declares. n8n calls the waiting node's webhook only when the
 * suffixes match (docs/n8n-behaviour.md §4.3): a Kling callback that comes after the node went on cannot resume a
 * later Wait node (suffix '') with Kling's body.
 */
export const RESUME_SUFFIX = 'kling';
const BATCH_PARAM = 'klingBatch';
const COUNT_PARAM = 'klingItems';
/** The most items one paused run takes: each callback reads them all. */
const MAX_ITEMS = 10_000;
/**
 * n8n gives one resume URL per execution, and calls the webhook of the node waiting now. A late or repeated callback
 * of an earlier pause at another Kling node may reach it there: the node named in the URL must be the waiting one.
 */
const NODE_PARAM = 'klingNode';
const nodeKeyOf = (node: { id?: string; name: string }) => node.id || node.name;
/**
 * A loop that runs the node again waits on the same URL (one per execution) with a new batch, while a late callback of
 * an earlier round still finds that round's tasks final. The batch the node waits for now is kept in the execution's
 * custom data (`$execution.customData`, stored with the execution), which only letters, digits and _ may name.
 */
const waitingBatchKey = (node: { id?: string; name: string }) => `kling_${nodeKeyOf(node).replace(/[^A-Za-z0-9_]/g, '_')}`.slice(0, 50);
/**
 * n8n's resume token (the URL's `signature`) does not cover the parameters added here: the item count is part of every
 * external task id, so a URL whose count was changed names no task of the batch and cannot resume the run early.
 */
const externalTaskIdOf = (batch: string, count: number, itemIndex: number) => `n8n-${batch}-${count}-${itemIndex}`;

/**
 * n8n checks that an execution is waiting before the node's webhook runs and marks it running only after it returned,
 * and n8n 1.x does not check again (docs/n8n-behaviour.md §4.3): two callbacks that arrive together once the last task
 * is final would both resume it, running everything after the node twice. So a process handles the callbacks of one
 * batch one after the other (`handling`, the last one's turn), and remembers the batches that resumed their run.
 */
const handling = new Map<string, Promise<unknown>>();
const resumedHere = new Set<string>();

/**
 * The batch of a run of the node. External task ids derive from its key and must be unique per account (§2), also when
 * a loop runs the node again in one execution; a second try of the run (Retry On Fail) gets the same key (runKey.ts).
 */
export function newCallbackBatch(ctx: IExecuteFunctions, itemCount: number) {
	if (itemCount > MAX_ITEMS) {
		throw new NodeOperationError(ctx.getNode(), `Pause Until Kling Calls Back takes at most ${MAX_ITEMS} items in one run of the node (this one has ${itemCount})`, {
			description: 'Split the items, for example with Loop Over Items, or choose Wait Until Done.',
		});
	}
	const batch = runDigest(ctx, 'pause', 16);
	const { $execution } = ctx.getWorkflowDataProxy(0);
	const url = new URL($execution.resumeUrl);
	url.pathname = `${url.pathname.replace(/\/$/, '')}/${RESUME_SUFFIX}`;
	url.searchParams.set(BATCH_PARAM, batch);
	url.searchParams.set(COUNT_PARAM, String(itemCount));
	url.searchParams.set(NODE_PARAM, nodeKeyOf(ctx.getNode()));
	// Absent where an execution has no data to keep it in; a full custom data store (10 keys) keeps it silently not.
	const customData = $execution.customData as { set(key: string, value: string): void } | undefined;
	customData?.set(waitingBatchKey(ctx.getNode()), batch);
	return {
		/** An item's create with the resume URL as its callback URL and an external task id from the batch key. */
		apply(body: IDataObject, itemIndex: number): IDataObject {
			// Both are this mode's own; silently replacing the user's would leave a Kling Trigger or a lookup waiting.
			if (body.callback_url || body.external_task_id) {
				throw new NodeOperationError(ctx.getNode(), 'Options → Callback URL and External Task ID cannot be used with Pause Until Kling Calls Back', {
					itemIndex,
					description: 'This mode sets both itself: remove them, or choose Wait Until Done or Return Task Immediately.',
				});
			}
			return { ...body, callback_url: url.toString(), external_task_id: externalTaskIdOf(batch, itemCount, itemIndex) };
		},
	};
}

/** After the tasks are submitted: finish at once if Kling was quick, otherwise put the execution to wait. */
export async function pauseForCallbacks(
	this: IExecuteFunctions,
	operation: TaskOperation,
	submitted: Array<KlingTask | undefined>,
	preWaitOutput: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	// One look before pausing: a quick task (or one adopted after a lost answer) may be done already. If Kling cannot
	// be read just now, the callbacks will tell.
	const ids = submitted.flatMap((task) => (task ? [task.task_id] : []));
	const current = await readTasks.call(this, operation.product, ids).catch(() => new Map<string, KlingTask>());
	const latest = submitted.map((task) => (task ? (current.get(task.task_id) ?? task) : undefined));
	if (latest.every((task) => !task || isFinal(task.task_status))) {
		// An item without a task keeps the error it got (Continue On Fail), which may name a task to look up.
		const withoutTask = (itemIndex: number) => preWaitOutput[itemIndex]?.json ?? { error: 'No Kling task was created for this item' };
		const what = operation.firstTask?.what;
		const firstIds = what ? submitted.map((task, itemIndex) => (task ? (preWaitOutput[itemIndex]?.json[`${what}TaskId`] as string | undefined) : undefined)) : [];
		return await presentBatch(this, operation, latest, withoutTask, firstIds);
	}
	await this.putExecutionToWait(WAIT_INDEFINITELY);
	// Shown on the node while the execution waits: each item's task, to look up if Kling never calls back.
	return preWaitOutput;
}

/** The node's `webhook()` in pause mode: a Kling callback on the resume URL. */
export async function handleCallback(this: IWebhookFunctions, operation: TaskOperation): Promise<IWebhookResponseData> {
	const query = this.getQueryData() as Record<string, string | undefined>;
	const batch = query[BATCH_PARAM];
	const count = Number(query[COUNT_PARAM]);
	if (!batch || !/^[0-9a-f]{16}$/.test(batch) || !Number.isInteger(count) || count < 1 || count > MAX_ITEMS) {
		return reply(this, 400, 'This resume URL is missing its Kling batch parameters');
	}
	if (query[NODE_PARAM] !== nodeKeyOf(this.getNode())) {
		// Answered 2xx so Kling stops delivering it: the pause it belonged to has ended, nothing will ever want it.
		return reply(this, 200, 'This callback belongs to an earlier pause at another node of this execution');
	}
	const waiting = waitingBatchOf(this);
	if (waiting !== undefined && waiting !== batch) {
		return reply(this, 200, 'This callback belongs to an earlier run of this node in a loop: the node now waits for other tasks');
	}
	// Waiting its turn, not answered 503: Kling's redelivery is undocumented (§9.3), and this call may be the last one.
	const turn = (handling.get(batch) ?? Promise.resolve())
		.catch(() => undefined)
		.then(async () => (resumedHere.has(batch) ? reply(this, 200, 'An earlier callback of this batch resumed the run', false) : await resumeIfDone(this, operation, batch, count)));
	handling.set(batch, turn);
	try {
		const response = await turn;
		if (response.workflowData) resumedHere.add(batch);
		if (resumedHere.size > 1000) resumedHere.delete(resumedHere.values().next().value as string);
		return response;
	} finally {
		if (handling.get(batch) === turn) handling.delete(batch);
	}
}

/** Reads the batch's tasks: resumes the run with every item once all are final, otherwise keeps it waiting. */
async function resumeIfDone(ctx: IWebhookFunctions, operation: TaskOperation, batch: string, count: number): Promise<IWebhookResponseData> {
	const ids = Array.from({ length: count }, (_, itemIndex) => externalTaskIdOf(batch, count, itemIndex));
	let tasks: Array<KlingTask | undefined>;
	try {
		// One try: Kling waits for this answer, and delivers the callback again after an error answer.
		const found = await readTasks.call(ctx, operation.product, ids, { by: 'externalTaskId', retries: 0 });
		tasks = ids.map((id) => found.get(id));
	} catch (error) {
		// Kling could not be read just now: a non-2xx answer keeps the run waiting, and Kling delivers the callback again.
		return reply(ctx, 503, `Could not read the tasks from Kling: ${(error as Error).message}`);
	}
	// A run pauses only with a task made: none found means a changed URL (or Kling not showing them yet).
	if (tasks.every((task) => !task)) return reply(ctx, 404, 'No Kling task belongs to this resume URL');
	// Kling's read may lag its own callback (as the Kling Trigger finds), and a callback answered 2xx is not delivered
	// again: if it was the last one, the run would wait forever.
	const claim = normaliseCallback(ctx.getBodyData());
	const claimed = claim?.final ? ids.indexOf(claim.externalTaskId ?? '') : -1;
	if (claimed >= 0 && !(tasks[claimed] && isFinal(tasks[claimed].task_status))) {
		return reply(ctx, 503, `Kling does not show task ${ids[claimed]} final yet, as this callback says; deliver it again later`);
	}
	if (!tasks.every((task) => !task || isFinal(task.task_status))) return { webhookResponse: { received: true, waiting: true } };
	// The errors items got before the pause are gone by now; what is left to say is which task Kling does not have.
	const withoutTask = (itemIndex: number) => ({
		error: `Kling has no task with this item's external task ID ${ids[itemIndex]}: its input was refused, or its create failed, before the pause`,
		externalTaskId: ids[itemIndex],
	});
	return { workflowData: [await presentBatch(asExecuteContext(ctx), operation, tasks, withoutTask, await firstTasksOfFailed(ctx, operation, ids, tasks))] };
}

/** The batch the waiting run of this node was given, or undefined when the execution does not say (see waitingBatchKey). */
function waitingBatchOf(ctx: IWebhookFunctions): string | undefined {
	const key = waitingBatchKey(ctx.getNode());
	try {
		// n8n 2 gives a node the execution's custom data (its expressions may run isolated); n8n 1 only its expressions.
		const { customData } = ctx as Partial<Pick<IWebhookFunctions, 'customData'>>;
		const batch = customData ? customData.get(key) : ctx.evaluateExpression(`{{ $execution.customData.get("${key}") }}`, 0);
		return typeof batch === 'string' && batch !== '' ? batch : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Answers a call that does not resume the run: it keeps waiting, unless an earlier call resumed it (`waiting` false).
 * Throwing instead would end the waiting execution as failed.
 */
function reply(ctx: IWebhookFunctions, status: number, reason: string, waiting = true): IWebhookResponseData {
	ctx.getResponseObject().status(status).json({ received: true, waiting, reason });
	return { noWebhookResponse: true };
}
