import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { isSucceeded, type KlingTask, type TaskProduct } from '../../contract/task';
import { secondsOf, videosOfTaskResult } from '../../contract/video';
import { noResultError, taskSummary } from '../../tasks/output';
import type { TaskOperation } from '../../tasks/taskOperation';
import { downloadFile } from '../../transport/download';
import type { Download, OptionsKind } from '../shared/options';
import { mediaCreate } from '../shared/tasks';

export const VIDEO_OPTIONS: OptionsKind = { timeoutMinutes: 30, media: 'video' };

/** Field names in validation messages for what every video create sends. */
export const VIDEO_LABELS = { model_name: 'Model', prompt: 'Prompt', element_list: 'Elements', sound: 'Sound', mode: 'Mode', duration: 'Duration' };

export const SOUND_OPTIONS = [
	{ name: 'Off', value: 'off' },
	{ name: 'On', value: 'on' },
];

export function soundField(onDescription: string, displayOptions?: INodeProperties['displayOptions']): INodeProperties {
	const options = [SOUND_OPTIONS[0], { ...SOUND_OPTIONS[1], description: onDescription }];
	return { displayName: 'Sound', name: 'sound', type: 'options', default: 'off', options, displayOptions };
}

/** The `task` and `execute` of a video create. */
export const videoCreate = (product: TaskProduct, buildRequest: TaskOperation['buildRequest']) =>
	mediaCreate(VIDEO_OPTIONS, presentVideo, { product, buildRequest });

/**
 * The output of a video task: the video's id (a string), URL and length first, then the task. A finished one's video
 * comes as binary data too when Download Video is on.
 */
export async function presentVideo(this: IExecuteFunctions, task: KlingTask, itemIndex: number, download: Download): Promise<INodeExecutionData> {
	const [video] = videosOfTaskResult(task.task_result);
	const json = { videoId: video?.id, videoUrl: video?.url, watermarkUrl: video?.watermark_url ?? undefined, duration: secondsOf(video?.duration), ...taskSummary(task) };
	if (!isSucceeded(task.task_status)) return { json };
	if (!video?.url.trim()) throw noResultError(this.getNode(), task, 'video URL', itemIndex);
	if (!download.download) return { json };
	const binary = await downloadFile.call(this, video.url, `kling-${video.id}.mp4`, 'video/mp4', itemIndex);
	return { json, binary: { [download.binaryPropertyName]: binary } };
}
