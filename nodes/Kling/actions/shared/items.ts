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

/**
 * `eachItem` for an operation that changes something on Kling (a delete): every item's ID is read first, so an ID
 * refused further down cannot stop the node with the batch half done. With Continue On Fail the refused items become
 * error items and the others run.
 */
export async function eachItemCheckedFirst(
	this: IExecuteFunctions,
	read: (itemIndex: number) => string,
	run: (id: string, itemIndex: number) => Promise<INodeExecutionData>,
): Promise<INodeExecutionData[]> {
	const inputs = this.getInputData().map((_, itemIndex): { id: string } | { refused: INodeExecutionData } => {
		try {
			return { id: read(itemIndex) };
		} catch (error) {
			return { refused: itemError.call(this, error, itemIndex) }; // throws here without Continue On Fail
		}
	});
	return await eachItem.call(this, async (itemIndex) => {
		const entry = inputs[itemIndex];
		return 'refused' in entry ? entry.refused : await run(entry.id, itemIndex);
	});
}
