import { tasksOfPage, type KlingTask, type TaskProduct } from '../contract/task';
import { klingApiRequest, type KlingContext } from '../transport';
import { asNodeError, isNotFound, isTransient, klingErrorContext } from '../transport/errors';
import { throwIfCancelled } from '../transport/wait';
import { findTask } from './submit';

/**
 * Polling cadence (§12): the first check 3 s after submit, each next one half as long again, never more than 30 s
 * apart, and never two rounds of status requests less than 2 s apart.
 */
export const POLL_INTERVAL = { initialMs: 3_000, growth: 1.5, maxMs: 30_000, floorMs: 2_000 } as const;

export function pollIntervalMs(checksSoFar: number): number {
	return Math.min(POLL_INTERVAL.maxMs, POLL_INTERVAL.initialMs * POLL_INTERVAL.growth ** checksSoFar);
}

/**
 * How long this run's tasks take on Kling, learnt from the ones already finished (Kling's own `created_at` and
 * `updated_at`, so polling delays do not inflate it). A batch of similar tasks is then checked when the next one is
 * likely done instead of up to one growing interval later, which keeps items waiting for a free slot moving.
 */
export class DurationEstimate {
	private readonly samples: number[] = [];

	record(task: KlingTask) {
		if (typeof task.created_at === 'number' && typeof task.updated_at === 'number' && task.updated_at >= task.created_at) {
			this.samples.push(task.updated_at - task.created_at);
		}
	}

	/** The median duration, or undefined before any task finished. */
	get expectedMs(): number | undefined {
		if (!this.samples.length) return undefined;
		const sorted = [...this.samples].sort((a, b) => a - b);
		return sorted[Math.floor(sorted.length / 2)];
	}
}

/** What a run learnt about the list path: once a read of it failed outright, the run reads each task directly. */
export interface ListPath {
	failed?: boolean;
}

/**
 * The current state of several tasks of one product, by task id or by external task id (the query takes either).
 * One task is read directly; several with one list request (newest first), so a round costs the same however many
 * items wait, up to 250 of them (pages hold at most 500, §2, with room for other work: more take more pages). A task
 * the pages do not show (an account busy with other work) is then read directly. Tasks Kling does not know are
 * missing from the result. A failed direct read throws, or goes to `onReadError`; Kling out of reach then ends the
 * direct reads, each task left unread going to `onReadError` with that error.
 */
export async function readTasks(
	this: KlingContext,
	product: TaskProduct,
	ids: string[],
	{ by = 'taskId', retries, listPath = {}, onReadError }: ReadOptions = {},
): Promise<Map<string, KlingTask>> {
	const found = new Map<string, KlingTask>();
	if (ids.length > 1 && !listPath.failed) {
		try {
			await readPages.call(this, product, ids, { by, retries }, found);
		} catch (error) {
			// Kling out of reach (the transport tried already) is the caller's to wait out, and Kling's own refusal (a
			// code such as 1000) would refuse each task's read too. A path that seems missing (a relay that forwards
			// creates and single-task reads but answers the list with a 404 or a page of its own) leaves each task to be
			// read directly, here and in every later call given the same `listPath`.
			const { klingCode } = klingErrorContext(error);
			if (isTransient(error) || (klingCode !== undefined && !isNotFound(error))) throw asNodeError(this.getNode(), error);
			listPath.failed = true;
		}
	}
	const unread = ids.filter((id) => !found.has(id));
	for (const [n, id] of unread.entries()) {
		// A cancelled execution sends nothing more, though a read's failure may not end the loop.
		throwIfCancelled(this);
		try {
			const task = await findTask.call(this, product, id, retries);
			if (task) found.set(id, task);
		} catch (error) {
			if (!onReadError) throw asNodeError(this.getNode(), error);
			// Kling out of reach ends the round's reads (each would wait out the transport's tries again), but what the
			// pages showed is kept: a task they show finished is not held back by another one's read.
			if (!isTransient(error)) {
				onReadError(id, error);
				continue;
			}
			for (const rest of unread.slice(n)) onReadError(rest, error);
			break;
		}
	}
	return found;
}

interface ReadOptions {
	by?: 'taskId' | 'externalTaskId';
	retries?: number;
	/** Kept for a whole run, so a relay without the list path costs no failed list read each round. */
	listPath?: ListPath;
	onReadError?: (id: string, error: unknown) => void;
}

/** Adds to `found` the wanted tasks the list pages show. */
async function readPages(this: KlingContext, product: TaskProduct, ids: string[], { by, retries }: ReadOptions, found: Map<string, KlingTask>) {
	const pageSize = Math.min(500, Math.max(30, ids.length * 2));
	const wanted = new Set(ids);
	for (let pageNum = 1; pageNum <= Math.ceil((ids.length * 2) / pageSize) && found.size < ids.length; pageNum++) {
		const { data } = await klingApiRequest.call(this, { method: 'GET', path: product.path, qs: { pageNum, pageSize }, retries });
		const page = tasksOfPage(data);
		for (const task of page) {
			const key = by === 'taskId' ? task.task_id : task.task_info?.external_task_id;
			if (key && wanted.has(key)) found.set(key, task);
		}
		if (page.length < pageSize) break;
	}
}
