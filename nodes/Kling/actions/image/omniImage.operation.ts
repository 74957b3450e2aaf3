import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { ASPECT_RATIOS, IMAGE_REFERENCES_MAX, omniImageBodySchema, type OmniImageModel } from '../../contract/image';
import { PRODUCTS } from '../../contract/task';
import { entryList, placeholder, promptField, readChoice, readText } from '../shared/fields';
import { imageSourceFields, readImageEntries, resolveImage } from '../shared/images';
import { createOptions, OPTION_LABELS, readCreateOptions } from '../shared/options';
import { pickerList, readPickerList, toElementList } from '../shared/pickers';
import { IMAGE_OPTIONS, imageCreate, NUMBER_OF_IMAGES, parseImageRequest, RESOLUTIONS } from './output';

const V3 = { show: { model: ['kling-v3-omni'] } };
const O1 = { show: { model: ['kling-image-o1'] } };
const SERIES = { show: { model: ['kling-v3-omni'], resultType: ['series'] } };

const aspectRatios: INodePropertyOptions[] = [{ name: 'Auto (From the Content)', value: 'auto' }, ...ASPECT_RATIOS.map((ratio) => ({ name: ratio, value: ratio }))];
const RESULT_TYPES: INodePropertyOptions[] = [
	{ name: 'Single Images', value: 'single', description: 'Independent images of the same prompt' },
	{ name: 'Series', value: 'series', description: 'A set of images that tell a story or vary one subject' },
];
const seriesAmounts: INodePropertyOptions[] = [{ name: 'Auto', value: 'auto', description: 'Kling decides; it may take up to 9 concurrency slots' }, ...[2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({ name: String(n), value: String(n) }))];

export const properties: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		default: 'kling-v3-omni',
		options: [
			{ name: 'Kling 3.0 Omni', value: 'kling-v3-omni', description: 'Single images or a series, up to 4K' },
			{ name: 'Kling Image O1', value: 'kling-image-o1', description: 'Single images, 1K or 2K' },
		],
	},
	promptField({
		required: true,
		placeholder: 'e.g. @Perfume Bottle on the rock from <<<image_1>>>, sunset, advertising poster',
		description: `What the images show, up to 2500 characters. Refer to inputs by position: ${placeholder('element_1')} is the first of Elements, ${placeholder('image_1')} the first of Images. Or write @ and an element's name.`,
	}),
	pickerList('element', IMAGE_REFERENCES_MAX, `Elements in order: the first is ${placeholder('element_1')}, and so on. Elements plus images: at most 10.`),
	entryList(
		{ displayName: 'Images', name: 'images', description: `Reference images in order: the first is ${placeholder('image_1')}, and so on` },
		{ displayName: 'Image', name: 'image' },
		IMAGE_REFERENCES_MAX,
		imageSourceFields('image'),
	),
	{
		displayName: 'Result Type',
		name: 'resultType',
		type: 'options',
		default: 'single',
		options: RESULT_TYPES,
		displayOptions: V3,
	},
	{ ...NUMBER_OF_IMAGES, displayOptions: { hide: { resultType: ['series'] } } },
	{ displayName: 'Series Length', name: 'seriesAmount', type: 'options', default: '4', options: seriesAmounts, displayOptions: SERIES },
	{ displayName: 'Resolution', name: 'resolution', type: 'options', default: '1k', options: RESOLUTIONS, displayOptions: V3 },
	{ displayName: 'Resolution', name: 'resolution', type: 'options', default: '1k', options: RESOLUTIONS.slice(0, 2), displayOptions: O1 },
	{ displayName: 'Aspect Ratio', name: 'aspectRatio', type: 'options', default: 'auto', options: aspectRatios },
	createOptions(IMAGE_OPTIONS),
];

const LABELS = { model_name: 'Model', prompt: 'Prompt', image_list: 'Images', element_list: 'Elements', resolution: 'Resolution', result_type: 'Result Type', n: 'Number of Images', series_amount: 'Series Length', aspect_ratio: 'Aspect Ratio', ...OPTION_LABELS };

async function buildRequest(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const model = this.getNodeParameter('model', i) as OmniImageModel;
	const elements = readPickerList.call(this, 'element', i);
	const images = readImageEntries.call(this, 'images.image', 'Images', i);
	// Read whatever the model: with the model from an expression the editor shows Result Type for both, and the schema
	// refuses a series for Kling Image O1 rather than send one single image.
	const series = readChoice.call(this, 'resultType', 'Result Type', i, RESULT_TYPES, 'single') === 'series';
	const amount = String(this.getNodeParameter('seriesAmount', i, '4'));
	const body: IDataObject = {
		model_name: model,
		prompt: readText.call(this, 'prompt', 'Prompt', i),
		image_list: images.length ? await Promise.all(images.map(async (image, n) => ({ image: await resolveImage.call(this, image, `Image ${n + 1}`, i) }))) : undefined,
		element_list: toElementList(elements),
		resolution: this.getNodeParameter('resolution', i, '1k') as string,
		result_type: series ? 'series' : 'single',
		n: series ? undefined : Number(this.getNodeParameter('n', i, 1)),
		series_amount: series ? (amount === 'auto' ? 'auto' : Number(amount)) : undefined,
		aspect_ratio: this.getNodeParameter('aspectRatio', i, 'auto') as string,
		...readCreateOptions.call(this, i, IMAGE_OPTIONS).body,
	};
	return await parseImageRequest.call(this, omniImageBodySchema, body, LABELS, elements, images.length, i);
}

export const { task, execute } = imageCreate(PRODUCTS.omniImage, buildRequest);
