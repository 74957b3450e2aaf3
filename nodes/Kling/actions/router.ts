import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { itemError } from '../helpers/itemError';
import { runTaskOperation, type TaskOperation } from '../tasks/run';
import { createElement } from './element/create.operation';
import * as element from './element/Element.resource';
import type { KlingType } from './node.type';

type ItemOperation = (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject | IDataObject[]>;

/**
 * Operations that create a Kling task run over all items at once (submitted together, awaited together);
 * the others run item by item.
 */
const operations: { [R in KlingType['resource']]: Record<string, TaskOperation | ItemOperation> } = {
	element: {
		create: createElement,
		get: element.get.execute,
		getAll: element.getAll.execute,
		delete: element.delete.execute,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = (operations as Record<string, Record<string, TaskOperation | ItemOperation> | undefined>)[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of resource "${resource}" is not supported`);
	}
	if (typeof operation !== 'function') return [await runTaskOperation.call(this, operation)];

	const out: INodeExecutionData[] = [];
	const items = this.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const result = await operation.call(this, itemIndex);
			out.push(...this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(result), { itemData: { item: itemIndex } }));
		} catch (error) {
			out.push(itemError.call(this, error, itemIndex));
		}
	}
	return [out];
}
