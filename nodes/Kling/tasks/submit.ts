import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { NOT_FOUND_CODES, RETRY_SAFE_FOR_CREATE } from '../contract/codes';
import { taskSchema, type KlingTask } from '../contract/task';
import type { Clock } from '../helpers/clock';
import { sendWithImages } from '../helpers/requestBody';
import { klingApiRequest, type KlingContext } from '../transport';
import { asNodeError, klingErrorContext } from '../transport/errors';
import type { TaskProduct } from './products';

export type SubmitOutcome =
	| { kind: 'created'; task: KlingTask }
	/** Nothing was created: Kling was at its concurrency limit (1303) or rate limit (1302), or the answer was lost. */
	| { kind: 'retryLater'; reason: 'concurrency' | 'rate' | 'unanswered'; retryAfterMs?: number };

/** How often a create whose answer was lost is sent again (with the same external task id) before giving up. */
const MAX_UNANSWERED_CREATES = 3;

export interface Submission {
	body: IDataObject;
	externalTaskId: string;
	/** Creates sent so far that got no usable answer. */
	unanswered: number;
}

/**
 * Sends one create, never creating a task twice (kling-api.md §10). A create that was refused outright
 * (1302/1303) is safe to send again. A create whose answer was lost may have made a task: the task is looked up
 * by its `external_task_id` and adopted; if it is not there yet, the create goes out again with the same
 * external task id, which Kling refuses to reuse, so at most one task can ever exist for it.
 */
export async function submitTask(
	this: IExecuteFunctions,
	product: TaskProduct,
	submission: Submission,
	clock: Clock,
): Promise<SubmitOutcome> {
	try {
		const { data } = await sendWithImages(this, submission.body, async (body) =>
			await klingApiRequest.call(this, { method: 'POST', path: product.path, body, retryTransient: false, clock }),
		);
		return { kind: 'created', task: taskSchema.parse(data) };
	} catch (error) {
		const { klingCode, noAnswer, retryAfterMs } = klingErrorContext(error);
		if (klingCode !== undefined && RETRY_SAFE_FOR_CREATE.has(klingCode)) {
			return { kind: 'retryLater', reason: klingCode === 1303 ? 'concurrency' : 'rate', retryAfterMs };
		}
		const mayHaveCreated = noAnswer || (klingCode !== undefined && klingCode >= 5000);
		const refusedAsDuplicate = submission.unanswered > 0 && klingCode === 1201;
		if (!mayHaveCreated && !refusedAsDuplicate) throw asNodeError(this.getNode(), error);
		submission.unanswered++;
		const found = await findTask.call(this, product, submission.externalTaskId, clock);
		if (found) return { kind: 'created', task: found };
		if (submission.unanswered < MAX_UNANSWERED_CREATES) return { kind: 'retryLater', reason: 'unanswered' };
		const failure = asNodeError(this.getNode(), error);
		failure.description = `${failure.description ?? ''} No task with external task ID ${submission.externalTaskId} exists on Kling, so nothing was charged; run the node again.`.trim();
		throw failure;
	}
}

/** Looks a task up by task id or external task id; undefined when Kling does not know it. */
export async function findTask(
	this: KlingContext,
	product: TaskProduct,
	id: string,
	clock?: Clock,
): Promise<KlingTask | undefined> {
	try {
		const { data } = await klingApiRequest.call(this, {
			method: 'GET',
			path: `${product.path}/${encodeURIComponent(id)}`,
			clock,
		});
		return taskSchema.parse(data);
	} catch (error) {
		const { klingCode, httpStatus } = klingErrorContext(error);
		if (httpStatus === 404 || klingCode === 1201 || (klingCode !== undefined && NOT_FOUND_CODES.has(klingCode))) {
			return undefined;
		}
		throw asNodeError(this.getNode(), error);
	}
}
