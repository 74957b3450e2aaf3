import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { MOTION_ELEMENTS_MAX, motionControlBodySchema } from '../../contract/video';
import { imageSourceFields, readImageSource, resolveImage } from '../../helpers/imageInput';
import { parseRequestBody } from '../../helpers/validation';
import { PRODUCTS } from '../../tasks/products';
import type { TaskOperation } from '../../tasks/run';
import { elementListField, readElementList, toElementList } from '../common/elementList';
import { readTaskOptions } from '../common/taskOptions';
import { modeField, MODE_OPTIONS, promptField, readText, readWatermark, videoCreateClosingFields, VIDEO_LABELS } from './videoFields';
import { presentVideo } from './videoOutput';

const properties: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		default: 'kling-v3',
		options: [
			{ name: 'Kling 2.6', value: 'kling-v2-6' },
			{ name: 'Kling 3.0', value: 'kling-v3', description: 'Needed to use an element' },
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
	modeField(MODE_OPTIONS.filter((option) => option.value !== '4k')),
	{
		displayName: 'Keep Original Sound',
		name: 'keepOriginalSound',
		type: 'boolean',
		default: true,
		description: 'Whether the output keeps the sound of the motion video',
	},
	promptField({ description: 'Optional details about the scene or the character, up to 2500 characters' }),
	elementListField({
		max: MOTION_ELEMENTS_MAX,
		description: 'At most one element, with Kling 3.0 only: Kling keeps the character consistent with it',
	}),
	{
		displayName: 'With an element, the video always follows the orientation of the person in the motion video, whatever Character Orientation says',
		name: 'elementOrientationNotice',
		type: 'notice',
		default: '',
	},
	...videoCreateClosingFields(),
];

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['motionControl'] } }, properties);

const FIELD_LABELS = {
	image_url: 'Character Image',
	video_url: 'Motion Video URL',
	character_orientation: 'Character Orientation',
	keep_original_sound: 'Keep Original Sound',
	...VIDEO_LABELS,
};

async function buildRequest(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const elements = readElementList.call(this, i);
	const body: IDataObject = {
		model_name: this.getNodeParameter('model', i) as string,
		image_url: (await resolveImage.call(this, readImageSource.call(this, 'image', i), 'Character Image', i)) as IDataObject | string,
		video_url: String(this.getNodeParameter('motionVideoUrl', i, '')).trim(),
		character_orientation: this.getNodeParameter('characterOrientation', i) as string,
		mode: this.getNodeParameter('mode', i) as string,
		keep_original_sound: this.getNodeParameter('keepOriginalSound', i, true) ? 'yes' : 'no',
		prompt: readText.call(this, 'prompt', i),
		element_list: toElementList(elements),
		watermark_info: readWatermark.call(this, i),
		...readTaskOptions.call(this, i),
	};
	return parseRequestBody.call(this, motionControlBodySchema, body, FIELD_LABELS, i) as IDataObject;
}

export const motionControl: TaskOperation = {
	product: PRODUCTS.motionControl,
	buildRequest,
	present: presentVideo,
};
