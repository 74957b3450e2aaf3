import { accountCosts } from './account.cts';
import type { Json } from './json.cts';
import { elements, lookupVoice, PRODUCTS, validateCommon, voices } from './products.cts';
import { createdJson, newStandardTaskJson, presetElements, presetElementTaskJson, presetVoices, presetVoiceTaskJson, taskJson } from './records.cts';
import type { ProductDef, SimState } from './state.cts';
import { ApiError, Body, paramError, reqId } from './validation.cts';

export interface RouteContext {
	params: Record<string, string>;
	query: Record<string, string>;
	body: Body;
	sim: SimState;
}

export interface Route {
	method: 'GET' | 'POST';
	/** Segments starting with ':' match one path segment. */
	pattern: string;
	/** Returns envelope `data`; errors are thrown as ApiError. */
	handle(ctx: RouteContext): Json;
	/** New-standard endpoints take the API key only (§1.2): a signed token is refused. */
	apiKeyOnly?: true;
}

function intParam(value: string | undefined, name: string, max: number, fallback: number): number {
	if (value === undefined || value === '') return fallback;
	const n = /^\d+$/.test(value) ? Number(value) : NaN;
	if (!(n >= 1 && n <= max)) throw paramError(`${name} must be an integer in [1, ${max}]`);
	return n;
}

function page<T>(items: T[], query: Record<string, string>, maxPageSize: number): T[] {
	const pageNum = intParam(query.pageNum, 'pageNum', 1000, 1);
	const pageSize = intParam(query.pageSize, 'pageSize', maxPageSize, 30);
	return items.slice((pageNum - 1) * pageSize, pageNum * pageSize);
}

/** Create, query (task_id or external_task_id) and list, for one asynchronous product. */
function productRoutes(product: ProductDef): Route[] {
	return [
		{
			method: 'POST',
			pattern: product.path,
			handle: ({ body, sim }) => {
				validateCommon(body);
				product.validate(body, sim);
				return createdJson(sim.create(product, body));
			},
		},
		{
			method: 'GET',
			pattern: `${product.path}/:id`,
			handle: ({ params, sim }) => {
				const task = sim.findTask(product, params.id);
				// As observed live (kling-api.md §10): HTTP 400, code 1201, for a task id and an external id alike.
				if (!task) throw new ApiError(400, 1201, `Task not found by id/external id: ${params.id}`);
				return taskJson(task, sim);
			},
		},
		{
			method: 'GET',
			pattern: product.path,
			handle: ({ query, sim }) => {
				const newestFirst = sim.tasks
					.filter((t) => t.product === product && !product.hiddenFromList?.(t, sim))
					.sort((a, b) => b.seq - a.seq);
				return page(newestFirst, query, product.maxPageSize).map((t) => taskJson(t, sim));
			},
		},
	];
}

/**
 * Deleting an element is synchronous here. The element record stays, with status "deleted", so its creation task
 * still lists it that way (the doc leaves UNCERTAIN whether lists keep deleted elements; this picks "they do").
 */
function deleteElement({ body, sim }: RouteContext): Json {
	const id = reqId(body.element_id, 'element_id');
	if (presetElements(sim).some((p) => p.id.toString() === id)) {
		throw paramError(`element_id ${id} is an official preset element and cannot be deleted`);
	}
	const element = sim.elements.get(id);
	if (!element || element.status === 'deleted') throw paramError(`element_id ${id} does not exist`);
	element.status = 'deleted';
	return { task_id: sim.nextTaskId(), task_status: 'succeed' };
}

function deleteVoice({ body, sim }: RouteContext): Json {
	const raw = body.voice_id;
	const id = typeof raw === 'number' ? String(raw) : raw;
	if (typeof id !== 'string' || id === '') throw paramError('voice_id is required');
	if (presetVoices(sim).some((v) => v.id === id)) {
		throw paramError(`voice_id ${id} is an official preset voice and cannot be deleted`);
	}
	const voice = sim.voices.get(id);
	if (!voice || !lookupVoice(sim, id)) throw paramError(`voice_id ${id} does not exist`);
	voice.deleted = true;
	return { task_id: sim.nextTaskId(), task_status: 'succeed' };
}

/** Observed live (§8): the batch query refuses more than 20 ids. */
const BATCH_QUERY_MAX_IDS = 20;

/**
 * The new-standard batch query (§8): `task_ids` or `external_task_ids` (never both), comma-separated. Tasks it does
 * not know are left out of `data`.
 */
function batchQuery({ query, sim }: RouteContext): Json {
	const { task_ids: byId, external_task_ids: byExternalId } = query;
	if ((byId === undefined) === (byExternalId === undefined)) throw paramError('give either task_ids or external_task_ids');
	const ids = (byId ?? byExternalId).split(',').filter((id) => id !== '');
	if (ids.length === 0 || ids.length > BATCH_QUERY_MAX_IDS) throw paramError(`between 1 and ${BATCH_QUERY_MAX_IDS} ids are allowed`);
	const wanted = new Set(ids);
	return sim.tasks.filter((task) => wanted.has(byId !== undefined ? task.taskId : task.externalTaskId)).map((task) => newStandardTaskJson(task, sim));
}

export function buildRoutes(): Route[] {
	return [
		...PRODUCTS.flatMap(productRoutes),
		{
			method: 'GET',
			pattern: '/v1/general/advanced-presets-elements',
			handle: ({ query, sim }) =>
				page(presetElements(sim).map((record, index) => presetElementTaskJson(record, index, sim)), query, elements.maxPageSize),
		},
		{ method: 'POST', pattern: '/v1/general/delete-advanced-elements', handle: deleteElement },
		// The older path most relays use; the simulator gives it the same semantics (§3.5).
		{ method: 'POST', pattern: '/v1/general/delete-elements', handle: deleteElement },
		{
			method: 'GET',
			pattern: '/v1/general/presets-voices',
			handle: ({ query, sim }) => page(presetVoices(sim).map(presetVoiceTaskJson), query, voices.maxPageSize),
		},
		{ method: 'POST', pattern: '/v1/general/delete-voices', handle: deleteVoice },
		{ method: 'GET', pattern: '/account/costs', handle: accountCosts },
		{ method: 'GET', pattern: '/tasks', handle: batchQuery, apiKeyOnly: true },
	];
}

export type RouteMatch = { route: Route; params: Record<string, string> } | 'wrong-method' | undefined;

export function matchRoute(routes: Route[], method: string, path: string): RouteMatch {
	const segments = path.split('/');
	let pathMatched = false;
	for (const route of routes) {
		const pattern = route.pattern.split('/');
		if (pattern.length !== segments.length) continue;
		const params: Record<string, string> = {};
		const ok = pattern.every((part, i) => {
			if (!part.startsWith(':')) return part === segments[i];
			if (segments[i] === '') return false;
			try {
				params[part.slice(1)] = decodeURIComponent(segments[i]);
				return true;
			} catch {
				return false;
			}
		});
		if (!ok) continue;
		if (route.method === method) return { route, params };
		pathMatched = true;
	}
	return pathMatched ? 'wrong-method' : undefined;
}
