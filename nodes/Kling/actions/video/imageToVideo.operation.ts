import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { I2V_DURATION, I2V_ELEMENTS_MAX, I2V_VOICES_MAX, IMAGE_TO_VIDEO_MODEL, imageToVideoBodySchema } from '../../contract/video';
import { imageSourceFields, readImageSource, resolveImage } from '../../helpers/imageInput';
import type { ImageRuleOptions } from '../../helpers/media';
import { invalidInput, parseRequestBody } from '../../helpers/validation';
import { PRODUCTS } from '../../tasks/products';
import type { TaskOperation } from '../../tasks/run';
import { elementListField, readElementList, toElementList } from '../common/elementList';
import { readTaskOptions } from '../common/taskOptions';
import { checkVoiceId, voiceLocator } from '../common/voiceLocator';
import { placeholderProblem } from './promptReferences';
import { durationField, modeField, placeholder, promptField, readText, readWatermark, videoCreateClosingFields, VIDEO_LABELS } from './videoFields';
import { presentVideo } from './videoOutput';

/** Kling sets no aspect ratio limit for the frames (kling-api.md §7), unlike for every other image. */
const FRAME_RULES: ImageRuleOptions = { anyAspectRatio: true };

const properties: INodeProperties[] = [
	{
		displayName: 'Frames',
		name: 'frames',
		type: 'options',
		default: 'first',
		options: [
			{ name: 'First Frame', value: 'first', description: 'The video starts from an image' },
			{ name: 'End Frame', value: 'end', description: 'The video ends on an image' },
			{ name: 'First and End Frames', value: 'both', description: 'The video goes from one image to the other' },
		],
	},
	...imageSourceFields('first frame', { prefix: 'firstFrame', displayOptions: { show: { frames: ['first', 'both'] } }, ...FRAME_RULES }),
	...imageSourceFields('end frame', { prefix: 'endFrame', displayOptions: { show: { frames: ['end', 'both'] } }, ...FRAME_RULES }),
	promptField({
		description: `What happens in the video, up to 2500 characters. Refer to elements as ${placeholder('element_1')}, ${placeholder('element_2')}, ... and to voices as ${placeholder('voice_1')}, ${placeholder('voice_2')}, in the order of their lists.`,
	}),
	{
		displayName: 'Negative Prompt',
		name: 'negativePrompt',
		type: 'string',
		default: '',
		placeholder: 'e.g. blurry, distorted hands',
		description: 'What the video should avoid, up to 2500 characters',
	},
	elementListField({
		max: I2V_ELEMENTS_MAX,
		description: 'Up to 3 elements that appear in the frame; not together with voices',
	}),
	{
		displayName: 'Voices',
		name: 'voices',
		type: 'fixedCollection',
		placeholder: 'Add Voice',
		default: {},
		typeOptions: { multipleValues: true, sortable: true, maxAllowed: I2V_VOICES_MAX },
		description: `Up to 2 voices for speech, referred to as ${placeholder('voice_1')} and ${placeholder('voice_2')} in the prompt; needs Sound on, and no elements`,
		options: [{ displayName: 'Voice', name: 'voice', values: [voiceLocator({ required: false })] }],
	},
	{
		displayName: 'Sound',
		name: 'sound',
		type: 'options',
		default: 'off',
		options: [
			{ name: 'Off', value: 'off' },
			{ name: 'On', value: 'on', description: 'Kling generates sound and speech with the video' },
		],
	},
	modeField(),
	durationField(I2V_DURATION.max, 'Length of the video'),
	...videoCreateClosingFields(),
];

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['imageToVideo'] } }, properties);

const FIELD_LABELS = {
	image: 'First Frame',
	image_tail: 'End Frame',
	negative_prompt: 'Negative Prompt',
	voice_list: 'Voices',
	...VIDEO_LABELS,
};

async function buildRequest(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const frames = this.getNodeParameter('frames', i, 'first') as 'first' | 'end' | 'both';
	const frame = async (prefix: string, label: string) =>
		(await resolveImage.call(this, readImageSource.call(this, prefix, i), label, i, FRAME_RULES)) as IDataObject | string;
	const elements = readElementList.call(this, i);
	const voiceEntries = this.getNodeParameter('voices.voice', i, []) as Array<{ voice?: unknown }>;
	const voices = voiceEntries.map((entry, n) => {
		const id = checkVoiceId.call(this, entry.voice, i, `Voice ${n + 1}`);
		if (!id) throw invalidInput.call(this, `Voice ${n + 1} is empty: pick a voice or remove the entry`, i);
		return id;
	});
	const prompt = readText.call(this, 'prompt', i);
	const body: IDataObject = {
		model_name: IMAGE_TO_VIDEO_MODEL,
		image: frames === 'end' ? undefined : await frame('firstFrame', 'First Frame'),
		image_tail: frames === 'first' ? undefined : await frame('endFrame', 'End Frame'),
		prompt,
		negative_prompt: readText.call(this, 'negativePrompt', i),
		element_list: toElementList(elements),
		voice_list: voices.length ? voices.map((voiceId) => ({ voice_id: voiceId })) : undefined,
		sound: this.getNodeParameter('sound', i, 'off') as string,
		mode: this.getNodeParameter('mode', i) as string,
		duration: String(this.getNodeParameter('duration', i, '5')),
		watermark_info: readWatermark.call(this, i),
		...readTaskOptions.call(this, i),
	};
	const parsed = parseRequestBody.call(this, imageToVideoBodySchema, body, FIELD_LABELS, i) as IDataObject;
	const problem = prompt && placeholderProblem(prompt, { element: elements.length, voice: voices.length });
	if (problem) throw invalidInput.call(this, problem, i);
	return parsed;
}

export const imageToVideo: TaskOperation = {
	product: PRODUCTS.imageToVideo,
	buildRequest,
	present: presentVideo,
};
