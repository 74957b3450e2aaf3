import type { IDataObject, IExecuteFunctions, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isSucceeded, type KlingTask } from '../contract/task';
import { asNodeError } from '../transport/errors';
import { presentFinal, taskSummary } from './output';
import { readTasks } from './poll';
import type { TaskOperation } from './taskOperation';

/** What a run paused until Kling calls back outputs once every task is final (tasks/pause.ts). */

/** The external task ID of what an item's `prepare` makes first (its generated views): found again after a resume. */
export const firstTaskIdOf = (externalTaskId: string) => `${externalTaskId}-first`;

/**
 * One output item per input item once every task is final. An item without a task failed before the pause (its input
 * was refused, or its create): `withoutTask` says how. A failed item names its task paid for first (`firstTaskIds`).
 */
export async function presentBatch(
	ctx: IExecuteFunctions,
	operation: TaskOperation,
	tasks: Array<KlingTask | undefined>,
	withoutTask: (itemIndex: number) => IDataObject,
	firstTaskIds: Array<string | undefined> = [],
): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	const what = operation.firstTask?.what;
	const paidFirst = (itemIndex: number, json: IDataObject): IDataObject => {
		const id = firstTaskIds[itemIndex];
		const note = `This item's ${what} task ${id} was paid for first.`;
		return id && what ? { ...json, description: [json.description, note].filter(Boolean).join(' '), [`${what}TaskId`]: id } : json;
	};
	// `error` marks it failed, for the node's On Error setting (outputFor), as Continue On Fail marks one (itemError).
	const failed = (itemIndex: number, json: IDataObject): INodeExecutionData => ({
		json,
		error: new NodeOperationError(ctx.getNode(), String(json.error), { itemIndex, description: json.description as string | undefined }),
		pairedItem: { item: itemIndex },
	});
	for (const [itemIndex, task] of tasks.entries()) {
		const pairedItem = { item: itemIndex };
		if (!task) {
			out.push(failed(itemIndex, paidFirst(itemIndex, withoutTask(itemIndex))));
			continue;
		}
		try {
			out.push({ ...(await presentFinal.call(ctx, operation, task, itemIndex)), pairedItem });
		} catch (error) {
			// A resumed run has no Continue On Fail to ask: a task that failed becomes an item with its error, shaped as
			// Continue On Fail shapes one in the other modes.
			const { message, description } = asNodeError(ctx.getNode(), error);
			out.push(failed(itemIndex, paidFirst(itemIndex, { error: message, ...(description ? { description } : {}), ...taskSummary(task) })));
		}
	}
	return out;
}

/** The tasks paid for first (generated views) of the items whose own task failed or is missing, by pause mode's IDs. */
export async function firstTasksOfFailed(ctx: IWebhookFunctions, operation: TaskOperation, ids: string[], tasks: Array<KlingTask | undefined>) {
	const failed = ids.flatMap((id, itemIndex) => (tasks[itemIndex] && isSucceeded(tasks[itemIndex].task_status) ? [] : [firstTaskIdOf(id)]));
	if (!operation.firstTask || !failed.length) return [];
	// Best effort: the run resumes either way, and Kling delivers no second chance to name them.
	const found = await readTasks.call(ctx, operation.firstTask.product, failed, { by: 'externalTaskId', retries: 0 }).catch(() => new Map<string, KlingTask>());
	return ids.map((id) => found.get(firstTaskIdOf(id))?.task_id);
}

/**
 * Presenting a result (and downloading a file) needs only helpers, the node and its parameters, which a webhook
 * context has too; parameters are read as for the first item. A webhook call cannot be cancelled.
 */
export function asExecuteContext(ctx: IWebhookFunctions): IExecuteFunctions {
	return new Proxy(ctx, {
		get(target, property, receiver) {
			if (property === 'getNodeParameter') {
				return (name: string, _itemIndex: number, fallback?: unknown) => target.getNodeParameter(name, fallback);
			}
			if (property === 'getExecutionCancelSignal') return () => undefined;
			return Reflect.get(target, property, receiver);
		},
	}) as unknown as IExecuteFunctions;
}
