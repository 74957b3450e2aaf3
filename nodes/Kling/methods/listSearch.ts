import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { ELEMENT_LIBRARIES, elementsOfPage } from '../contract/element';
import { PAGE_SIZE_MAX } from '../contract/task';
import { VOICE_LIBRARIES, VOICE_PAGE_SIZE_MAX, voicesOfPage } from '../contract/voice';
import { PRESET_NAME_SUFFIX } from '../actions/shared/pickers';
import { klingPages } from '../transport';

type Item = INodeListSearchItems & { search: string };
type Items = (page: unknown) => Item[];
type Source = { paths: { custom: string; preset: string }; pageSize: number; toItems: Items };

/** Pages of one library a search reads for one answer at most (2,500 elements or 5,000 voices). */
const SEARCH_READS_MAX = 5;

/** The matching entries on the pages of one library from `firstPage`, `reads` pages at most; `next` when more remain. */
async function readMatches(ctx: ILoadOptionsFunctions, path: string, { pageSize, toItems }: Source, needle: string, firstPage: number, reads: number) {
	const items: Item[] = [];
	let pageNum = firstPage;
	for await (const page of klingPages.call(ctx, path, pageSize, firstPage)) {
		items.push(...toItems(page).filter((item) => item.search.toLowerCase().includes(needle)));
		pageNum++;
		if (page.length < pageSize) break;
		if (pageNum - firstPage === reads) return { items, next: pageNum };
	}
	return { items, next: undefined };
}

/**
 * A picker's list: the account's own entries, then (on the first answer) Kling's presets. A search reads several pages
 * of each library before it answers, so what it finds does not depend on the editor asking for further pages, which
 * it does only as the list is shown and scrolled. The pagination token is the account's next page; the presets are
 * all in the first answer.
 */
async function searchLibrary(ctx: ILoadOptionsFunctions, source: Source, withPresets: boolean, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const needle = filter?.trim().toLowerCase() ?? '';
	const reads = needle ? SEARCH_READS_MAX : 1;
	const own = await readMatches(ctx, source.paths.custom, source, needle, Number(paginationToken) || 1, reads);
	const presets = withPresets && !paginationToken ? (await readMatches(ctx, source.paths.preset, source, needle, 1, SEARCH_READS_MAX)).items : [];
	const results = [...own.items, ...presets.map((item) => ({ ...item, name: `${item.name}${PRESET_NAME_SUFFIX}` }))];
	// Keyed by ID: an entry created while the pages are read shifts the later ones, and one comes again on the next page.
	const unique = new Map(results.map(({ name, value, description, url }) => [value, { name, value, description, url }]));
	return { results: [...unique.values()], paginationToken: own.next?.toString() };
}

const elements: Source = {
	paths: ELEMENT_LIBRARIES,
	pageSize: PAGE_SIZE_MAX,
	toItems: (page) =>
		elementsOfPage(page)
			.filter((element) => element.status !== 'deleted')
			.map((element) => ({
				name: element.element_name ?? element.element_id,
				value: element.element_id,
				description: element.element_description ?? undefined,
				search: `${element.element_name ?? ''} ${element.element_id}`,
			})),
};

const voices: Source = {
	paths: VOICE_LIBRARIES,
	pageSize: VOICE_PAGE_SIZE_MAX,
	toItems: (page) =>
		voicesOfPage(page).map((voice) => ({ name: voice.voice_name ?? voice.voice_id, value: voice.voice_id, url: voice.trial_url ?? undefined, search: `${voice.voice_name ?? ''} ${voice.voice_id}` })),
};

export async function searchElements(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await searchLibrary(this, elements, true, filter, paginationToken);
}

/** The account's own alone, what Delete can delete. */
export async function searchElementsOwnOnly(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await searchLibrary(this, elements, false, filter, paginationToken);
}

export async function searchVoices(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await searchLibrary(this, voices, true, filter, paginationToken);
}

export async function searchVoicesOwnOnly(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return await searchLibrary(this, voices, false, filter, paginationToken);
}
