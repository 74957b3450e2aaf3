import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { PRODUCTS } from '../../tasks/products';
import { getTaskOrFail, taskIdField } from '../common/taskLookup';
import { voiceTaskOutput } from './voiceOutput';

const properties: INodeProperties[] = [taskIdField('voice creation')];

export const description = updateDisplayOptions({ show: { resource: ['voice'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const task = await getTaskOrFail.call(this, PRODUCTS.voice, i, {
		what: 'voice creation',
		hint: 'Use the task ID (or external task ID) that Create returned.',
	});
	return voiceTaskOutput(task);
}
