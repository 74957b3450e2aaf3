import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { KlingTask } from '../../contract/task';
import { videosOfTaskResult } from '../../contract/video';
import { downloadFile } from '../../helpers/download';
import { taskSummary } from '../../tasks/taskOutput';

/** Download Video + Binary Field Name; on creates they show only when the node waits for the video. */
export function downloadFields(displayOptions?: INodeProperties['displayOptions']): INodeProperties[] {
	return [
		{
			displayName: 'Download Video',
			name: 'downloadVideo',
			type: 'boolean',
			default: false,
			description: 'Whether to add the finished video to the output as binary data, besides its URL',
			displayOptions,
		},
		{
			displayName: 'Binary Field Name',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			description: 'Name of the output binary field that receives the video',
			displayOptions: { ...displayOptions, show: { ...displayOptions?.show, downloadVideo: [true] } },
		},
	];
}

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
export async function presentVideo(
	this: IExecuteFunctions,
	task: KlingTask,
	itemIndex: number,
): Promise<{ json: IDataObject; binary?: IBinaryKeyData }> {
	const json = videoTaskOutput(task);
	if (!this.getNodeParameter('downloadVideo', itemIndex, false)) return { json };
	const field = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim() || 'data';
	if (typeof json.videoUrl !== 'string') {
		throw new NodeOperationError(this.getNode(), `Kling reported no video URL for task ${task.task_id}`, { itemIndex });
	}
	const fileName = `kling-${String(json.videoId ?? task.task_id)}.mp4`;
	const binary = await downloadFile.call(this, json.videoUrl, fileName, 'video/mp4', itemIndex);
	return { json, binary: { [field]: binary } };
}
