import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { createVoiceBodySchema, VOICE_NAME_MAX } from '../../contract/voice';
import { parseRequestBody } from '../../helpers/validation';
import { completionFields } from '../../tasks/completion';
import { PRODUCTS } from '../../tasks/products';
import type { TaskOperation } from '../../tasks/run';
import { readTaskOptions, taskOptionsField, TASK_OPTION_LABELS } from '../common/taskOptions';
import { voiceTaskOutput } from './voiceOutput';

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'voiceName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Mira calm',
		description: `Up to ${VOICE_NAME_MAX} characters`,
	},
	{
		displayName: 'Source',
		name: 'voiceSource',
		type: 'options',
		noDataExpression: true,
		default: 'url',
		options: [
			{ name: 'Audio or Video URL', value: 'url', description: 'A recording of one clean human voice' },
			{ name: 'Kling Video', value: 'video', description: 'The speech in a video Kling made' },
		],
	},
	{
		displayName: 'Audio or Video URL',
		name: 'voiceUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/mira-voice.mp3',
		hint: 'MP3 or WAV audio, or MP4 or MOV video: 5 to 30 seconds of one clean human voice',
		displayOptions: { show: { voiceSource: ['url'] } },
	},
	{
		displayName: 'Video ID',
		name: 'videoId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 861734512008451201',
		description: "The ID of a Kling video made by Kling 2.6 with sound on, or by the Avatar or Lip-Sync API (a video node's Video ID output)",
		displayOptions: { show: { voiceSource: ['video'] } },
	},
	...completionFields(10),
	taskOptionsField,
];

export const description = updateDisplayOptions({ show: { resource: ['voice'], operation: ['create'] } }, properties);

const FIELD_LABELS = {
	voice_name: 'Name',
	voice_url: 'Audio or Video URL',
	video_id: 'Video ID',
	...TASK_OPTION_LABELS,
};

async function buildRequest(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const source = this.getNodeParameter('voiceSource', i) as 'url' | 'video';
	// Kling does not say the two sources exclude each other, so exactly one is ever sent (kling-api.md §4).
	const body: IDataObject = {
		voice_name: this.getNodeParameter('voiceName', i, '') as string,
		...(source === 'url'
			? { voice_url: String(this.getNodeParameter('voiceUrl', i, '')).trim() }
			: { video_id: String(this.getNodeParameter('videoId', i, '')).trim() }),
		...readTaskOptions.call(this, i),
	};
	return parseRequestBody.call(this, createVoiceBodySchema, body, FIELD_LABELS, i) as IDataObject;
}

export const createVoice: TaskOperation = {
	product: PRODUCTS.voice,
	buildRequest,
	async present(task) {
		return { json: voiceTaskOutput(task) };
	},
};
