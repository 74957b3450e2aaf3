import type { IDataObject, IExecuteFunctions, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { RETRY_SAFE_FOR_CREATE } from '../contract/codes';
import { hasStringElementIds } from '../contract/request';
import { taskSchema, type KlingTask } from '../contract/task';
import type { Clock } from '../helpers/clock';
import { sendWithImages } from '../helpers/requestBody';
import { klingApiRequest, type KlingContext } from '../transport';
import { asNodeError, isNotFound, klingErrorContext } from '../transport/errors';
import type { TaskProduct } from './products';

export type SubmitOutcome =
	| { kind: 'created'; task: KlingTask }
	/**
	 * No task yet. Kling was at its concurrency limit (1303) or rate limit (1302), and the create may be sent again;
	 * or a create got no usable answer and its task was not found yet, and only the lookup is repeated.
	 */
	| { kind: 'retryLater'; reason: 'concurrency' | 'rate' | 'lookUp'; retryAfterMs?: number };

/** How often the task of a create that got no usable answer is looked for before the item fails. */
const LOOKUPS_AFTER_LOST_ANSWER = 4;

export interface Submission {
	body: IDataObject;
	externalTaskId: string;
	/** Set once a create got no usable answer: it is never sent again, only looked for. */
	lostAnswer?: { error: unknown; lookups: number };
}

/**
 * Sends one create, never creating a task twice (kling-api.md §10). A create refused outright (1302/1303) is safe
 * to send again. A create that got no usable answer, or a 5xx, may have made a task, so it is never sent again:
 * what Kling does with a repeated `external_task_id` is undocumented (§2), and a create still in Kling's backlog
 * would not show up yet, so a second create could be a second paid task. Its task is looked for by the external
 * task id a few times, with pauses, and adopted when found; otherwise the item fails and says how to find the task
 * later. (A request that never reached a server at all is sent again by the transport, like a read.)
 */
export async function submitTask(
	this: IExecuteFunctions,
	product: TaskProduct,
	submission: Submission,
	clock: Clock,
): Promise<SubmitOutcome> {
	if (submission.lostAnswer) return await lookForLostTask.call(this, product, submission, submission.lostAnswer, clock);
	try {
		const { data } = await sendCreate.call(this, product, submission.body, clock);
		return { kind: 'created', task: taskSchema.parse(data) };
	} catch (error) {
		const { klingCode, noAnswer, retryAfterMs } = klingErrorContext(error);
		if (klingCode !== undefined && RETRY_SAFE_FOR_CREATE.has(klingCode)) {
			return { kind: 'retryLater', reason: klingCode === 1303 ? 'concurrency' : 'rate', retryAfterMs };
		}
		const mayHaveCreated = noAnswer || (klingCode !== undefined && klingCode >= 5000);
		if (!mayHaveCreated) throw explained(this, error);
		submission.lostAnswer = { error, lookups: 0 };
		return await lookForLostTask.call(this, product, submission, submission.lostAnswer, clock);
	}
}

/**
 * Sends a create. Element ids go as bare integers, as Kling types and writes them (kling-api.md §2). An endpoint
 * that refuses them (1200 or 1201, whatever the message says) gets the create once more with the ids as strings:
 * a refused create made no task, so sending again cannot make a second one.
 */
async function sendCreate(this: IExecuteFunctions, product: TaskProduct, body: IDataObject, clock: Clock) {
	const send = async (bareElementIds: boolean) =>
		await sendWithImages(
			this,
			body,
			async (prepared) => await klingApiRequest.call(this, { method: 'POST', path: product.path, body: prepared, retryTransient: false, clock }),
			{ bareElementIds },
		);
	try {
		return await send(true);
	} catch (error) {
		const { klingCode } = klingErrorContext(error);
		const refused = (klingCode === 1200 || klingCode === 1201) && hasStringElementIds(JSON.stringify(body));
		if (!refused) throw asNodeError(this.getNode(), error);
		return await send(false);
	}
}

async function lookForLostTask(
	this: IExecuteFunctions,
	product: TaskProduct,
	submission: Submission,
	lostAnswer: NonNullable<Submission['lostAnswer']>,
	clock: Clock,
): Promise<SubmitOutcome> {
	lostAnswer.lookups++;
	const found = await findTask.call(this, product, submission.externalTaskId, clock);
	if (found) return { kind: 'created', task: found };
	if (lostAnswer.lookups < LOOKUPS_AFTER_LOST_ANSWER) return { kind: 'retryLater', reason: 'lookUp' };
	throw lostCreateError(this, submission);
}

/**
 * The error for a create whose answer was lost and whose task has not shown up. It may still: the user is told
 * how to look before running the node again.
 */
export function lostCreateError(ctx: IExecuteFunctions, submission: Submission): NodeApiError | NodeOperationError {
	const failure = asNodeError(ctx.getNode(), submission.lostAnswer?.error);
	failure.description = [
		failure.description,
		`Kling may still have created the task: it does not show one with external task ID ${submission.externalTaskId} yet.`,
		'Look it up with Get (by that external task ID) before running the node again, so it is not paid for twice.',
	]
		.filter(Boolean)
		.join(' ');
	return failure;
}

/** Kling's 1201 naming `external_task_id` most likely means the id was used before (kling-api.md §2). */
function explained(ctx: IExecuteFunctions, error: unknown): NodeApiError | NodeOperationError {
	const failure = asNodeError(ctx.getNode(), error);
	if (klingErrorContext(error).klingCode === 1201 && /external_task_id/i.test(failure.message)) {
		failure.description = `Probably a duplicate: this external task ID was used before, and Kling requires a new one per task. ${failure.description ?? ''}`.trim();
	}
	return failure;
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
		if (isNotFound(error)) return undefined;
		throw asNodeError(this.getNode(), error);
	}
}
