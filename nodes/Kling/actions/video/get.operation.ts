import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { isSucceeded } from '../../contract/task';
import { PRODUCTS } from '../../tasks/products';
import { findTask } from '../../tasks/submit';
import { downloadFields, presentVideo, videoTaskOutput } from './videoOutput';

/** Kling has no "get any task" endpoint (kling-api.md §12): the kind says where the task lives. */
const KINDS = {
	omni: PRODUCTS.omniVideo,
	imageToVideo: PRODUCTS.imageToVideo,
	motionControl: PRODUCTS.motionControl,
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
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 842250903629086785',
		description: 'The ID of the video task, or the external task ID you gave it',
	},
	...downloadFields(),
];

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['get'] } }, properties);

/** The task as it is now; a finished video comes with its URL, and as binary data when asked for. */
export async function execute(this: IExecuteFunctions, i: number): Promise<INodeExecutionData> {
	const kind = this.getNodeParameter('kind', i) as keyof typeof KINDS;
	const taskId = String(this.getNodeParameter('taskId', i, '')).trim();
	if (!taskId) throw new NodeOperationError(this.getNode(), 'Task ID is required', { itemIndex: i });
	const task = await findTask.call(this, KINDS[kind], taskId);
	if (!task) {
		throw new NodeOperationError(this.getNode(), `Kling has no ${kind === 'omni' ? 'omni video' : kind === 'imageToVideo' ? 'image-to-video' : 'motion control'} task with ID "${taskId}"`, {
			itemIndex: i,
			description: 'Check the Kind: each kind of video is looked up in its own list.',
		});
	}
	if (!isSucceeded(task.task_status)) return { json: videoTaskOutput(task) };
	return await presentVideo.call(this, task, i);
}
