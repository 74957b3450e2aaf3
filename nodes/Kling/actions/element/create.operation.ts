import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { createElementBodySchema, ELEMENT_DESCRIPTION_MAX, ELEMENT_NAME_MAX, ELEMENT_TAGS, REFER_IMAGES_MAX } from '../../contract/element';
import { viewSetsOfTaskResult, viewUrls } from '../../contract/multiShot';
import { isHttpUrl, notAVideoProblem } from '../../contract/request';
import { PRODUCTS } from '../../contract/task';
import { runOneTask } from '../../tasks/run';
import type { Prepared } from '../../tasks/taskOperation';
import { entryList, readYesNo, textOf } from '../shared/fields';
import { imageSourceFields, readImageEntries, resolveImage, resolveImageField, type ImageSource, type ImageValue } from '../shared/images';
import { multiOptionValues } from '../shared/multiOptions';
import { createOptions, OPTION_LABELS, readCompletion, readCreateOptions, type OptionsKind } from '../shared/options';
import { picker, readOptionalPicked } from '../shared/pickers';
import { taskCreate } from '../shared/tasks';
import { invalidInput, parseRequestBody, truncate } from '../shared/validate';
import { presentElementTask } from './output';

const OPTIONS: OptionsKind = { timeoutMinutes: 20 };
const TAG_OPTIONS = ELEMENT_TAGS.map((tag) => ({ name: tag.name, value: tag.id }));

export const properties: INodeProperties[] = [
	{ displayName: 'Name', name: 'elementName', type: 'string', required: true, default: '', placeholder: 'e.g. Captain Mira', description: `Up to ${ELEMENT_NAME_MAX} characters` },
	{ displayName: 'Description', name: 'elementDescription', type: 'string', required: true, default: '', placeholder: 'e.g. A tall woman in a red pilot jacket', description: `Up to ${ELEMENT_DESCRIPTION_MAX} characters` },
	{
		displayName: 'Reference Type',
		name: 'referenceType',
		type: 'options',
		noDataExpression: true,
		default: 'image_refer',
		options: [
			{ name: 'Images', value: 'image_refer', description: 'A frontal image and 1 to 3 more views of the subject' },
			{ name: 'Video', value: 'video_refer', description: 'One 3 to 8 s clip of a realistic person' },
		],
	},
	...imageSourceFields('frontal image', { prefix: 'frontalImage', displayOptions: { show: { referenceType: ['image_refer'] } } }),
	entryList(
		{ displayName: 'Additional Images', name: 'additionalImages', description: '1 to 3 more images of the same subject, each different from the frontal image', displayOptions: { show: { referenceType: ['image_refer'] } } },
		{ displayName: 'Image', name: 'image' },
		REFER_IMAGES_MAX,
		imageSourceFields('image'),
	),
	{
		displayName: 'Generate Additional Views',
		name: 'generateViews',
		type: 'boolean',
		validateType: 'boolean',
		default: false,
		description: 'Whether Kling draws the other views (AI multi-shot, a separate paid task) when no additional images are given; its first set of views is used',
		displayOptions: { show: { referenceType: ['image_refer'] } },
	},
	{
		displayName: 'Video URL',
		name: 'videoUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/character.mp4',
		hint: 'MP4 or MOV, 3 to 8 seconds, 1080p, 16:9 or 9:16, at most 200 MB, one realistic person. Kling checks these when it downloads the clip.',
		displayOptions: { show: { referenceType: ['video_refer'] } },
	},
	picker(
		'voice',
		{
			name: 'voiceId',
			description: 'A custom or preset voice to bind to the element (characters only). Leave empty for no voice.',
			// Kling's page says a clip with speech yields a voice by itself; live it often does not (§4).
			hint: 'For a character that speaks as in its clip: create a voice from the same clip URL first (Voice → Create), then pick it here. Kling does not reliably make one from the clip by itself.',
		},
		{ optional: true },
	),
	{ displayName: 'Tags', name: 'tags', type: 'multiOptions', default: [], options: TAG_OPTIONS },
	createOptions(OPTIONS),
];

const LABELS = {
	element_name: 'Name',
	element_description: 'Description',
	element_image_list: 'Images',
	'element_image_list.frontal_image': 'Frontal Image',
	'element_image_list.refer_images': 'Additional Images',
	element_video_list: 'Video URL',
	element_voice_id: 'Voice',
	tag_list: 'Tags',
	...OPTION_LABELS,
};

async function buildRequest(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const referenceType = this.getNodeParameter('referenceType', i) as string;
	// An expression may give one tag, a comma-separated list or an array, by id or by name.
	const tags = multiOptionValues.call(this, this.getNodeParameter('tags', i, []), TAG_OPTIONS, 'Tags', i);
	const body: IDataObject = {
		// An expression may give a number (a SKU): it is the name's text.
		element_name: textOf.call(this, this.getNodeParameter('elementName', i, ''), 'Name', i),
		element_description: textOf.call(this, this.getNodeParameter('elementDescription', i, ''), 'Description', i),
		reference_type: referenceType,
		element_voice_id: readOptionalPicked.call(this, 'voice', 'voiceId', i)?.id,
		tag_list: tags.length ? tags.map((tagId) => ({ tag_id: tagId })) : undefined,
		...readCreateOptions.call(this, i, OPTIONS).body,
	};
	if (referenceType === 'video_refer') {
		body.element_video_list = { refer_videos: [{ video_url: readVideoUrl.call(this, i) }] };
		return parseRequestBody.call(this, createElementBodySchema, body, LABELS, i) as IDataObject;
	}
	const frontal = await resolveImageField.call(this, 'frontalImage', 'Frontal Image', i);
	const additional = readImageEntries.call(this, 'additionalImages.image', 'Additional Images', i);
	const refer = await Promise.all(additional.map(async (image, n) => await resolveImage.call(this, image, `Additional Image #${n + 1}`, i)));
	// The other views must differ from the frontal image (§3.1): the same URL, Base64 or binary field again is no view.
	const repeated = refer.findIndex((image) => JSON.stringify(image) === JSON.stringify(frontal));
	if (repeated >= 0) throw invalidInput.call(this, `Additional Image #${repeated + 1} is the frontal image; give another view of the subject`, i);
	if (!refer.length && !generatesViews.call(this, i)) {
		const hint = 'An image element is made from a frontal image plus 1 to 3 other views of the same subject. Or turn on Generate Additional Views.';
		throw invalidInput.call(this, `Additional Images needs 1 to ${REFER_IMAGES_MAX} images (it has 0)`, i, hint);
	}
	// Views still to be drawn (prepare, below): the frontal image stands in for them while the rest is checked.
	return parseRequestBody.call(this, createElementBodySchema, { ...body, element_image_list: imageList(frontal, refer.length ? refer : [frontal]) }, LABELS, i) as IDataObject;
}

const imageList = (frontal: ImageValue, refer: ImageValue[]) => ({ frontal_image: frontal, refer_images: refer.map((image) => ({ image_url: image })) }) as IDataObject;

/** Whether Kling draws this item's additional views: asked for, and no additional images given. */
function generatesViews(this: IExecuteFunctions, i: number): boolean {
	const additional = this.getNodeParameter('additionalImages.image', i, []) as ImageSource[];
	return this.getNodeParameter('referenceType', i) === 'image_refer' && !additional.length && readYesNo.call(this, 'generateViews', 'Generate Additional Views', i, false);
}

/** Draws the views (an AI multi-shot task) and puts its first set in; run.ts calls this once every item was checked. */
async function prepare(this: IExecuteFunctions, request: IDataObject, i: number, viewsExternalTaskId?: string): Promise<Prepared> {
	if (!generatesViews.call(this, i)) return { request };
	const frontal = (request.element_image_list as IDataObject).frontal_image as ImageValue;
	const body = { element_frontal_image: frontal as IDataObject | string };
	const views = await runOneTask.call(this, PRODUCTS.multiShot, body, i, readCompletion.call(this, OPTIONS).timeoutMs, viewsExternalTaskId);
	const [firstSet] = viewSetsOfTaskResult(views.task_result);
	const urls = firstSet ? viewUrls(firstSet).slice(0, REFER_IMAGES_MAX) : [];
	if (!urls.length) throw new NodeOperationError(this.getNode(), 'Kling generated no additional views', { itemIndex: i, description: `AI multi-shot task ID ${views.task_id}` });
	return { request: { ...request, element_image_list: imageList(frontal, urls) }, firstTask: { taskId: views.task_id, what: 'views', readWith: PRODUCTS.multiShot.readWith } };
}

function readVideoUrl(this: IExecuteFunctions, i: number): string {
	const url = textOf.call(this, this.getNodeParameter('videoUrl', i, ''), 'Video URL', i).trim();
	// Said here: the request's list of one video would name it "Video URL #1".
	if (!url) throw invalidInput.call(this, 'Video URL is required', i);
	if (!isHttpUrl(url)) throw invalidInput.call(this, `Video URL must be an http(s) URL (it is "${truncate(url)}")`, i);
	const problem = notAVideoProblem(url);
	if (problem) throw invalidInput.call(this, `Video URL ${problem}`, i);
	return url;
}

export const { task, execute } = taskCreate(OPTIONS, {
	product: PRODUCTS.element,
	buildRequest,
	prepare,
	firstTask: { product: PRODUCTS.multiShot, what: 'views' },
	present: presentElementTask,
});
