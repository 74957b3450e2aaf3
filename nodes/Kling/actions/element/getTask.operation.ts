import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { PRODUCTS } from '../../contract/task';
import { eachItem } from '../shared/items';
import { readTaskOrFail, taskIdField } from '../shared/tasks';
import { presentElementTask } from './output';

export const properties: INodeProperties[] = [taskIdField('element creation')];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem.call(this, async (i) => {
		const task = await readTaskOrFail.call(this, PRODUCTS.element, i, {
			what: 'element creation',
			hint: 'Use the task ID (or external task ID) that Create returned. Elements made with the old custom-elements API are not visible here.',
		});
		return await presentElementTask.call(this, task, i);
	});
}
