import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { KlingTask, TaskProduct } from '../../contract/task';
import { findTask } from '../../tasks/submit';

/** The Task ID field of the operations that read a task: Kling answers to the task id and to the caller's external task id. */
export function taskIdField(what: string): INodeProperties {
	return {
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 842250903629086785',
		description: `The ID of the ${what} task, or the external task ID it was given`,
	};
}

/** Reads the Task ID field and the task it names, or fails saying Kling has no such task (§10: HTTP 400, 1201). */
export async function readTaskOrFail(this: IExecuteFunctions, product: TaskProduct, itemIndex: number, { what, hint }: { what: string; hint: string }): Promise<KlingTask> {
	const taskId = String(this.getNodeParameter('taskId', itemIndex, '')).trim();
	if (!taskId) throw new NodeOperationError(this.getNode(), 'Task ID is required', { itemIndex });
	const task = await findTask.call(this, product, taskId);
	if (!task) throw new NodeOperationError(this.getNode(), `Kling has no ${what} task with ID "${taskId}"`, { itemIndex, description: hint });
	return task;
}
