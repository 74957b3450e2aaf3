import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { PRODUCTS } from '../../contract/task';
import { eachItem } from '../shared/items';
import { downloadOptions, readDownload } from '../shared/options';
import { readTaskOrFail, taskIdField } from '../shared/tasks';
import { presentVideo } from './output';

/** Kling has no "get any task" endpoint (§12): the kind says where the task lives. */
const KINDS = {
	imageToVideo: { name: 'Image to Video', product: PRODUCTS.imageToVideo, what: 'image-to-video' },
	motionControl: { name: 'Motion Control', product: PRODUCTS.motionControl, what: 'motion control' },
	omni: { name: 'Omni Video', product: PRODUCTS.omniVideo, what: 'omni video' },
} as const;

export const properties: INodeProperties[] = [
	{
		displayName: 'Kind',
		name: 'kind',
		type: 'options',
		noDataExpression: true,
		default: 'omni',
		description: 'The operation that created the video',
		options: Object.entries(KINDS).map(([value, { name }]) => ({ name, value })),
	},
	taskIdField('video'),
	downloadOptions('video'),
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem.call(this, async (i) => {
		const { product, what } = KINDS[this.getNodeParameter('kind', i) as keyof typeof KINDS];
		const task = await readTaskOrFail.call(this, product, i, { what, hint: 'Check the Kind: each kind of video is looked up in its own list.' });
		return await presentVideo.call(this, task, i, readDownload.call(this, i, 'video'));
	});
}
