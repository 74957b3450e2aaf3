import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { PRODUCTS } from '../../tasks/products';
import { findTask } from '../../tasks/submit';
import { voiceTaskOutput } from './voiceOutput';

const properties: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 842250903629086785',
		description: 'The ID of the voice creation task, or the external task ID you gave it',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['voice'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const taskId = String(this.getNodeParameter('taskId', i, '')).trim();
	if (!taskId) throw new NodeOperationError(this.getNode(), 'Task ID is required', { itemIndex: i });
	const task = await findTask.call(this, PRODUCTS.voice, taskId);
	if (!task) {
		throw new NodeOperationError(this.getNode(), `Kling has no voice creation task with ID "${taskId}"`, {
			itemIndex: i,
			description: 'Use the task ID (or external task ID) that Create returned.',
		});
	}
	return voiceTaskOutput(task);
}
