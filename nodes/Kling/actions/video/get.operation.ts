import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { isSucceeded, PRODUCTS } from '../../contract/task';
import { eachItem } from '../shared/items';
import { downloadOptions, readDownload } from '../shared/options';
import { readTaskOrFail, taskIdField } from '../shared/tasks';
import { presentVideo, videoTaskOutput } from './output';

/** Kling has no "get any task" endpoint (§12): the kind says where the task lives. */
const KINDS = {
	omni: { product: PRODUCTS.omniVideo, what: 'omni video' },
	imageToVideo: { product: PRODUCTS.imageToVideo, what: 'image-to-video' },
	motionControl: { product: PRODUCTS.motionControl, what: 'motion control' },
} as const;

const properties: INodeProperties[] = [
	{
		displayName: 'Kind',
		name: 'kind',
		type: 'options',
		default: 'omni',
		description: 'The operation that created the video',
		options: [
			{ name: 'Image to Video', value: 'imageToVideo' },
			{ name: 'Motion Control', value: 'motionControl' },
			{ name: 'Omni Video', value: 'omni' },
		],
	},
	taskIdField('video'),
	downloadOptions('video'),
];

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['get'] } }, properties);

/** The task as it is now; a finished video comes with its URL, and as binary data when asked for. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem.call(this, async (i) => {
		const { product, what } = KINDS[this.getNodeParameter('kind', i) as keyof typeof KINDS];
		const task = await readTaskOrFail.call(this, product, i, { what, hint: 'Check the Kind: each kind of video is looked up in its own list.' });
		if (!isSucceeded(task.task_status)) return { json: videoTaskOutput(task) };
		return await presentVideo.call(this, task, i, readDownload.call(this, i, 'video'));
	});
}
