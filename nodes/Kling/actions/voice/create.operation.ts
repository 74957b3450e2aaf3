import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { PRODUCTS } from '../../contract/task';
import { createVoiceBodySchema, VOICE_NAME_MAX } from '../../contract/voice';
import { textOf } from '../shared/fields';
import { createOptions, OPTION_LABELS, readCreateOptions, type OptionsKind } from '../shared/options';
import { taskCreate } from '../shared/tasks';
import { parseRequestBody, refuseRoundedId } from '../shared/validate';
import { presentVoiceTask } from './output';

const OPTIONS: OptionsKind = { timeoutMinutes: 10 };

export const properties: INodeProperties[] = [
	{ displayName: 'Name', name: 'voiceName', type: 'string', required: true, default: '', placeholder: 'e.g. Mira calm', description: `Up to ${VOICE_NAME_MAX} characters` },
	{
		displayName: 'Source',
		name: 'voiceSource',
		type: 'options',
		noDataExpression: true,
		default: 'url',
		options: [
			{ name: 'Audio or Video URL', value: 'url', description: 'A recording of one clean human voice, or the clip of a video element' },
			{ name: 'Kling Video', value: 'video', description: 'The speech in a video Kling made' },
		],
	},
	{
		displayName: 'Audio or Video URL',
		name: 'voiceUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/mira-clip.mp4',
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
		description: 'The ID of a Kling video made by Kling 2.6 with sound on, or by the Avatar or Lip-Sync API; Kling refuses videos of other models',
		displayOptions: { show: { voiceSource: ['video'] } },
	},
	createOptions(OPTIONS),
];

export const { task, execute } = taskCreate(OPTIONS, {
	product: PRODUCTS.voice,
	async buildRequest(i) {
		// Kling does not say the two sources exclude each other, so exactly one is ever sent (§4).
		const byVideo = this.getNodeParameter('voiceSource', i) === 'video';
		const videoId = byVideo ? this.getNodeParameter('videoId', i, '') : undefined;
		refuseRoundedId.call(this, videoId, 'Video ID', '{{ $json.videoId }}', i);
		const body: IDataObject = {
			voice_name: textOf.call(this, this.getNodeParameter('voiceName', i, ''), 'Name', i),
			voice_url: byVideo ? undefined : textOf.call(this, this.getNodeParameter('voiceUrl', i, ''), 'Audio or Video URL', i).trim(),
			video_id: byVideo ? String(videoId).trim() : undefined,
			...readCreateOptions.call(this, i, OPTIONS).body,
		};
		return parseRequestBody.call(this, createVoiceBodySchema, body, { voice_name: 'Name', voice_url: 'Audio or Video URL', video_id: 'Video ID', ...OPTION_LABELS }, i) as IDataObject;
	},
	present: presentVoiceTask,
});
