import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { KlingTask } from '../../contract/task';
import type { TaskProduct } from '../../tasks/products';
import { findTask } from '../../tasks/submit';

/** The Task ID field of every Get operation: Kling answers to the task id and to the caller's external task id. */
export function taskIdField(what: string): INodeProperties {
	return {
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 842250903629086785',
		description: `The ID of the ${what} task, or the external task ID you gave it`,
	};
}

/** Reads the Task ID field and the task it names, or fails with what to check. */
export async function getTaskOrFail(
	this: IExecuteFunctions,
	product: TaskProduct,
	itemIndex: number,
	{ what, hint }: { what: string; hint: string },
): Promise<KlingTask> {
	const taskId = String(this.getNodeParameter('taskId', itemIndex, '')).trim();
	if (!taskId) throw new NodeOperationError(this.getNode(), 'Task ID is required', { itemIndex });
	const task = await findTask.call(this, product, taskId);
	if (!task) {
		throw new NodeOperationError(this.getNode(), `Kling has no ${what} task with ID "${taskId}"`, { itemIndex, description: hint });
	}
	return task;
}
