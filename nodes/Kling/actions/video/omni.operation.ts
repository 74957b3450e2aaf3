import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { PRODUCTS } from '../../contract/task';
import { OMNI_DURATION, OMNI_ELEMENTS_MAX, OMNI_IMAGES_MAX, omniVideoBodySchema, SHOTS_MAX, type OmniModel, type OmniVideoBody } from '../../contract/video';
import { durationField, entryFields, entryList, modeField, placeholder, promptField, readChoice, readText, readYesNo, textOf } from '../shared/fields';
import { imageSourceFields, readImageEntries, resolveImage } from '../shared/images';
import { createOptions, OPTION_LABELS, readCreateOptions } from '../shared/options';
import { pickerList, readPickerList, toElementList } from '../shared/pickers';
import { invalidInput, parseRequestBody } from '../shared/validate';
import { labelsAsSent } from '../shared/prompt';
import { applyOmniRules } from './omniChecks';
import { SOUND_OPTIONS, soundField, VIDEO_LABELS, VIDEO_OPTIONS, videoCreate } from './output';

const V3 = { show: { model: ['kling-v3-omni'] } };
const O1 = { show: { model: ['kling-video-o1'] } };

const IMAGE_USES = [
	{ name: 'Reference', value: 'reference', description: 'Something to show in the video' },
	{ name: 'First Frame', value: 'first_frame', description: 'The video starts from this image' },
	{ name: 'End Frame', value: 'end_frame', description: 'The video ends on this image' },
];
const VIDEO_USES = [
	{ name: 'Video to Edit', value: 'base', description: 'Change this video as the prompt says; the output keeps its length' },
	{ name: 'Style and Camera Reference', value: 'feature', description: 'Borrow its look or camera moves for a new video' },
];
const ASPECT_RATIOS = [
	{ name: '16:9', value: '16:9' },
	{ name: '9:16', value: '9:16' },
	{ name: '1:1', value: '1:1' },
	{ name: 'Match the First Frame or Video', value: 'auto', description: 'Needs a first frame or a video to edit' },
];
const SHOT_TYPES = [
	{ name: 'Custom Shots', value: 'customize', description: 'You describe each shot and its length; the Prompt is not used' },
	{ name: 'Automatic', value: 'intelligence', description: 'Kling cuts the Prompt into shots' },
];

export const properties: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		default: 'kling-v3-omni',
		options: [
			{ name: 'Kling 3.0 Omni', value: 'kling-v3-omni', description: 'Image and video character elements, sound, 4K, 3 to 15 s' },
			{ name: 'Kling O1', value: 'kling-video-o1', description: 'Image elements only, no sound, 3 to 10 s' },
		],
	},
	promptField({
		placeholder: 'e.g. @Captain Mira walks into <<<image_1>>> and greets <<<element_2>>>',
		description: `What happens in the video, up to 2500 characters. Refer to inputs by position: ${placeholder('element_1')} is the first of Elements, ${placeholder('image_1')} the first of Images, ${placeholder('video_1')} the reference video. Or write @ and an element's name (e.g. @Captain Mira): the node turns it into that element's placeholder.`,
	}),
	pickerList(
		'element',
		OMNI_ELEMENTS_MAX,
		`Elements in order: the first is ${placeholder('element_1')}, the second ${placeholder('element_2')}, and so on. Reference images plus image elements: at most 7, or 4 with a reference video. Kling O1 takes image elements only; Kling 3.0 Omni takes at most 3 elements with a first frame and at most 3 video characters.`,
	),
	entryList(
		{
			displayName: 'Images',
			name: 'images',
			description: `Images in order: the first is ${placeholder('image_1')}, and so on. An end frame needs a first frame; frames cannot be used while a base video is edited.`,
		},
		{ displayName: 'Image', name: 'image' },
		OMNI_IMAGES_MAX,
		[
			{
				displayName: 'Use As',
				name: 'use',
				type: 'options',
				default: 'reference',
				options: IMAGE_USES,
			},
			...imageSourceFields('image'),
		],
	),
	entryList(
		{ displayName: 'Reference Video', name: 'referenceVideo', placeholder: 'Add Reference Video', description: `One video, referred to as ${placeholder('video_1')}. Sound must be off with it.` },
		{ displayName: 'Video', name: 'video' },
		1,
		[
			{ displayName: 'Video URL', name: 'url', type: 'string', default: '', placeholder: 'e.g. https://example.com/clip.mp4', hint: 'MP4 or MOV, 3 to 10 seconds, 720 to 2160 px, at most 200 MB' },
			{
				displayName: 'Use As',
				name: 'referType',
				type: 'options',
				default: 'base',
				options: VIDEO_USES,
			},
			{ displayName: 'Keep Original Sound', name: 'keepOriginalSound', type: 'boolean', validateType: 'boolean', default: true, description: 'Whether the output keeps the sound of this video' },
		],
	),
	soundField('Kling generates sound and speech; not with a reference video', V3),
	// 4K and up to 15 s exist for Kling 3.0 Omni only (§6.1), so each model is offered what it can do.
	modeField(true, V3),
	modeField(false, O1),
	{
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		default: '16:9',
		options: ASPECT_RATIOS,
	},
	durationField(OMNI_DURATION['kling-v3-omni'].max, 'Length of the video; ignored when a video is edited', V3),
	durationField(OMNI_DURATION['kling-video-o1'].max, 'Length of the video: only 5 or 10 seconds with just a prompt or a first frame; ignored when a video is edited', O1),
	{ displayName: 'Multi-Shot', name: 'multiShot', type: 'boolean', validateType: 'boolean', default: false, description: 'Whether the video is cut into several shots; not while a video is edited', displayOptions: V3 },
	{
		displayName: 'Shot Type',
		name: 'shotType',
		type: 'options',
		default: 'customize',
		options: SHOT_TYPES,
		displayOptions: { show: { model: ['kling-v3-omni'], multiShot: [true] } },
	},
	entryList(
		{ displayName: 'Shots', name: 'shots', description: '1 to 6 shots in order; their lengths must add up to the Duration', displayOptions: { show: { model: ['kling-v3-omni'], multiShot: [true], shotType: ['customize'] } } },
		{ displayName: 'Shot', name: 'shot' },
		SHOTS_MAX,
		[
			{ displayName: 'Prompt', name: 'prompt', type: 'string', default: '', description: 'What happens in this shot, up to 512 characters; placeholders and @names work here too' },
			{ displayName: 'Duration (Seconds)', name: 'duration', type: 'number', validateType: 'number', default: 5, typeOptions: { minValue: 1, maxValue: 15, numberPrecision: 0 } },
		],
	),
	createOptions(VIDEO_OPTIONS),
];

const LABELS = {
	multi_shot: 'Multi-Shot', shot_type: 'Shot Type', multi_prompt: 'Shots', 'multi_prompt.prompt': 'Shots # → Prompt', 'multi_prompt.duration': 'Shots # → Duration (Seconds)',
	image_list: 'Images', video_list: 'Reference Video', 'video_list.video_url': 'Reference Video # → Video URL', aspect_ratio: 'Aspect Ratio', ...VIDEO_LABELS, ...OPTION_LABELS,
};

type VideoEntry = { url?: string; referType?: string; keepOriginalSound?: boolean };

async function buildRequest(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const model = this.getNodeParameter('model', i) as OmniModel;
	const elements = readPickerList.call(this, 'element', i);
	const images = readImageEntries.call(this, 'images.image', 'Images', i);
	const videos = this.getNodeParameter('referenceVideo.video', i, []) as VideoEntry[];
	// A Use As or Keep Original Sound whose expression gave nothing is refused, not taken for the default: the video
	// would be edited instead of borrowed from, or keep its sound.
	const videoList = videos.map((video, n) => {
		const fields = entryFields.call(this, 'referenceVideo.video', n, video, 'Reference Video', i);
		return {
			video_url: textOf.call(this, video.url, 'Reference Video → Video URL', i).trim(),
			refer_type: fields.choice('referType', 'Use As', VIDEO_USES, 'base'),
			keep_original_sound: fields.yesNo('keepOriginalSound', 'Keep Original Sound', true) ? 'yes' : 'no',
		};
	});
	const multiShot = readYesNo.call(this, 'multiShot', 'Multi-Shot', i, false);
	const shotType = multiShot ? readChoice.call(this, 'shotType', 'Shot Type', i, SHOT_TYPES, 'customize') : undefined;
	const shots = shotType === 'customize' ? (this.getNodeParameter('shots.shot', i, []) as Array<{ prompt?: unknown; duration?: number }>) : [];
	const aspectRatio = readChoice.call(this, 'aspectRatio', 'Aspect Ratio', i, ASPECT_RATIOS, '16:9');
	// Kling O1 makes no sound (§6.1) and takes no sound field. With the model from an expression the editor offers Sound
	// for both models: a sound asked of O1 is refused rather than dropped from a paid video.
	const sound = readChoice.call(this, 'sound', 'Sound', i, SOUND_OPTIONS, 'off');
	if (model !== 'kling-v3-omni' && sound === 'on') throw invalidInput.call(this, 'Sound: Kling O1 makes no sound; turn Sound off or choose Kling 3.0 Omni', i);
	const body: IDataObject = {
		model_name: model,
		// Custom shots have a prompt each, and Kling ignores the Prompt then (§6.1): neither sent nor checked.
		prompt: shotType === 'customize' ? undefined : readText.call(this, 'prompt', 'Prompt', i),
		multi_shot: multiShot || undefined,
		shot_type: shotType,
		multi_prompt: shots.length ? shots.map((shot, n) => ({ index: n + 1, prompt: textOf.call(this, shot.prompt, `Shots #${n + 1} → Prompt`, i), duration: String(shot.duration ?? '') })) : undefined,
		image_list: images.length
			? await Promise.all(
					images.map(async (image, n) => {
						const use = entryFields.call(this, 'images.image', n, image, 'Images', i).choice('use', 'Use As', IMAGE_USES, 'reference');
						return { image_url: await resolveImage.call(this, image, `Image ${n + 1}`, i), ...(use !== 'reference' ? { type: use } : {}) };
					}),
				)
			: undefined,
		element_list: toElementList(elements),
		video_list: videoList.length ? videoList : undefined,
		sound: model === 'kling-v3-omni' ? sound : undefined,
		mode: this.getNodeParameter('mode', i) as string,
		aspect_ratio: aspectRatio === 'auto' ? undefined : aspectRatio,
		// An edited video keeps its own length, so no duration is sent.
		duration: videoList.some((video) => video.refer_type === 'base') ? undefined : String(this.getNodeParameter('duration', i, '5')),
		...readCreateOptions.call(this, i, VIDEO_OPTIONS).body,
	};
	const checked = parseRequestBody.call(this, omniVideoBodySchema, body, LABELS, i) as OmniVideoBody;
	const translated = await applyOmniRules.call(this, checked, elements, i);
	// Mentions became placeholders, which are longer: the prompt limits are checked again.
	return parseRequestBody.call(this, omniVideoBodySchema, translated, labelsAsSent(LABELS, ['prompt', 'multi_prompt.prompt']), i) as IDataObject;
}

export const { task, execute } = videoCreate(PRODUCTS.omniVideo, buildRequest);
