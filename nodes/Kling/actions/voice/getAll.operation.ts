import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { taskListSchema } from '../../contract/task';
import { VOICE_PAGE_SIZE_MAX, voicesOfTaskResult } from '../../contract/voice';
import { klingPages } from '../../transport';
import { libraryFields, readLibraryQuery } from '../common/libraryFields';
import { voiceOutput } from './voiceOutput';

export const VOICE_LIBRARIES = {
	custom: '/v1/general/custom-voices',
	preset: '/v1/general/presets-voices',
} as const;

const properties: INodeProperties[] = libraryFields('voices', "Kling's official voices");

export const description = updateDisplayOptions({ show: { resource: ['voice'], operation: ['getAll'] } }, properties);

/** Kling lists creation tasks; each successful one holds its voice. Output: one item per voice. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const { library, limit, needle } = readLibraryQuery.call(this, i);

	const voices: IDataObject[] = [];
	// Voice lists take pages of up to 1000 (kling-api.md §4), so most accounts fit in one request.
	const pageSize = Math.min(VOICE_PAGE_SIZE_MAX, Math.max(30, limit));
	for await (const page of klingPages.call(this, VOICE_LIBRARIES[library], { pageSize })) {
		for (const task of taskListSchema.parse(page)) {
			for (const voice of voicesOfTaskResult(task.task_result)) {
				if (needle && !(voice.voice_name ?? '').toLowerCase().includes(needle)) continue;
				voices.push(voiceOutput(voice));
			}
		}
		if (voices.length >= limit) break;
	}
	return voices.slice(0, limit);
}
