import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import {
	createElementBodySchema,
	ELEMENT_DESCRIPTION_MAX,
	ELEMENT_NAME_MAX,
	ELEMENT_TAGS,
	REFER_IMAGES_MAX,
} from '../../contract/element';
import { imageSourceFields, isHttpUrl, readImageSource, resolveImage, type ImageSource } from '../../helpers/imageInput';
import { generateAdditionalViews } from '../../helpers/multiShot';
import { parseRequestBody } from '../../helpers/validation';
import { completionFields } from '../../tasks/completion';
import { PRODUCTS } from '../../tasks/products';
import type { TaskOperation } from '../../tasks/run';
import { taskOptionsField, readTaskOptions, TASK_OPTION_LABELS } from '../common/taskOptions';
import { readVoiceId, voiceLocator } from '../common/voiceLocator';
import { elementTaskOutput } from './elementOutput';

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'elementName',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. Captain Mira',
		description: `Up to ${ELEMENT_NAME_MAX} characters`,
	},
	{
		displayName: 'Description',
		name: 'elementDescription',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. A tall woman in a red pilot jacket',
		description: `Up to ${ELEMENT_DESCRIPTION_MAX} characters`,
	},
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
	{
		displayName: 'Additional Images',
		name: 'additionalImages',
		type: 'fixedCollection',
		placeholder: 'Add Image',
		default: {},
		typeOptions: { multipleValues: true, maxAllowed: REFER_IMAGES_MAX },
		description: '1 to 3 more images of the same subject, each different from the frontal image',
		options: [{ displayName: 'Image', name: 'image', values: imageSourceFields('image') }],
		displayOptions: { show: { referenceType: ['image_refer'] } },
	},
	{
		displayName: 'Generate Additional Views',
		name: 'generateViews',
		type: 'boolean',
		default: false,
		description:
			'Whether to have Kling draw the other views (AI multi-shot, a separate paid task) when no additional images are given. The first of its three candidate sets becomes the additional images.',
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
	voiceLocator({
		displayName: 'Voice',
		name: 'voiceId',
		required: false,
		description: 'A custom or preset voice to bind to the element (characters only). Leave empty for no voice.',
		// Kling's page says a clip with speech yields a voice by itself; live it often does not (kling-api.md §4).
		hint: 'For a character that speaks as in its clip: create a voice from the same clip URL first (Voice → Create), then pick it here. Kling does not reliably make one from the clip by itself.',
	}),
	{
		displayName: 'Tags',
		name: 'tags',
		type: 'multiOptions',
		default: [],
		options: ELEMENT_TAGS.map((tag) => ({ name: tag.name, value: tag.id })),
	},
	...completionFields(20),
	taskOptionsField,
];

export const description = updateDisplayOptions({ show: { resource: ['element'], operation: ['create'] } }, properties);

/** URLs often carry no extension (signed links); only a clearly wrong one is refused before sending. */
const NOT_A_VIDEO_KLING_TAKES = new Set(['avi', 'webm', 'mkv', 'flv', 'wmv', 'gif', 'jpg', 'jpeg', 'png', 'webp', 'mp3', 'wav', 'm4a']);

const FIELD_LABELS = {
	element_name: 'Name',
	element_description: 'Description',
	reference_type: 'Reference Type',
	element_image_list: 'Images',
	'element_image_list.frontal_image': 'Frontal Image',
	'element_image_list.refer_images': 'Additional Images',
	element_video_list: 'Video URL',
	'element_video_list.refer_videos': 'Video URL',
	element_voice_id: 'Voice',
	tag_list: 'Tags',
	...TASK_OPTION_LABELS,
};

async function buildRequest(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const referenceType = this.getNodeParameter('referenceType', i) as string;
	const body: IDataObject = {
		element_name: this.getNodeParameter('elementName', i, '') as string,
		element_description: this.getNodeParameter('elementDescription', i, '') as string,
		reference_type: referenceType,
	};
	if (referenceType === 'image_refer') {
		const frontal = readImageSource.call(this, 'frontalImage', i);
		const additional = this.getNodeParameter('additionalImages.image', i, []) as ImageSource[];
		if (additional.length === 0 && this.getNodeParameter('generateViews', i, false)) {
			return await buildWithGeneratedViews.call(this, body, frontal, i);
		}
		if (additional.length < 1 || additional.length > REFER_IMAGES_MAX) {
			throw new NodeOperationError(this.getNode(), `Additional Images needs 1 to ${REFER_IMAGES_MAX} images (it has ${additional.length})`, {
				itemIndex: i,
				description: 'An image element is made from a frontal image plus 1 to 3 other views of the same subject. Or turn on Generate Additional Views.',
			});
		}
		body.element_image_list = {
			frontal_image: await resolveImage.call(this, frontal, 'Frontal Image', i),
			refer_images: await Promise.all(
				additional.map(async (image, n) => ({ image_url: await resolveImage.call(this, image, `Additional Image #${n + 1}`, i) })),
			),
		};
	} else {
		const videoUrl = String(this.getNodeParameter('videoUrl', i, '')).trim();
		if (videoUrl && !isHttpUrl(videoUrl)) {
			throw new NodeOperationError(this.getNode(), `Video URL must be an http(s) URL (it is "${videoUrl.slice(0, 60)}")`, { itemIndex: i });
		}
		const extension = videoUrl ? /\.([a-z0-9]+)$/i.exec(new URL(videoUrl).pathname)?.[1]?.toLowerCase() : undefined;
		if (extension && NOT_A_VIDEO_KLING_TAKES.has(extension)) {
			throw new NodeOperationError(this.getNode(), `Video URL must point to an MP4 or MOV file, not .${extension}`, { itemIndex: i });
		}
		body.element_video_list = { refer_videos: [{ video_url: videoUrl }] };
	}
	addCommonFields.call(this, body, i);
	return parseRequestBody.call(this, createElementBodySchema, body, FIELD_LABELS, i) as IDataObject;
}

function addCommonFields(this: IExecuteFunctions, body: IDataObject, i: number) {
	const voiceId = readVoiceId.call(this, 'voiceId', i);
	if (voiceId) body.element_voice_id = voiceId;
	const tags = this.getNodeParameter('tags', i, []) as string[];
	if (tags.length) body.tag_list = tags.map((tagId) => ({ tag_id: tagId }));
	Object.assign(body, readTaskOptions.call(this, i));
}

/**
 * Only a frontal image and Generate Additional Views: the rest of the request is checked first (with the
 * frontal image standing in for the views), so a bad name costs no multi-shot task; then Kling draws the views.
 */
async function buildWithGeneratedViews(this: IExecuteFunctions, body: IDataObject, frontal: ImageSource, i: number): Promise<IDataObject> {
	const frontalImage = await resolveImage.call(this, frontal, 'Frontal Image', i);
	addCommonFields.call(this, body, i);
	const imageList = (referImages: unknown[]) => ({ frontal_image: frontalImage, refer_images: referImages }) as IDataObject;
	parseRequestBody.call(this, createElementBodySchema, { ...body, element_image_list: imageList([{ image_url: frontalImage }]) }, FIELD_LABELS, i);
	const views = await generateAdditionalViews.call(this, frontalImage, i);
	body.element_image_list = imageList(views.slice(0, REFER_IMAGES_MAX).map((url) => ({ image_url: url })));
	return parseRequestBody.call(this, createElementBodySchema, body, FIELD_LABELS, i) as IDataObject;
}

export const createElement: TaskOperation = {
	product: PRODUCTS.element,
	buildRequest,
	async present(task) {
		return { json: elementTaskOutput(task) };
	},
};
