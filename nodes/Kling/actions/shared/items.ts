import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { itemError } from '../../tasks/output';

/**
 * Runs an operation item by item: each item's output items are paired with it, and an item that fails becomes an
 * error item with Continue On Fail (otherwise the node stops, naming the item).
 */
export async function eachItem(this: IExecuteFunctions, run: (itemIndex: number) => Promise<INodeExecutionData | INodeExecutionData[]>): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < this.getInputData().length; itemIndex++) {
		try {
			const result = await run(itemIndex);
			for (const item of Array.isArray(result) ? result : [result]) out.push({ ...item, pairedItem: { item: itemIndex } });
		} catch (error) {
			out.push(itemError.call(this, error, itemIndex));
		}
	}
	return out;
}
