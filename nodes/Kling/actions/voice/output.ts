import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { isSucceeded, type KlingTask } from '../../contract/task';
import { voicesOfTaskResult, type KlingVoice } from '../../contract/voice';
import { noResultError, taskSummary } from '../../tasks/output';

/** One voice as the node outputs it: `voiceId` a string at the top level, ready for `{{ $json.voiceId }}`. */
export function voiceOutput(voice: KlingVoice): IDataObject {
	return {
		voiceId: voice.voice_id,
		voiceName: voice.voice_name ?? undefined,
		trialUrl: voice.trial_url ?? undefined,
		ownedBy: voice.owned_by ?? undefined,
	};
}

/** A voice creation task and, once it succeeded, its voice (docs/kling-api.md §4); a success without one fails. */
export async function presentVoiceTask(this: IExecuteFunctions, task: KlingTask, itemIndex: number): Promise<INodeExecutionData> {
	const [voice] = voicesOfTaskResult(task.task_result);
	// A legacy voice carries no status (docs/kling-api.md §4): a deleted one may leave its creation task without it for good.
	if (isSucceeded(task.task_status) && !voice) throw noResultError(this.getNode(), task, 'voice ID', itemIndex, 'A voice deleted since is no longer shown (Voice → Get Many lists the voices there are).');
	return { json: { ...(voice ? voiceOutput(voice) : { voiceId: undefined }), ...taskSummary(task) } };
}
