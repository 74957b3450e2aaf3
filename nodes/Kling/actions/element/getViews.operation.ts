import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { PRODUCTS } from '../../contract/task';
import { eachItem } from '../shared/items';
import { readTaskOrFail, taskIdField } from '../shared/tasks';
import { task as generateViews } from './generateViews.operation';

export const properties: INodeProperties[] = [taskIdField('Generate Views')];

/** A Generate Views task read again (an AI multi-shot task, §3.8): for one returned at once, or that timed out. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem.call(this, async (i) => {
		const task = await readTaskOrFail.call(this, PRODUCTS.multiShot, i, { what: 'Generate Views', hint: 'Use the task ID (or external task ID) that Generate Views returned.' });
		return await generateViews.present.call(this, task, i);
	});
}
