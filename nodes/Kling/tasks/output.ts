import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isSucceeded, type KlingTask, type TaskProduct } from '../contract/task';
import { asNodeError } from '../transport/errors';
import type { TaskOperation } from './taskOperation';

/** The task fields every output shares, in camelCase, ids as strings. */
export function taskSummary(task: KlingTask): IDataObject {
	return {
		taskId: task.task_id,
		status: task.task_status,
		statusMessage: task.task_status_msg || undefined,
		externalTaskId: task.task_info?.external_task_id ?? undefined,
		createdAt: task.created_at ?? undefined,
		updatedAt: task.updated_at ?? undefined,
		unitsDeducted: task.final_unit_deduction ?? undefined,
	};
}

/**
 * With "Continue On Fail", an item's error becomes its output and the other items go on; otherwise the error is
 * thrown, tagged with the item so n8n names it. `extra` adds fields (a task ID) to the error item.
 */
export function itemError(this: IExecuteFunctions, error: unknown, itemIndex: number, extra: IDataObject = {}, note?: string): INodeExecutionData {
	const wrapped = asNodeError(this.getNode(), error);
	const description = [wrapped.description, note].filter(Boolean).join(' ');
	wrapped.context.itemIndex = itemIndex;
	if (this.continueOnFail()) {
		const json: IDataObject = { error: wrapped.message };
		for (const [key, value] of Object.entries(extra)) if (value !== undefined) json[key] = value;
		if (description) json.description = description;
		// `error` marks it failed, for the node's On Error setting (outputFor).
		return { json, error: wrapped, pairedItem: { item: itemIndex } };
	}
	// The error is all that is left of the item then: it names the item's task (paid for) unless it does already.
	const taskId = extra.taskId !== undefined && !`${wrapped.message} ${description}`.includes(String(extra.taskId)) ? `Task ID ${String(extra.taskId)}.` : '';
	if (description || taskId) wrapped.description = [description, taskId].filter(Boolean).join(' ');
	throw wrapped;
}

/**
 * The node's output as its On Error setting wants it. A failed item carries `error` inside the node but never leaves
 * with it: n8n would replace its json by the error's message alone (normalizeNodeErrors), dropping the task IDs paid
 * for. With "Continue (using error output)" n8n sends an item to the Error output when its json holds nothing but
 * `error` (n8n 1.x and 2.x alike), so the item's fields go under `error`; otherwise its json goes on as it is.
 */
export function outputFor(node: INode, items: INodeExecutionData[]): INodeExecutionData[] {
	const toErrorOutput = node.onError === 'continueErrorOutput';
	return items.map(({ error, ...item }) => {
		if (!error || !toErrorOutput) return item;
		const { error: message, ...fields } = item.json;
		return { ...item, json: { error: { message, ...fields } } };
	});
}

/** The output of a final task: the operation's result when it succeeded, otherwise an error naming the task. */
export async function presentFinal(this: IExecuteFunctions, operation: TaskOperation, task: KlingTask, itemIndex: number): Promise<INodeExecutionData> {
	if (isSucceeded(task.task_status)) return await operation.present.call(this, task, itemIndex);
	throw taskFailedError(this.getNode(), operation.product, task, itemIndex);
}

export function taskFailedError(node: INode, product: TaskProduct, task: KlingTask, itemIndex: number): NodeOperationError {
	const reason = task.task_status === 'failed' ? task.task_status_msg || 'the task failed without a reason' : `the task is still ${task.task_status}`;
	return new NodeOperationError(node, `Kling could not create the ${product.noun}: ${reason}`, { itemIndex, description: `Task ID ${task.task_id}.` });
}

/** A task Kling reports succeeded whose answer holds no result: said, never passed on as a success. `note` says more. */
export function noResultError(node: INode, task: KlingTask, missing: string, itemIndex: number, note = ''): NodeOperationError {
	return new NodeOperationError(node, `Kling reports task ${task.task_id} succeeded, but its answer holds no ${missing}`, {
		itemIndex,
		description: `Read the task again later by its task ID ${task.task_id}.${note && ` ${note}`}`,
	});
}
