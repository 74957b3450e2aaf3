import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { ELEMENT_LIBRARIES, elementsOfPage } from '../contract/element';
import { VOICE_LIBRARIES, voicesOfPage } from '../contract/voice';
import { PRESET_NAME_SUFFIX } from '../actions/shared/pickers';
import { klingApiRequest } from '../transport';

const PAGE_SIZE = 100;

type Library = 'custom' | 'preset';
type Items = (page: unknown) => Array<INodeListSearchItems & { search: string }>;

/** What the pickers list: the account's own, then Kling's presets; or the account's own alone (what Delete can delete). */
const ALL: Library[] = ['custom', 'preset'];
const OWN: Library[] = ['custom'];

/**
 * One page of a picker's list, filtered by name or ID. The pagination token is `<library>:<page>`, so the editor pages
 * through the `libraries` in turn.
 */
async function searchLibrary(
	ctx: ILoadOptionsFunctions,
	paths: Record<Library, string>,
	libraries: Library[],
	toItems: Items,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const [library, pageText] = (paginationToken ?? `${libraries[0]}:1`).split(':') as [Library, string];
	const pageNum = Number(pageText) || 1;
	const { data } = await klingApiRequest.call(ctx, { method: 'GET', path: paths[library], qs: { pageNum, pageSize: PAGE_SIZE } });
	const needle = filter?.trim().toLowerCase() ?? '';
	const suffix = library === 'preset' ? PRESET_NAME_SUFFIX : '';
	const results = toItems(data)
		.filter((item) => item.search.toLowerCase().includes(needle))
		.map(({ name, value, description, url }) => ({ name: `${name}${suffix}`, value, description, url }));
	const full = Array.isArray(data) && data.length === PAGE_SIZE;
	const next = libraries[libraries.indexOf(library) + 1];
	return { results, paginationToken: full ? `${library}:${pageNum + 1}` : next && `${next}:1` };
}

const elementItems: Items = (page) =>
	elementsOfPage(page)
		.filter((element) => element.status !== 'deleted')
		.map((element) => ({
			name: element.element_name ?? element.element_id,
			value: element.element_id,
			description: element.element_description ?? undefined,
			search: `${element.element_name ?? ''} ${element.element_id}`,
		}));

const voiceItems: Items = (page) =>
	voicesOfPage(page).map((voice) => ({ name: voice.voice_name ?? voice.voice_id, value: voice.voice_id, url: voice.trial_url ?? undefined, search: `${voice.voice_name ?? ''} ${voice.voice_id}` }));

export async function searchElements(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await searchLibrary(this, ELEMENT_LIBRARIES, ALL, elementItems, filter, paginationToken);
}

export async function searchElementsOwnOnly(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await searchLibrary(this, ELEMENT_LIBRARIES, OWN, elementItems, filter, paginationToken);
}

export async function searchVoices(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await searchLibrary(this, VOICE_LIBRARIES, ALL, voiceItems, filter, paginationToken);
}

export async function searchVoicesOwnOnly(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await searchLibrary(this, VOICE_LIBRARIES, OWN, voiceItems, filter, paginationToken);
}
