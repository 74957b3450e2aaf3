import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { imagesOfTaskResult } from '../../contract/image';
import type { KlingTask } from '../../contract/task';
import { taskSummary } from '../../tasks/output';
import { downloadFile } from '../../transport/download';
import type { Download } from '../shared/options';

/** An image task as the node outputs it: its images (index, URL, watermarked URL), then the task. */
export function imageTaskOutput(task: KlingTask): IDataObject {
	const images = imagesOfTaskResult(task.task_result).map((image, n) => ({ index: image.index ?? n, url: image.url, watermarkUrl: image.watermark_url ?? undefined }));
	return { images, ...taskSummary(task) };
}

/** The output of a finished image task, every image as binary data (`<prefix><index>`) when Download Images is on. */
export async function presentImages(this: IExecuteFunctions, task: KlingTask, itemIndex: number, download: Download): Promise<INodeExecutionData> {
	const json = imageTaskOutput(task);
	if (!download.download) return { json };
	const binary: IBinaryKeyData = {};
	for (const image of json.images as Array<{ index: number; url: string }>) {
		const extension = /\.jpe?g(\?|$)/i.test(image.url) ? 'jpg' : 'png';
		const fileName = `kling-${task.task_id}-${image.index}.${extension}`;
		binary[`${download.binaryPropertyName}${image.index}`] = await downloadFile.call(this, image.url, fileName, extension === 'jpg' ? 'image/jpeg' : 'image/png', itemIndex);
	}
	return { json, binary };
}
