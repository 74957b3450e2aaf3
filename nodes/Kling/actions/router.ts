import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { itemError } from '../helpers/itemError';
import * as account from './account/Account.resource';
import { runTaskOperation, type TaskOperation } from '../tasks/run';
import { createElement } from './element/create.operation';
import * as element from './element/Element.resource';
import { generateElementViews } from './element/generateViews.operation';
import type { KlingType } from './node.type';
import { imageToVideo } from './video/imageToVideo.operation';
import { motionControl } from './video/motionControl.operation';
import { omniVideo } from './video/omni.operation';
import * as video from './video/Video.resource';
import { createVoice } from './voice/create.operation';
import * as voice from './voice/Voice.resource';

/** Reads or changes something item by item; the output is JSON only. */
type JsonOperation = (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject | IDataObject[]>;

/** Item by item, with an output item that may carry binary data (a downloaded video). */
interface ItemOperation {
	executeItem(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData>;
}

type Operation = TaskOperation | JsonOperation | ItemOperation;

/**
 * Operations that create a Kling task run over all items at once (submitted together, awaited together);
 * the others run item by item.
 */
const operations: { [R in KlingType['resource']]: Record<Extract<KlingType, { resource: R }>['operation'], Operation> } = {
	account: {
		getResourcePacks: account.getResourcePacks.execute,
	},
	element: {
		create: createElement,
		generateViews: generateElementViews,
		get: element.get.execute,
		getAll: element.getAll.execute,
		delete: element.delete.execute,
	},
	video: {
		omni: omniVideo,
		imageToVideo,
		motionControl,
		get: { executeItem: video.get.execute },
	},
	voice: {
		create: createVoice,
		get: voice.get.execute,
		getAll: voice.getAll.execute,
		delete: voice.delete.execute,
	},
};

function operationOf(node: INode, resource: string, operationName: string): Operation {
	const operation = (operations as Record<string, Record<string, Operation> | undefined>)[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(node, `The operation "${operationName}" of resource "${resource}" is not supported`);
	}
	return operation;
}

/** The task operation a resumed execution was waiting for (Pause Until Kling Calls Back). */
export function taskOperationOf(ctx: IWebhookFunctions): TaskOperation {
	const operation = operationOf(ctx.getNode(), ctx.getNodeParameter('resource') as string, ctx.getNodeParameter('operation') as string);
	if (!('product' in operation)) throw new NodeOperationError(ctx.getNode(), 'This operation does not wait for Kling callbacks');
	return operation;
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = operationOf(this.getNode(), this.getNodeParameter('resource', 0) as string, this.getNodeParameter('operation', 0) as string);
	if ('product' in operation) return [await runTaskOperation.call(this, operation)];

	const out: INodeExecutionData[] = [];
	const items = this.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			if (typeof operation === 'function') {
				const result = await operation.call(this, itemIndex);
				out.push(...this.helpers.constructExecutionMetaData(this.helpers.returnJsonArray(result), { itemData: { item: itemIndex } }));
			} else {
				out.push({ ...(await operation.executeItem.call(this, itemIndex)), pairedItem: { item: itemIndex } });
			}
		} catch (error) {
			out.push(itemError.call(this, error, itemIndex));
		}
	}
	return [out];
}
