import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { PRODUCTS } from '../../contract/task';
import { eachItem } from '../shared/items';
import { downloadOptions, readDownload } from '../shared/options';
import { readTaskOrFail, taskIdField } from '../shared/tasks';
import { presentImages } from './output';

/** Kling has no "get any task" endpoint (§12): the kind says where the task lives. */
const KINDS = {
	generate: { name: 'Generate', product: PRODUCTS.imageGeneration, what: 'image generation' },
	omniImage: { name: 'Omni Image', product: PRODUCTS.omniImage, what: 'omni image' },
} as const;

export const properties: INodeProperties[] = [
	{
		displayName: 'Kind',
		name: 'kind',
		type: 'options',
		noDataExpression: true,
		default: 'omniImage',
		description: 'The operation that made the images',
		options: Object.entries(KINDS).map(([value, { name }]) => ({ name, value })),
	},
	taskIdField('image'),
	downloadOptions('images'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem.call(this, async (i) => {
		const { product, what } = KINDS[this.getNodeParameter('kind', i) as keyof typeof KINDS];
		const task = await readTaskOrFail.call(this, product, i, { what, hint: 'Check the Kind: each kind of image task is looked up in its own list.' });
		return await presentImages.call(this, task, i, readDownload.call(this, i, 'images'));
	});
}
