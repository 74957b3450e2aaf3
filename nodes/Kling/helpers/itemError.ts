import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/**
 * With "Continue On Fail", an item's error becomes its output and the other items go on; otherwise the error
 * is thrown, tagged with the item so n8n names it.
 */
export function itemError(
	this: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	extra: IDataObject = {},
	note?: string,
): INodeExecutionData {
	const known = error instanceof NodeApiError || error instanceof NodeOperationError;
	const wrapped = known ? error : new NodeOperationError(this.getNode(), error as Error, { itemIndex });
	const description = [wrapped.description, note].filter(Boolean).join(' ');
	if (this.continueOnFail()) {
		const json: IDataObject = { error: wrapped.message };
		for (const [key, value] of Object.entries(extra)) if (value !== undefined) json[key] = value;
		if (description) json.description = description;
		return { json, pairedItem: { item: itemIndex } };
	}
	wrapped.context.itemIndex = itemIndex;
	if (description) wrapped.description = description;
	throw wrapped;
}
