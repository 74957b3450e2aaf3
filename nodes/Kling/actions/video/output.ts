import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { KlingTask } from '../../contract/task';
import { videosOfTaskResult } from '../../contract/video';
import { taskSummary } from '../../tasks/output';
import { downloadFile } from '../../transport/download';
import type { Download } from '../shared/options';

/** Field names in validation messages for what every video create sends. */
export const VIDEO_LABELS = { model_name: 'Model', prompt: 'Prompt', element_list: 'Elements', sound: 'Sound', mode: 'Mode', duration: 'Duration' };

/** A video task as the node outputs it: the video's id (a string), URL and length first, then the task. */
export function videoTaskOutput(task: KlingTask): IDataObject {
	const [video] = videosOfTaskResult(task.task_result);
	const seconds = Number(video?.duration);
	return {
		videoId: video?.id,
		videoUrl: video?.url,
		watermarkUrl: video?.watermark_url ?? undefined,
		duration: video?.duration === undefined || video.duration === null ? undefined : Number.isFinite(seconds) ? seconds : video.duration,
		...taskSummary(task),
	};
}

/** The output of a finished video task, with the video as binary data when Download Video is on. */
export async function presentVideo(this: IExecuteFunctions, task: KlingTask, itemIndex: number, download: Download): Promise<INodeExecutionData> {
	const json = videoTaskOutput(task);
	if (!download.download) return { json };
	if (typeof json.videoUrl !== 'string') throw new NodeOperationError(this.getNode(), `Kling reported no video URL for task ${task.task_id}`, { itemIndex });
	const binary = await downloadFile.call(this, json.videoUrl, `kling-${String(json.videoId ?? task.task_id)}.mp4`, 'video/mp4', itemIndex);
	return { json, binary: { [download.binaryPropertyName]: binary } };
}
