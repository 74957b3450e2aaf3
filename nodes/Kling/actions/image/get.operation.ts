import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { isSucceeded, PRODUCTS } from '../../contract/task';
import { eachItem } from '../shared/items';
import { downloadOptions, readDownload } from '../shared/options';
import { readTaskOrFail, taskIdField } from '../shared/tasks';
import { imageTaskOutput, presentImages } from './output';

/** Kling has no "get any task" endpoint (§12): the kind says where the task lives. */
const KINDS = {
	omniImage: { product: PRODUCTS.omniImage, what: 'omni image' },
	generate: { product: PRODUCTS.imageGeneration, what: 'image generation' },
} as const;

const properties: INodeProperties[] = [
	{
		displayName: 'Kind',
		name: 'kind',
		type: 'options',
		default: 'omniImage',
		description: 'The operation that made the images',
		options: [
			{ name: 'Generate', value: 'generate' },
			{ name: 'Omni Image', value: 'omniImage' },
		],
	},
	taskIdField('image'),
	downloadOptions('images'),
];

export const description = updateDisplayOptions({ show: { resource: ['image'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem.call(this, async (i) => {
		const { product, what } = KINDS[this.getNodeParameter('kind', i) as keyof typeof KINDS];
		const task = await readTaskOrFail.call(this, product, i, { what, hint: 'Check the Kind: each kind of image task is looked up in its own list.' });
		if (!isSucceeded(task.task_status)) return { json: imageTaskOutput(task) };
		return await presentImages.call(this, task, i, readDownload.call(this, i, 'images'));
	});
}
