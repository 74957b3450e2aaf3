import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { PRODUCTS } from '../../contract/task';
import { MOTION_ELEMENTS_MAX, motionControlBodySchema } from '../../contract/video';
import { modeField, notice, promptField, readText, readYesNo, textOf } from '../shared/fields';
import { imageSourceFields, resolveImageField } from '../shared/images';
import { createOptions, OPTION_LABELS, readCreateOptions } from '../shared/options';
import { pickerList, readPickerList, toElementList } from '../shared/pickers';
import { placeholderProblem } from '../shared/prompt';
import { invalidInput, parseRequestBody } from '../shared/validate';
import { VIDEO_LABELS, VIDEO_OPTIONS, videoCreate } from './output';

/** Elements work with Kling 3.0 only (§5), so they are offered only there. */
const WITH_ELEMENTS = { show: { model: ['kling-v3'] } };

export const properties: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		default: 'kling-v3',
		options: [
			{ name: 'Kling 2.6', value: 'kling-v2-6' },
			{ name: 'Kling 3.0', value: 'kling-v3', description: 'Also takes an element' },
		],
	},
	...imageSourceFields('character image', { prefix: 'image' }),
	{
		displayName: 'Motion Video URL',
		name: 'motionVideoUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/dance.mp4',
		description: 'The video whose movements the character copies',
		hint: 'MP4 or MOV, at most 100 MB, 3 to 30 seconds (at most 10 with Character Orientation "Image"), one realistic person in one continuous take',
	},
	{
		displayName: 'Character Orientation',
		name: 'characterOrientation',
		type: 'options',
		default: 'image',
		options: [
			{ name: 'Image', value: 'image', description: 'Face the way the character faces in the image (motion video up to 10 s)' },
			{ name: 'Video', value: 'video', description: 'Face the way the person faces in the motion video (up to 30 s)' },
		],
	},
	modeField(false),
	{ displayName: 'Keep Original Sound', name: 'keepOriginalSound', type: 'boolean', validateType: 'boolean', default: true, description: 'Whether the output keeps the sound of the motion video' },
	promptField({ description: 'Optional details about the scene or the character, up to 2500 characters' }),
	pickerList('element', MOTION_ELEMENTS_MAX, 'At most one element: Kling keeps the character consistent with it', { displayOptions: WITH_ELEMENTS }),
	notice('elementOrientationNotice', 'With an element, the video always follows the orientation of the person in the motion video, whatever Character Orientation says', WITH_ELEMENTS),
	createOptions(VIDEO_OPTIONS),
];

const LABELS = { image_url: 'Character Image', video_url: 'Motion Video URL', character_orientation: 'Character Orientation', ...VIDEO_LABELS, ...OPTION_LABELS };

async function buildRequest(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const elements = readPickerList.call(this, 'element', i);
	const body: IDataObject = {
		model_name: this.getNodeParameter('model', i) as string,
		image_url: (await resolveImageField.call(this, 'image', 'Character Image', i)) as IDataObject | string,
		video_url: textOf.call(this, this.getNodeParameter('motionVideoUrl', i, ''), 'Motion Video URL', i).trim(),
		character_orientation: this.getNodeParameter('characterOrientation', i) as string,
		mode: this.getNodeParameter('mode', i) as string,
		keep_original_sound: readYesNo.call(this, 'keepOriginalSound', 'Keep Original Sound', i, true) ? 'yes' : 'no',
		prompt: readText.call(this, 'prompt', 'Prompt', i),
		element_list: toElementList(elements),
		...readCreateOptions.call(this, i, VIDEO_OPTIONS).body,
	};
	// The element is `<<<element_1>>>`; there are no voices (§5). Other placeholders are left to Kling.
	const problem = placeholderProblem(String(body.prompt ?? ''), { element: elements.length, voice: null });
	if (problem) throw invalidInput.call(this, problem, i);
	return parseRequestBody.call(this, motionControlBodySchema, body, LABELS, i) as IDataObject;
}

export const { task, execute } = videoCreate(PRODUCTS.motionControl, buildRequest);
