import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { isSucceeded } from '../../contract/task';
import { PRODUCTS } from '../../tasks/products';
import { getTaskOrFail, taskIdField } from '../common/taskLookup';
import { downloadFields, presentVideo, videoTaskOutput } from './videoOutput';

/** Kling has no "get any task" endpoint (kling-api.md §12): the kind says where the task lives. */
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
	...downloadFields(),
];

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['get'] } }, properties);

/** The task as it is now; a finished video comes with its URL, and as binary data when asked for. */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData> {
	const { product, what } = KINDS[this.getNodeParameter('kind', i) as keyof typeof KINDS];
	const task = await getTaskOrFail.call(this, product, i, { what, hint: 'Check the Kind: each kind of video is looked up in its own list.' });
	if (!isSucceeded(task.task_status)) return { json: videoTaskOutput(task) };
	return await presentVideo.call(this, task, i);
}
