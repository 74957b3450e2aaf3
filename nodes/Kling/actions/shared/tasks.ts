import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { KlingTask, TaskProduct } from '../../contract/task';
import { runTaskOperation } from '../../tasks/run';
import { findTask } from '../../tasks/submit';
import type { TaskOperation } from '../../tasks/taskOperation';
import { readCompletion, readCreateOptions, type Download, type OptionsKind } from './options';
import { refuseRoundedId } from './validate';

type PresentMedia = (this: IExecuteFunctions, task: KlingTask, itemIndex: number, download: Download) => Promise<INodeExecutionData>;

/**
 * The `task` and `execute` of a create that makes videos or images: they differ only in the product, the request, and
 * how a result is presented with the item's Download options.
 */
export function mediaCreate(kind: OptionsKind, present: PresentMedia, operation: Omit<TaskOperation, 'present'>) {
	const task: TaskOperation = {
		...operation,
		async present(kling, i) {
			return await present.call(this, kling, i, readCreateOptions.call(this, i, kind));
		},
	};
	async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
		return await runTaskOperation.call(this, task, readCompletion.call(this, kind));
	}
	return { task, execute };
}

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
	const raw = this.getNodeParameter('taskId', itemIndex, '');
	refuseRoundedId.call(this, raw, 'Task ID', '{{ $json.taskId }}', itemIndex);
	const taskId = String(raw).trim();
	if (!taskId) throw new NodeOperationError(this.getNode(), 'Task ID is required', { itemIndex });
	const task = await findTask.call(this, product, taskId);
	if (!task) throw new NodeOperationError(this.getNode(), `Kling has no ${what} task with ID "${taskId}"`, { itemIndex, description: hint });
	return task;
}
