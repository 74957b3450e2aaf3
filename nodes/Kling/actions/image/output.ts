import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { imagesOfTaskResult, imageSlots, IMAGES_MAX } from '../../contract/image';
import { urlExtension } from '../../contract/request';
import { isSucceeded, type KlingTask, type TaskProduct } from '../../contract/task';
import { noResultError, taskSummary } from '../../tasks/output';
import type { TaskOperation } from '../../tasks/taskOperation';
import { downloadFile } from '../../transport/download';
import type { Download, OptionsKind } from '../shared/options';
import { mediaCreate } from '../shared/tasks';

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

/** An image task as the node outputs it: its images (index, URL, watermarked URL), then the task. */
function imageTaskOutput(task: KlingTask): IDataObject {
	const images = imagesOfTaskResult(task.task_result).map((image, n) => ({ index: image.index ?? n, url: image.url, watermarkUrl: image.watermark_url ?? undefined }));
	return { images, ...taskSummary(task) };
}

/** The output of an image task; with Download Images, a finished one's images also as binary data (`<prefix><index>`). */
export async function presentImages(this: IExecuteFunctions, task: KlingTask, itemIndex: number, download: Download): Promise<INodeExecutionData> {
	const json = imageTaskOutput(task);
	if (!isSucceeded(task.task_status)) return { json };
	if (!(json.images as unknown[]).length) throw noResultError(this.getNode(), task, 'images', itemIndex);
	if (!download.download) return { json };
	const binary: IBinaryKeyData = {};
	for (const image of json.images as Array<{ index: number; url: string }>) {
		const { extension, mimeType } = imageFileType(image.url);
		const fileName = `kling-${task.task_id}-${image.index}.${extension}`;
		binary[`${download.binaryPropertyName}${image.index}`] = await downloadFile.call(this, image.url, fileName, mimeType, itemIndex);
	}
	return { json, binary };
}

/** A generated image's file type, by its URL's path (a query string may name other files): Kling makes PNG and JPEG. */
export function imageFileType(url: string): { extension: 'jpg' | 'png'; mimeType: string } {
	return ['jpg', 'jpeg'].includes(urlExtension(url) ?? '') ? { extension: 'jpg', mimeType: 'image/jpeg' } : { extension: 'png', mimeType: 'image/png' };
}
