import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { ELEMENT_LIBRARIES, elementsOfPage } from '../contract/element';
import { VOICE_LIBRARIES, voicesOfPage } from '../contract/voice';
import { PRESET_NAME_SUFFIX } from '../actions/shared/pickers';
import { klingApiRequest } from '../transport';

const PAGE_SIZE = 100;

/**
 * One page of a picker's list: the account's own first, then Kling's presets (unless `ownOnly`), filtered by name or ID.
 * The pagination token is `<library>:<page>` so the editor pages through both libraries in turn.
 */
async function searchLibrary(
	ctx: ILoadOptionsFunctions,
	paths: { custom: string; preset: string },
	toItems: (page: unknown) => Array<INodeListSearchItems & { search: string }>,
	filter?: string,
	paginationToken?: string,
	ownOnly = false,
): Promise<INodeListSearchResult> {
	const [library, pageText] = (paginationToken ?? 'custom:1').split(':') as ['custom' | 'preset', string];
	const pageNum = Number(pageText) || 1;
	const { data } = await klingApiRequest.call(ctx, { method: 'GET', path: paths[library], qs: { pageNum, pageSize: PAGE_SIZE } });
	const needle = filter?.trim().toLowerCase() ?? '';
	const suffix = library === 'preset' ? PRESET_NAME_SUFFIX : '';
	const results = toItems(data)
		.filter((item) => item.search.toLowerCase().includes(needle))
		.map(({ name, value, description, url }) => ({ name: `${name}${suffix}`, value, description, url }));
	const full = Array.isArray(data) && data.length === PAGE_SIZE;
	return { results, paginationToken: full ? `${library}:${pageNum + 1}` : library === 'custom' && !ownOnly ? 'preset:1' : undefined };
}

export async function searchElements(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string, ownOnly = false): Promise<INodeListSearchResult> {
	const toItems = (page: unknown) =>
		elementsOfPage(page)
			.filter((element) => element.status !== 'deleted')
			.map((element) => ({
				name: element.element_name ?? element.element_id,
				value: element.element_id,
				description: element.element_description ?? undefined,
				search: `${element.element_name ?? ''} ${element.element_id}`,
			}));
	return await searchLibrary(this, ELEMENT_LIBRARIES, toItems, filter, paginationToken, ownOnly);
}

export async function searchVoices(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string, ownOnly = false): Promise<INodeListSearchResult> {
	const toItems = (page: unknown) =>
		voicesOfPage(page).map((voice) => ({ name: voice.voice_name ?? voice.voice_id, value: voice.voice_id, url: voice.trial_url ?? undefined, search: `${voice.voice_name ?? ''} ${voice.voice_id}` }));
	return await searchLibrary(this, VOICE_LIBRARIES, toItems, filter, paginationToken, ownOnly);
}

/** The account's own elements only: what Element → Delete can delete. */
export async function searchElementsOwnOnly(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await searchElements.call(this, filter, paginationToken, true);
}

/** The account's own voices only: what Voice → Delete can delete. */
export async function searchVoicesOwnOnly(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await searchVoices.call(this, filter, paginationToken, true);
}
