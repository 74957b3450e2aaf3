import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ImageRuleOptions } from '../../contract/media';
import { PRODUCTS } from '../../contract/task';
import { I2V_DURATION, I2V_ELEMENTS_MAX, I2V_VOICES_MAX, IMAGE_TO_VIDEO_MODEL, imageToVideoBodySchema } from '../../contract/video';
import { durationField, modeField, placeholder, promptField, readChoice, readText } from '../shared/fields';
import { imageSourceFields, resolveImageField } from '../shared/images';
import { createOptions, OPTION_LABELS, readCreateOptions } from '../shared/options';
import { pickerList, readPickerList, toElementList } from '../shared/pickers';
import { placeholderProblem } from '../shared/prompt';
import { invalidInput, parseRequestBody } from '../shared/validate';
import { soundField, VIDEO_LABELS, VIDEO_OPTIONS, videoCreate } from './output';

/** Kling sets no aspect ratio limit for the frames (§7), unlike for every other image. */
const FRAME_RULES: ImageRuleOptions = { anyAspectRatio: true };

const FRAMES = [
	{ name: 'First Frame', value: 'first', description: 'The video starts from an image' },
	{ name: 'End Frame', value: 'end', description: 'The video ends on an image' },
	{ name: 'First and End Frames', value: 'both', description: 'The video goes from one image to the other' },
];

export const properties: INodeProperties[] = [
	{
		displayName: 'Frames',
		name: 'frames',
		type: 'options',
		default: 'first',
		options: FRAMES,
	},
	...imageSourceFields('first frame', { prefix: 'firstFrame', displayOptions: { show: { frames: ['first', 'both'] } }, ...FRAME_RULES }),
	...imageSourceFields('end frame', { prefix: 'endFrame', displayOptions: { show: { frames: ['end', 'both'] } }, ...FRAME_RULES }),
	promptField({
		description: `What happens in the video, up to 2500 characters. Refer to elements as ${placeholder('element_1')}, ${placeholder('element_2')}, ... and to voices as ${placeholder('voice_1')}, ${placeholder('voice_2')}, in the order of their lists.`,
	}),
	{ displayName: 'Negative Prompt', name: 'negativePrompt', type: 'string', default: '', placeholder: 'e.g. blurry, distorted hands', description: 'What the video should avoid, up to 2500 characters' },
	pickerList('element', I2V_ELEMENTS_MAX, 'Up to 3 elements that appear in the frame; not together with voices'),
	soundField('Kling generates sound and speech with the video'),
	// Voices need Sound on (§7), so they are offered only then.
	pickerList('voice', I2V_VOICES_MAX, `Up to 2 voices for speech, referred to as ${placeholder('voice_1')} and ${placeholder('voice_2')} in the prompt; not with elements`, {
		displayOptions: { show: { sound: ['on'] } },
	}),
	modeField(true),
	durationField(I2V_DURATION.max, 'Length of the video'),
	createOptions(VIDEO_OPTIONS),
];

const LABELS = { image: 'First Frame', image_tail: 'End Frame', negative_prompt: 'Negative Prompt', voice_list: 'Voices', ...VIDEO_LABELS, ...OPTION_LABELS };

async function buildRequest(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	// Frames from an expression that gave nothing is refused: read as both, it would send an end frame left hidden.
	const frames = readChoice.call(this, 'frames', 'Frames', i, FRAMES, 'first');
	const frame = async (prefix: string, label: string) => (await resolveImageField.call(this, prefix, label, i, FRAME_RULES)) as IDataObject | string;
	const elements = readPickerList.call(this, 'element', i);
	const voices = readPickerList.call(this, 'voice', i);
	const prompt = readText.call(this, 'prompt', 'Prompt', i);
	const body: IDataObject = {
		model_name: IMAGE_TO_VIDEO_MODEL,
		image: frames === 'end' ? undefined : await frame('firstFrame', 'First Frame'),
		image_tail: frames === 'first' ? undefined : await frame('endFrame', 'End Frame'),
		prompt,
		negative_prompt: readText.call(this, 'negativePrompt', 'Negative Prompt', i),
		element_list: toElementList(elements),
		voice_list: voices.length ? voices.map(({ id }) => ({ voice_id: id })) : undefined,
		sound: this.getNodeParameter('sound', i, 'off') as string,
		mode: this.getNodeParameter('mode', i) as string,
		duration: String(this.getNodeParameter('duration', i, '5')),
		...readCreateOptions.call(this, i, VIDEO_OPTIONS).body,
	};
	const parsed = parseRequestBody.call(this, imageToVideoBodySchema, body, LABELS, i) as IDataObject;
	// The frames are fields of their own, not a list a placeholder could point into (§6.1, §7).
	const problem = prompt && placeholderProblem(prompt, { element: elements.length, voice: voices.length, image: null, video: null });
	if (problem) throw invalidInput.call(this, problem, i);
	return parsed;
}

export const { task, execute } = videoCreate(PRODUCTS.imageToVideo, buildRequest);
