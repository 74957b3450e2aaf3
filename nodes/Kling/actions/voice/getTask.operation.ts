import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { PRODUCTS } from '../../contract/task';
import { eachItem } from '../shared/items';
import { readTaskOrFail, taskIdField } from '../shared/tasks';
import { presentVoiceTask } from './output';

export const properties: INodeProperties[] = [taskIdField('voice creation')];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem.call(this, async (i) => {
		const task = await readTaskOrFail.call(this, PRODUCTS.voice, i, { what: 'voice creation', hint: 'Use the task ID (or external task ID) that Create returned.' });
		return await presentVoiceTask.call(this, task, i);
	});
}
