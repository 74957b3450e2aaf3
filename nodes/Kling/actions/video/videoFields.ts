import type { IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { PROMPT_MAX } from '../../contract/video';
import { completionFields } from '../../tasks/completion';
import { TASK_OPTION_LABELS, taskOptionsField } from '../common/taskOptions';
import { downloadFields } from './videoOutput';

/** Fields several video operations share, with the same wording everywhere. */

/** A prompt placeholder as descriptions show it: they are HTML, so `<<<element_1>>>` must be encoded. */
export const placeholder = (name: string) => `&lt;&lt;&lt;${name}&gt;&gt;&gt;`;

export function promptField(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		placeholder: 'e.g. The character waves at the camera and smiles',
		description: `What happens in the video, up to ${PROMPT_MAX} characters`,
		...overrides,
	};
}

export const MODE_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Standard (720p)', value: 'std' },
	{ name: 'Professional (1080p)', value: 'pro' },
	{ name: '4K', value: '4k' },
];

export function modeField(options: INodePropertyOptions[] = MODE_OPTIONS): INodeProperties {
	return { displayName: 'Mode', name: 'mode', type: 'options', default: 'std', options, description: 'Output resolution; higher costs more' };
}

/** "3 Seconds" ... "15 Seconds"; the values are strings, as Kling wants them. */
export function durationField(max: number, description: string): INodeProperties {
	return {
		displayName: 'Duration',
		name: 'duration',
		type: 'options',
		default: '5',
		description,
		options: Array.from({ length: max - 2 }, (_, n) => ({ name: `${n + 3} Seconds`, value: String(n + 3) })),
	};
}

export const watermarkField: INodeProperties = {
	displayName: 'Watermark',
	name: 'watermark',
	type: 'boolean',
	default: false,
	description: 'Whether Kling also makes a watermarked copy of the video (output as Watermark URL)',
};

export function readWatermark(this: IExecuteFunctions, itemIndex: number) {
	return { enabled: this.getNodeParameter('watermark', itemIndex, false) as boolean };
}

/** The trimmed prompt, or undefined so an empty one is not sent. */
export function readText(this: IExecuteFunctions, name: string, itemIndex: number): string | undefined {
	const text = String(this.getNodeParameter(name, itemIndex, '') ?? '').trim();
	return text || undefined;
}

/** Field names in validation messages for what every video create sends. */
export const VIDEO_LABELS = {
	model_name: 'Model',
	prompt: 'Prompt',
	element_list: 'Elements',
	sound: 'Sound',
	mode: 'Mode',
	duration: 'Duration',
	watermark_info: 'Watermark',
	...TASK_OPTION_LABELS,
};

/** The fields every video create ends with: watermark, completion, download, and the task options. */
export function videoCreateClosingFields(): INodeProperties[] {
	return [
		watermarkField,
		...completionFields(30),
		// A paused execution presents (and downloads) its videos when it resumes, so the option applies there too.
		...downloadFields({ show: { completion: ['poll', 'callback'] } }),
		taskOptionsField,
	];
}
