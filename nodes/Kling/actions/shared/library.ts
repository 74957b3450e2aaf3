import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ELEMENT_LIBRARIES, elementsOfPage, type KlingElement } from '../../contract/element';
import { PAGE_SIZE_MAX } from '../../contract/task';
import { VOICE_LIBRARIES, VOICE_PAGE_SIZE_MAX, voicesOfPage, type KlingVoice } from '../../contract/voice';
import { klingApiRequest, klingPages } from '../../transport';
import { asNodeError, isNotFound, klingErrorContext } from '../../transport/errors';
import { collection, readChoice, readYesNo } from './fields';
import { eachItem, eachItemCheckedFirst } from './items';
import { picker, readPicked } from './pickers';
import { invalidInput } from './validate';

/**
 * Kling's two libraries of elements and of voices: the account's own and the official presets. Neither has a "get by
 * ID" endpoint, so Get, the pickers and Get Many all read the lists (§3.3, §3.4, §4).
 */
export const LIBRARIES = {
	element: { paths: ELEMENT_LIBRARIES, pageSize: PAGE_SIZE_MAX, ofPage: elementsOfPage, idOf: (entry: KlingElement) => entry.element_id, nameOf: (entry: KlingElement) => entry.element_name },
	voice: { paths: VOICE_LIBRARIES, pageSize: VOICE_PAGE_SIZE_MAX, ofPage: voicesOfPage, idOf: (entry: KlingVoice) => entry.voice_id, nameOf: (entry: KlingVoice) => entry.voice_name },
};

export type Kind = keyof typeof LIBRARIES;
type Entry<K extends Kind> = K extends 'element' ? KlingElement : KlingVoice;
type Library = 'custom' | 'preset';

/** One library's entries, page by page; stop iterating to stop reading. */
async function* libraryEntries<K extends Kind>(ctx: IExecuteFunctions, kind: K, library: Library, pageSize = LIBRARIES[kind].pageSize): AsyncGenerator<Entry<K>> {
	for await (const page of klingPages.call(ctx, LIBRARIES[kind].paths[library], pageSize)) {
		yield* LIBRARIES[kind].ofPage(page) as Array<Entry<K>>;
	}
}

async function* bothLibraries<K extends Kind>(ctx: IExecuteFunctions, kind: K): AsyncGenerator<Entry<K>> {
	yield* libraryEntries(ctx, kind, 'custom');
	yield* libraryEntries(ctx, kind, 'preset');
}

type Reading = { seen: Map<string, unknown>; entries: AsyncGenerator<unknown>; failure?: unknown };

/** One reading of the libraries per node run and kind: the execute context is the same object for every item of a run. */
const readings = new WeakMap<IExecuteFunctions, Partial<Record<Kind, Reading>>>();

/**
 * The entries with these ids, looked for in the account's library, then the presets; a missing id was found in
 * neither. The pages read are kept for the whole node run, so a batch of items costs one pass at most, and reading
 * stops as soon as every wanted id was seen.
 */
export async function findInLibraries<K extends Kind>(ctx: IExecuteFunctions, kind: K, ids: string[]): Promise<Map<string, Entry<K>>> {
	const byKind = readings.get(ctx) ?? {};
	readings.set(ctx, byKind);
	const reading: Reading = (byKind[kind] ??= { seen: new Map(), entries: bothLibraries(ctx, kind) });
	const { seen, entries } = reading;
	const idOf = LIBRARIES[kind].idOf as (entry: unknown) => string;
	// A generator that has finished answers `done` at once, so a later item reads nothing again. One that failed
	// would answer `done` too: its error is kept for later items, which must not take "not read" for "not there".
	while (ids.some((id) => !seen.has(id))) {
		if (reading.failure) throw reading.failure;
		const next = await entries.next().catch((error: unknown) => {
			reading.failure = error;
			throw error;
		});
		if (next.done) break;
		seen.set(idOf(next.value), next.value);
	}
	return new Map(ids.flatMap((id) => (seen.has(id) ? [[id, seen.get(id) as Entry<K>] as const] : [])));
}

/** The ID of an entry named `name` among those read so far in this node run (a name given where an ID belongs). */
function idOfNamed(ctx: IExecuteFunctions, kind: Kind, name: string): string | undefined {
	const { idOf, nameOf } = LIBRARIES[kind] as { idOf: (entry: unknown) => string; nameOf: (entry: unknown) => string | null | undefined };
	const named = [...(readings.get(ctx)?.[kind]?.seen.values() ?? [])].find((entry) => nameOf(entry) === name);
	return named === undefined ? undefined : idOf(named);
}

/** The two libraries a Get Many reads from. */
function libraryOptions(kind: Kind, presetsDescription?: string): INodePropertyOptions[] {
	const title = kind === 'element' ? 'Elements' : 'Voices';
	return [
		{ name: `My ${title}`, value: 'custom', description: `${title} created with this account` },
		{ name: 'Kling Presets', value: 'preset', description: presetsDescription },
	];
}

/** The fields of a Get Many: which library, how many, and a name filter. */
function libraryFields(kind: Kind, presetsDescription: string, extraFilters: INodeProperties[] = []): INodeProperties[] {
	const libraries = libraryOptions(kind, presetsDescription);
	return [
		{ displayName: 'Library', name: 'library', type: 'options', default: 'custom', options: libraries },
		{ displayName: 'Return All', name: 'returnAll', type: 'boolean', validateType: 'boolean', default: false, description: 'Whether to return all results or only up to a given limit' },
		{ displayName: 'Limit', name: 'limit', type: 'number', validateType: 'number', default: 50, typeOptions: { minValue: 1 }, description: 'Max number of results to return', displayOptions: { show: { returnAll: [false] } } },
		collection('Filters', [
			{ displayName: 'Name Contains', name: 'nameContains', type: 'string', default: '', description: `Only ${kind}s whose name contains this text (not case-sensitive)` },
			...extraFilters,
		]),
	];
}

/** A Get Many's own filter: reads its fields for an item, and gives the test an entry must pass. */
type Keep<K extends Kind> = (this: IExecuteFunctions, itemIndex: number) => (entry: Entry<K>) => boolean;

/** Get Many: the entries of the chosen library that pass the filters, up to the limit. */
async function readLibrary<K extends Kind>(ctx: IExecuteFunctions, kind: K, itemIndex: number, keep?: Keep<K>): Promise<Array<Entry<K>>> {
	const filters = ctx.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	// Library and Return All from an expression that gave nothing are refused: nothing to read, or not all that was asked.
	const library = readChoice.call(ctx, 'library', 'Library', itemIndex, libraryOptions(kind), 'custom') as Library;
	const limit = readYesNo.call(ctx, 'returnAll', 'Return All', itemIndex, false) ? Infinity : (ctx.getNodeParameter('limit', itemIndex) as number);
	if (!(limit >= 1) || (limit !== Infinity && !Number.isInteger(limit))) throw invalidInput.call(ctx, `Limit must be a whole number of at least 1 (it is ${limit})`, itemIndex);
	const needle = String(filters.nameContains ?? '').trim().toLowerCase();
	const { nameOf, idOf } = LIBRARIES[kind] as unknown as { nameOf: (entry: Entry<K>) => string | null | undefined; idOf: (entry: Entry<K>) => string };
	const out = new Map<string, Entry<K>>();
	const pageSize = Math.min(LIBRARIES[kind].pageSize, Math.max(30, limit));
	const kept = keep?.call(ctx, itemIndex) ?? (() => true);
	for await (const entry of libraryEntries(ctx, kind, library, pageSize)) {
		// Keyed by ID: an entry created while the pages are read shifts the later ones, and one comes again on the next page.
		if (kept(entry) && (nameOf(entry) ?? '').toLowerCase().includes(needle)) out.set(idOf(entry), entry);
		if (out.size >= limit) break;
	}
	return [...out.values()];
}

/** Get Many: one item per entry of the chosen library that passes the filters. */
export function libraryGetMany<K extends Kind>(kind: K, presets: string, output: (entry: Entry<K>) => IDataObject, filters: INodeProperties[] = [], keep?: Keep<K>) {
	async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
		return await eachItem.call(this, async (i) => (await readLibrary(this, kind, i, keep)).map((entry) => ({ json: output(entry) })));
	}
	return { properties: libraryFields(kind, presets, filters), execute };
}

/** Get: one of the account's entries or a preset, looked for in both libraries (no "get by ID" endpoint, §3.3, §4). */
export function libraryGet<K extends Kind>(kind: K, output: (entry: Entry<K>) => IDataObject, notFound: string) {
	async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
		return await eachItem.call(this, async (i) => {
			const { id } = readPicked.call(this, kind, i);
			const entry = (await findInLibraries(this, kind, [id])).get(id);
			if (!entry) {
				// Voice IDs may hold letters, so a voice's name can pass for one: the message then gives the ID to use.
				const named = idOfNamed(this, kind, id);
				const description = named ? `That is the name of the ${kind} with ID ${named}: pick it from the list or give its ID.` : notFound;
				throw new NodeOperationError(this.getNode(), `Kling has no ${kind} with ID ${id}`, { itemIndex: i, description });
			}
			return { json: output(entry) };
		});
	}
	return { properties: [picker(kind, { description: `One of your ${kind}s or a Kling preset` })], execute };
}

/**
 * Delete of a custom entry (§3.5, §4): sends `{ element_id }` or `{ voice_id }`, outputs `elementId` or `voiceId`. Code 0
 * means deleted, whatever a task status says. The paths are tried in turn while Kling does not know the id; none
 * knowing it is said plainly.
 */
export function libraryDelete(kind: Kind, paths: string[]) {
	async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
		return await eachItemCheckedFirst.call(this, (i) => readPicked.call(this, kind, i).id, async (id, i) => {
			const answers: string[] = [];
			let lostTry = false;
			for (const path of paths) {
				try {
					await klingApiRequest.call(this, { method: 'POST', path, body: { [`${kind}_id`]: id }, retries: 5 });
					return { json: { deleted: true, [`${kind}Id`]: id } };
				} catch (error) {
					if (!isNotFound(error)) throw asNodeError(this.getNode(), error);
					// Every path's answer, in order: the first may refuse for a reason the next one's "does not exist" hides.
					answers.push(paths.length > 1 ? `${path}: ${(error as Error).message}` : (error as Error).message);
					lostTry ||= klingErrorContext(error).afterLostTry === true;
				}
			}
			const list = kind === 'element' ? 'Element → Get Many' : 'Voice → Get Many';
			// Not reported as deleted: the id may never have existed, and the try whose answer was lost may have done nothing.
			const lost = lostTry ? `An earlier try of this delete got no answer, so it may have deleted the ${kind}. ` : '';
			throw new NodeOperationError(this.getNode(), `Kling has no custom ${kind} with ID ${id}`, {
				itemIndex: i,
				description: `${lost}Presets cannot be deleted, and a deleted ${kind} is gone; ${list} lists yours. Kling said: ${answers.join('; ')}`,
			});
		});
	}
	return { properties: [picker(kind, { description: `The custom ${kind} to delete; presets cannot be deleted` }, { ownOnly: true })], execute };
}
