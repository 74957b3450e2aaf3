import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { elementsOfTaskResult } from '../contract/element';
import { taskListSchema } from '../contract/task';
import { voicesOfTaskResult } from '../contract/voice';
import { PRESET_NAME_SUFFIX } from '../actions/common/elementList';
import { ELEMENT_LIBRARIES } from '../actions/element/getAll.operation';
import { VOICE_LIBRARIES } from '../actions/voice/getAll.operation';
import { klingApiRequest } from '../transport';

const PAGE_SIZE = 100;

/**
 * The element picker's list: the account's active elements first, then Kling's presets, filtered by name.
 * The pagination token is `<library>:<page>` so the editor can page through both libraries in turn.
 */
export async function searchElements(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const [library, pageText] = (paginationToken ?? 'custom:1').split(':') as [keyof typeof ELEMENT_LIBRARIES, string];
	const pageNum = Number(pageText) || 1;
	const { data } = await klingApiRequest.call(this, {
		method: 'GET',
		path: ELEMENT_LIBRARIES[library],
		qs: { pageNum, pageSize: PAGE_SIZE },
	});
	const tasks = taskListSchema.safeParse(data);
	const page = tasks.success ? tasks.data : [];
	const needle = filter?.trim().toLowerCase();
	const results: INodeListSearchItems[] = page
		.flatMap((task) => elementsOfTaskResult(task.task_result))
		.filter((element) => element.status !== 'deleted')
		.filter((element) => !needle || (element.element_name ?? '').toLowerCase().includes(needle))
		.map((element) => ({
			name: `${element.element_name ?? element.element_id}${library === 'preset' ? PRESET_NAME_SUFFIX : ''}`,
			value: element.element_id,
			description: element.element_description ?? undefined,
		}));
	const next = page.length === PAGE_SIZE ? `${library}:${pageNum + 1}` : library === 'custom' ? 'preset:1' : undefined;
	return { results, paginationToken: next };
}

/**
 * The voice picker's list: the account's custom voices first, then Kling's presets, filtered by name. The
 * pagination token is `<library>:<page>`, as for elements.
 */
export async function searchVoices(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const [library, pageText] = (paginationToken ?? 'custom:1').split(':') as [keyof typeof VOICE_LIBRARIES, string];
	const pageNum = Number(pageText) || 1;
	const { data } = await klingApiRequest.call(this, {
		method: 'GET',
		path: VOICE_LIBRARIES[library],
		qs: { pageNum, pageSize: PAGE_SIZE },
	});
	const tasks = taskListSchema.safeParse(data);
	const page = tasks.success ? tasks.data : [];
	const needle = filter?.trim().toLowerCase();
	const results: INodeListSearchItems[] = page
		.flatMap((task) => voicesOfTaskResult(task.task_result))
		.filter((voice) => !needle || (voice.voice_name ?? '').toLowerCase().includes(needle))
		.map((voice) => ({
			name: `${voice.voice_name ?? voice.voice_id}${library === 'preset' ? PRESET_NAME_SUFFIX : ''}`,
			value: voice.voice_id,
			url: voice.trial_url ?? undefined,
		}));
	const next = page.length === PAGE_SIZE ? `${library}:${pageNum + 1}` : library === 'custom' ? 'preset:1' : undefined;
	return { results, paginationToken: next };
}
