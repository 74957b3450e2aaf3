import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { LIBRARIES, type Kind } from '../actions/shared/library';
import { PRESET_NAME_SUFFIX } from '../actions/shared/pickers';
import { klingPages } from '../transport';

type Item = INodeListSearchItems & { search: string };

/** Pages of one library a search reads for one answer at most (2,500 elements or 5,000 voices). */
const SEARCH_READS_MAX = 5;

/** Each library's entries as list items; `search` is what a filter is matched against. */
const TO_ITEMS: Record<Kind, (page: unknown) => Item[]> = {
	element: (page) =>
		LIBRARIES.element
			.ofPage(page)
			.filter((element) => element.status !== 'deleted')
			.map((element) => ({
				name: element.element_name ?? element.element_id,
				value: element.element_id,
				description: element.element_description ?? undefined,
				search: `${element.element_name ?? ''} ${element.element_id}`,
			})),
	voice: (page) =>
		LIBRARIES.voice
			.ofPage(page)
			.map((voice) => ({ name: voice.voice_name ?? voice.voice_id, value: voice.voice_id, url: voice.trial_url ?? undefined, search: `${voice.voice_name ?? ''} ${voice.voice_id}` })),
};

/** The matching entries on the pages of one library from `firstPage`, `reads` pages at most; `next` when more remain. */
async function readMatches(ctx: ILoadOptionsFunctions, kind: Kind, path: string, needle: string, firstPage: number, reads: number) {
	const { pageSize } = LIBRARIES[kind];
	const items: Item[] = [];
	let pageNum = firstPage;
	for await (const page of klingPages.call(ctx, path, pageSize, firstPage)) {
		items.push(...TO_ITEMS[kind](page).filter((item) => item.search.toLowerCase().includes(needle)));
		pageNum++;
		if (page.length < pageSize) break;
		if (pageNum - firstPage === reads) return { items, next: pageNum };
	}
	return { items, next: undefined };
}

/**
 * A picker's list: the account's own entries, then (on the first answer, `withPresets`) Kling's presets. A search
 * reads several pages of each library before it answers, so what it finds does not depend on the editor asking for
 * further pages, which it does only as the list is shown and scrolled. The pagination token is the account's next
 * page; the presets are all in the first answer.
 */
function searchLibrary(kind: Kind, withPresets: boolean) {
	return async function (this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
		const { paths } = LIBRARIES[kind];
		const needle = filter?.trim().toLowerCase() ?? '';
		const own = await readMatches(this, kind, paths.custom, needle, Number(paginationToken) || 1, needle ? SEARCH_READS_MAX : 1);
		const presets = withPresets && !paginationToken ? (await readMatches(this, kind, paths.preset, needle, 1, SEARCH_READS_MAX)).items : [];
		const results = [...own.items, ...presets.map((item) => ({ ...item, name: `${item.name}${PRESET_NAME_SUFFIX}` }))];
		// Keyed by ID: an entry created while the pages are read shifts the later ones, and one comes again on the next page.
		const unique = new Map(results.map(({ name, value, description, url }) => [value, { name, value, description, url }]));
		return { results: [...unique.values()], paginationToken: own.next?.toString() };
	};
}

export const searchElements = searchLibrary('element', true);
/** The account's own alone, what Delete can delete. */
export const searchElementsOwnOnly = searchLibrary('element', false);
export const searchVoices = searchLibrary('voice', true);
export const searchVoicesOwnOnly = searchLibrary('voice', false);
