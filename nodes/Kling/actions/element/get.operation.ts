import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { PRODUCTS } from '../../tasks/products';
import { getTaskOrFail, taskIdField } from '../common/taskLookup';
import { elementTaskOutput } from './elementOutput';

const properties: INodeProperties[] = [taskIdField('element creation')];

export const description = updateDisplayOptions({ show: { resource: ['element'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const task = await getTaskOrFail.call(this, PRODUCTS.element, i, {
		what: 'element creation',
		hint: 'Use the task ID (or external task ID) that Create returned. Elements made with the old custom-elements API are not visible here.',
	});
	return elementTaskOutput(task);
}
