import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { ASPECT_RATIOS, IMAGE_REFERENCES_MAX, IMAGES_MAX, imageGenerationBodySchema, imageSlots } from '../../contract/image';
import { PRODUCTS } from '../../contract/task';
import { runTaskOperation } from '../../tasks/run';
import type { TaskOperation } from '../../tasks/taskOperation';
import { placeholder, promptField, readText } from '../shared/fields';
import { imageSourceFields, readImageSource, resolveImage } from '../shared/images';
import { createOptions, OPTION_LABELS, readCompletion, readCreateOptions, type OptionsKind } from '../shared/options';
import { pickerList, readPickerList, toElementList } from '../shared/pickers';
import { placeholderProblem, translateElementMentions } from '../shared/prompt';
import { invalidInput, parseRequestBody } from '../shared/validate';
import { presentImages } from './output';

const OPTIONS: OptionsKind = { timeoutMinutes: 10, media: 'images' };

const properties: INodeProperties[] = [
	promptField({
		placeholder: 'e.g. @Perfume Bottle on a marble table, soft morning light, advertising poster',
		description: `What the images show, up to 2500 characters. Refer to elements as ${placeholder('element_1')}, ... in the order of Elements, or write @ and an element's name.`,
	}),
	{ displayName: 'Negative Prompt', name: 'negativePrompt', type: 'string', default: '', description: 'What the images should avoid; not with a reference image' },
	{ displayName: 'Reference Image', name: 'useReferenceImage', type: 'boolean', default: false, description: 'Whether one image guides the result' },
	...imageSourceFields('reference image', { prefix: 'referenceImage', displayOptions: { show: { useReferenceImage: [true] } } }),
	pickerList('element', IMAGE_REFERENCES_MAX, 'Elements in order; with the reference image at most 10'),
	{ displayName: 'Number of Images', name: 'n', type: 'number', default: 1, typeOptions: { minValue: 1, maxValue: IMAGES_MAX }, description: 'How many images to make, 1 to 9; each takes a concurrency slot of your image pack' },
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'options',
		default: '1k',
		options: [
			{ name: '1K', value: '1k' },
			{ name: '2K', value: '2k' },
		],
	},
	{ displayName: 'Aspect Ratio', name: 'aspectRatio', type: 'options', default: '1:1', options: ASPECT_RATIOS.map((ratio) => ({ name: ratio, value: ratio })) },
	createOptions(OPTIONS),
];

export const description = updateDisplayOptions({ show: { resource: ['image'], operation: ['generate'] } }, properties);

const LABELS = { prompt: 'Prompt', negative_prompt: 'Negative Prompt', image: 'Reference Image', element_list: 'Elements', resolution: 'Resolution', n: 'Number of Images', aspect_ratio: 'Aspect Ratio', ...OPTION_LABELS };

export const task: TaskOperation = {
	product: PRODUCTS.imageGeneration,
	slots: imageSlots,
	async buildRequest(i) {
		const elements = readPickerList.call(this, 'element', i);
		const withImage = this.getNodeParameter('useReferenceImage', i, false) as boolean;
		const body: IDataObject = {
			model_name: 'kling-v3',
			prompt: readText.call(this, 'prompt', i),
			negative_prompt: readText.call(this, 'negativePrompt', i),
			image: withImage ? ((await resolveImage.call(this, readImageSource.call(this, 'referenceImage', i), 'Reference Image', i)) as IDataObject | string) : undefined,
			element_list: toElementList(elements),
			resolution: this.getNodeParameter('resolution', i, '1k') as string,
			n: Number(this.getNodeParameter('n', i, 1)),
			aspect_ratio: this.getNodeParameter('aspectRatio', i, '1:1') as string,
			...readCreateOptions.call(this, i, OPTIONS).body,
		};
		parseRequestBody.call(this, imageGenerationBodySchema, body, LABELS, i);
		const problem = placeholderProblem(String(body.prompt), { element: elements.length, image: withImage ? 1 : 0 });
		if (problem) throw invalidInput.call(this, problem, i);
		const [prompt] = (await translateElementMentions.call(this, [String(body.prompt)], elements, i)).texts;
		return parseRequestBody.call(this, imageGenerationBodySchema, { ...body, prompt }, LABELS, i) as IDataObject;
	},
	async present(kling, i) {
		return await presentImages.call(this, kling, i, readCreateOptions.call(this, i, OPTIONS));
	},
};

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await runTaskOperation.call(this, task, readCompletion.call(this, OPTIONS));
}
