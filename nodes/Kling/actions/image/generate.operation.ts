import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ASPECT_RATIOS, IMAGE_REFERENCES_MAX, imageGenerationBodySchema } from '../../contract/image';
import { PRODUCTS } from '../../contract/task';
import { placeholder, promptField, readText, readYesNo } from '../shared/fields';
import { imageSourceFields, resolveImageField } from '../shared/images';
import { createOptions, OPTION_LABELS, readCreateOptions } from '../shared/options';
import { pickerList, readPickerList, toElementList } from '../shared/pickers';
import { IMAGE_OPTIONS, imageCreate, NUMBER_OF_IMAGES, parseImageRequest, RESOLUTIONS } from './output';

export const properties: INodeProperties[] = [
	promptField({
		required: true,
		placeholder: 'e.g. @Perfume Bottle on a marble table, soft morning light, advertising poster',
		description: `What the images show, up to 2500 characters. Refer to elements as ${placeholder('element_1')}, ... in the order of Elements, or write @ and an element's name.`,
	}),
	{ displayName: 'Reference Image', name: 'useReferenceImage', type: 'boolean', validateType: 'boolean', default: false, description: 'Whether one image guides the result; then there is no Negative Prompt' },
	...imageSourceFields('reference image', { prefix: 'referenceImage', displayOptions: { show: { useReferenceImage: [true] } } }),
	// Kling takes no negative prompt with a reference image (§7a), so the field is offered only without one.
	{ displayName: 'Negative Prompt', name: 'negativePrompt', type: 'string', default: '', description: 'What the images should avoid', displayOptions: { show: { useReferenceImage: [false] } } },
	pickerList('element', IMAGE_REFERENCES_MAX, 'Elements in order; with the reference image at most 10'),
	NUMBER_OF_IMAGES,
	{ displayName: 'Resolution', name: 'resolution', type: 'options', default: '1k', options: RESOLUTIONS.slice(0, 2) },
	{ displayName: 'Aspect Ratio', name: 'aspectRatio', type: 'options', default: '1:1', options: ASPECT_RATIOS.map((ratio) => ({ name: ratio, value: ratio })) },
	createOptions(IMAGE_OPTIONS),
];

const LABELS = { prompt: 'Prompt', negative_prompt: 'Negative Prompt', image: 'Reference Image', element_list: 'Elements', resolution: 'Resolution', n: 'Number of Images', aspect_ratio: 'Aspect Ratio', ...OPTION_LABELS };

async function buildRequest(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const elements = readPickerList.call(this, 'element', i);
	const withImage = readYesNo.call(this, 'useReferenceImage', 'Reference Image', i, false);
	const body: IDataObject = {
		model_name: 'kling-v3',
		prompt: readText.call(this, 'prompt', 'Prompt', i),
		// Read either way: one set with a reference image (an expression, an imported workflow) is refused, not dropped.
		negative_prompt: readText.call(this, 'negativePrompt', 'Negative Prompt', i),
		image: withImage ? ((await resolveImageField.call(this, 'referenceImage', 'Reference Image', i)) as IDataObject | string) : undefined,
		element_list: toElementList(elements),
		resolution: this.getNodeParameter('resolution', i, '1k') as string,
		n: Number(this.getNodeParameter('n', i, 1)),
		aspect_ratio: this.getNodeParameter('aspectRatio', i, '1:1') as string,
		...readCreateOptions.call(this, i, IMAGE_OPTIONS).body,
	};
	return await parseImageRequest.call(this, imageGenerationBodySchema, body, LABELS, elements, withImage ? 1 : 0, i);
}

export const { task, execute } = imageCreate(PRODUCTS.imageGeneration, buildRequest);
