import type { IExecuteFunctions } from 'n8n-workflow';

import { ELEMENT_LIBRARIES } from '../actions/element/getAll.operation';
import { elementKindOf, elementsOfTaskResult } from '../contract/element';
import type { ElementKind } from '../contract/omniRules';
import { taskListSchema } from '../contract/task';
import { klingPages } from '../transport';

/** What a video request may need to know about an element it names. */
export interface ElementFacts {
	name?: string;
	kind?: ElementKind;
}

/**
 * Kling has no "get element by id" endpoint: an element is found by reading the lists (the account's, then
 * the presets). The pages read are kept for the whole node run, so a batch of items costs one pass at most,
 * and the reading stops as soon as every wanted element was seen.
 */
class ElementCatalog {
	private readonly seen = new Map<string, ElementFacts>();

	private readonly pages: AsyncGenerator<unknown[]>;

	private exhausted = false;

	constructor(ctx: IExecuteFunctions) {
		this.pages = readAllLibraries(ctx);
	}

	async lookup(ids: string[]): Promise<Map<string, ElementFacts>> {
		while (!this.exhausted && ids.some((id) => !this.seen.has(id))) {
			const next = await this.pages.next();
			if (next.done) {
				this.exhausted = true;
				break;
			}
			for (const task of taskListSchema.safeParse(next.value).data ?? []) {
				for (const element of elementsOfTaskResult(task.task_result)) {
					// A deleted element is left to Kling to refuse, with its own message.
					if (element.status === 'deleted') continue;
					this.seen.set(element.element_id, { name: element.element_name ?? undefined, kind: elementKindOf(element) });
				}
			}
		}
		const found = new Map<string, ElementFacts>();
		for (const id of ids) {
			const facts = this.seen.get(id);
			if (facts) found.set(id, facts);
		}
		return found;
	}
}

async function* readAllLibraries(ctx: IExecuteFunctions): AsyncGenerator<unknown[]> {
	for (const path of [ELEMENT_LIBRARIES.custom, ELEMENT_LIBRARIES.preset]) {
		yield* klingPages.call(ctx, path, { pageSize: 500 });
	}
}

/** One catalog per node run: the execute context is the same object for every item of the run. */
const catalogs = new WeakMap<IExecuteFunctions, ElementCatalog>();

/** Facts about the given elements; an element missing from the result was not found in either library. */
export async function lookupElements(this: IExecuteFunctions, ids: string[]): Promise<Map<string, ElementFacts>> {
	let catalog = catalogs.get(this);
	if (!catalog) {
		catalog = new ElementCatalog(this);
		catalogs.set(this, catalog);
	}
	return await catalog.lookup(ids);
}
