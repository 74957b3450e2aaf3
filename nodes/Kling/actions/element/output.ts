import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { elementKindOf, elementsOfTaskResult, type KlingElement } from '../../contract/element';
import { isSucceeded, type KlingTask } from '../../contract/task';
import { noResultError, taskSummary } from '../../tasks/output';

/** One element as the node outputs it: `elementId` a string at the top level, ready for `{{ $json.elementId }}`. */
export function elementOutput(element: KlingElement): IDataObject {
	const images = element.element_image_list as { frontal_image?: string; refer_images?: Array<{ image_url?: string }> } | null;
	const videos = element.element_video_list as { refer_videos?: Array<{ video_url?: string }> } | null;
	const voice = element.element_voice_info;
	return {
		elementId: element.element_id,
		elementName: element.element_name ?? undefined,
		elementDescription: element.element_description ?? undefined,
		// Said outright when Kling's answer names no kind, so a flow that branches on it never guesses.
		referenceType: elementKindOf(element) ?? 'unknown',
		elementStatus: element.status ?? undefined,
		ownedBy: element.owned_by ?? undefined,
		// Often absent, null or {} even for a video element whose clip has speech (docs/kling-api.md §4).
		voiceId: voice?.voice_id ?? undefined,
		voiceName: voice?.voice_name ?? undefined,
		tags: (element.tag_list ?? []).map((tag) => (tag as IDataObject).tag_id ?? (tag as IDataObject).id ?? tag),
		frontalImage: images?.frontal_image,
		referImages: images?.refer_images?.map((image) => image.image_url),
		referVideos: videos?.refer_videos?.map((video) => video.video_url),
	};
}

/** A creation task and, once it succeeded, its element (docs/kling-api.md §3.2); a success without one fails. */
export async function presentElementTask(this: IExecuteFunctions, task: KlingTask, itemIndex: number): Promise<INodeExecutionData> {
	const [element] = elementsOfTaskResult(task.task_result);
	if (isSucceeded(task.task_status) && !element) throw noResultError(this.getNode(), task, 'element ID', itemIndex);
	return { json: { ...(element ? elementOutput(element) : { elementId: undefined }), ...taskSummary(task) } };
}
