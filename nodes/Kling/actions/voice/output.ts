import type { IDataObject } from 'n8n-workflow';

import type { KlingTask } from '../../contract/task';
import { voicesOfTaskResult, type KlingVoice } from '../../contract/voice';
import { taskSummary } from '../../tasks/output';

/** One voice as the node outputs it: `voiceId` a string at the top level, ready for `{{ $json.voiceId }}`. */
export function voiceOutput(voice: KlingVoice): IDataObject {
	return {
		voiceId: voice.voice_id,
		voiceName: voice.voice_name ?? undefined,
		trialUrl: voice.trial_url ?? undefined,
		ownedBy: voice.owned_by ?? undefined,
	};
}

/** A voice creation task and, once it succeeded, its voice (docs/kling-api.md §4). */
export function voiceTaskOutput(task: KlingTask): IDataObject {
	const [voice] = voicesOfTaskResult(task.task_result);
	return { ...(voice ? voiceOutput(voice) : { voiceId: undefined }), ...taskSummary(task) };
}
