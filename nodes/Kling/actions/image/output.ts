import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import type { ZodType } from 'zod';

import { imagesOfTaskResult, imageSlots, IMAGES_MAX } from '../../contract/image';
import { urlExtension } from '../../contract/request';
import { isSucceeded, type KlingTask, type TaskProduct } from '../../contract/task';
import { noResultError, taskSummary } from '../../tasks/output';
import type { TaskOperation } from '../../tasks/taskOperation';
import { downloadFile } from '../../transport/download';
import type { Download, OptionsKind } from '../shared/options';
import type { Picked } from '../shared/pickers';
import { labelsAsSent, translateElementMentions } from '../shared/prompt';
import { mediaCreate } from '../shared/tasks';
import { parseRequestBody } from '../shared/validate';

export const IMAGE_OPTIONS: OptionsKind = { timeoutMinutes: 10, media: 'images' };

export const RESOLUTIONS: INodePropertyOptions[] = ['1K', '2K', '4K'].map((name) => ({ name, value: name.toLowerCase() }));
export const NUMBER_OF_IMAGES: INodeProperties = {
	displayName: 'Number of Images',
	name: 'n',
	type: 'number',
	validateType: 'number',
	default: 1,
	typeOptions: { minValue: 1, maxValue: IMAGES_MAX },
	description: 'How many images to make, 1 to 9; each takes a concurrency slot of your image pack',
};

/** The `task` and `execute` of an image create; an image task holds a concurrency slot per image. */
export const imageCreate = (product: TaskProduct, buildRequest: TaskOperation['buildRequest']) =>
	mediaCreate(IMAGE_OPTIONS, presentImages, { product, buildRequest, slots: imageSlots });

/**
 * Checks an image request, turns its prompt's `@Element Name` mentions into placeholders (elements are looked up only
 * for a valid request), and checks it again: placeholders are longer than names.
 */
export async function parseImageRequest(this: IExecuteFunctions, schema: ZodType, body: IDataObject, labels: Record<string, string>, elements: Picked[], images: number, i: number): Promise<IDataObject> {
	parseRequestBody.call(this, schema, body, labels, i);
	const counts = { element: elements.length, image: images, video: null, voice: null };
	const [prompt] = (await translateElementMentions.call(this, [String(body.prompt)], elements, i, counts)).texts;
	return parseRequestBody.call(this, schema, { ...body, prompt }, labelsAsSent(labels, ['prompt']), i) as IDataObject;
}

/** The output of an image task; with Download Images, a finished one's images also as binary data (`<prefix>0`, `<prefix>1`, …). */
export async function presentImages(this: IExecuteFunctions, task: KlingTask, itemIndex: number, download: Download): Promise<INodeExecutionData> {
	const images = imagesOfTaskResult(task.task_result);
	const json = { images: images as unknown as IDataObject[], ...taskSummary(task) };
	if (!isSucceeded(task.task_status)) return { json };
	const missing = images.filter((image) => !image.url).length;
	if (missing === images.length) throw noResultError(this.getNode(), task, 'images', itemIndex);
	// Some of the paid-for images are never passed on as if they were all of them.
	if (missing) throw noResultError(this.getNode(), task, `URL for ${missing} of its ${images.length} images`, itemIndex);
	if (!download.download) return { json };
	// Named by place in index order, so two entries that share an index (or have none) never share a field.
	const binary: IBinaryKeyData = {};
	for (const [n, image] of images.entries()) {
		const { extension, mimeType } = imageFileType(image.url as string);
		binary[`${download.binaryPropertyName}${n}`] = await downloadFile.call(this, image.url as string, `kling-${task.task_id}-${n}.${extension}`, mimeType, itemIndex);
	}
	return { json, binary };
}

/** A generated image's file type, by its URL's path (a query string may name other files): Kling makes PNG and JPEG. */
export function imageFileType(url: string): { extension: 'jpg' | 'png'; mimeType: string } {
	return ['jpg', 'jpeg'].includes(urlExtension(url) ?? '') ? { extension: 'jpg', mimeType: 'image/jpeg' } : { extension: 'png', mimeType: 'image/png' };
}
