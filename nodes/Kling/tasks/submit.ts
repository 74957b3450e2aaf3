import type { IDataObject, IExecuteFunctions, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { RETRY_SAFE_FOR_CREATE } from '../contract/codes';
import { hasStringElementIds } from '../contract/request';
import { taskSchema, type KlingTask, type TaskProduct } from '../contract/task';
import { klingApiRequest, type KlingContext } from '../transport';
import { serialiseCreate, type ElementIdForm } from '../transport/body';
import { appendDescription, asNodeError, isNotFound, klingErrorContext, klingNoAnswerError } from '../transport/errors';

export type SubmitOutcome =
	| { kind: 'created'; task: KlingTask }
	/**
	 * No task yet. Kling was at its concurrency limit (1303) or rate limit (1302) and the create may be sent again;
	 * or a create got no usable answer and its task was not found yet, and only the lookup is repeated.
	 */
	| { kind: 'retryLater'; reason: 'concurrency' | 'rate' | 'lookUp'; retryAfterMs?: number };

/** How often the task of a create that got no usable answer is looked for before the item fails. */
const LOOKUPS_AFTER_LOST_ANSWER = 4;
/** How far Kling's clock (a task's `created_at`) may be behind this machine's. */
const CLOCK_SKEW_MS = 10 * 60_000;

export interface Submission {
	body: IDataObject;
	externalTaskId: string;
	/** The id is the node's own, made for this run (run.ts): only an earlier try of the same run can have sent it. */
	ownExternalTaskId?: boolean;
	/** Set once a create got no usable answer (sent at `sentAt`): it is never sent again, only looked for. */
	lostAnswer?: { error: unknown; lookups: number; sentAt: number };
	/** When a relay first answered the create with its own 429: it may have passed the create on to Kling before. */
	relayLimitedAt?: number;
}

/**
 * Sends one create, never creating a task twice (§10). A create refused outright (1302/1303) is safe to send again.
 * One that got no usable answer, or a 5xx, may have made a task, so it is never sent again: what Kling does with a
 * repeated `external_task_id` is undocumented (§2), and a create still in Kling's backlog would not show up yet. Its
 * task is looked for by the external task id a few times and adopted when found; otherwise the item fails and says
 * how to find the task later. (A request that reached no server at all is sent again by the transport.) A create
 * refused as a duplicate of the node's own external task id was made by an earlier try of the same run (n8n's Retry On
 * Fail): that task is looked for the same way, and adopted.
 */
export async function submitTask(this: IExecuteFunctions, product: TaskProduct, submission: Submission): Promise<SubmitOutcome> {
	if (!submission.lostAnswer) {
		const sentAt = Date.now();
		try {
			const { data } = await sendCreate.call(this, product, submission.body);
			const task = taskSchema.safeParse(data);
			if (task.success) return { kind: 'created', task: task.data };
			// Code 0: the task exists and is paid for, but the answer does not show it, so it is looked for like a lost one.
			throw klingNoAnswerError(this.getNode(), 'Kling accepted the create, but its answer holds no task this node can read');
		} catch (error) {
			const { klingCode, noAnswer, rateLimited, retryAfterMs } = klingErrorContext(error);
			if (rateLimited || (klingCode !== undefined && RETRY_SAFE_FOR_CREATE.has(klingCode))) {
				if (rateLimited) submission.relayLimitedAt ??= sentAt;
				return { kind: 'retryLater', reason: klingCode === 1303 ? 'concurrency' : 'rate', retryAfterMs };
			}
			const refused = !noAnswer && !(klingCode !== undefined && klingCode >= 5000);
			// A duplicate of the node's own id, or of one a relay may have passed on before its 429: an earlier try made the
			// task, which is looked for as a lost one.
			const earlierTry = submission.ownExternalTaskId || submission.relayLimitedAt !== undefined;
			if (refused && !(earlierTry && isDuplicateId(this, error))) throw explained(this, error);
			submission.lostAnswer = { error, lookups: 0, sentAt: submission.relayLimitedAt ?? sentAt };
		}
	}
	submission.lostAnswer.lookups++;
	// A lookup that fails too counts as one that found nothing: the item then still says which task to look for.
	const found = await findTask.call(this, product, submission.externalTaskId).catch(() => undefined);
	if (found && !submission.ownExternalTaskId && (found.created_at ?? Infinity) < submission.lostAnswer.sentAt - CLOCK_SKEW_MS) {
		// The user's own id on a task made before this create was sent: not its task, so nothing is adopted.
		throw explained(this, submission.lostAnswer.error, `Kling already has a task ${found.task_id} with this external task ID, made before this create was sent.`);
	}
	if (found) return { kind: 'created', task: found };
	if (submission.lostAnswer.lookups < LOOKUPS_AFTER_LOST_ANSWER) return { kind: 'retryLater', reason: 'lookUp' };
	throw lostCreateError(this, product, submission);
}

/**
 * Sends a create with its element ids as bare integers, as Kling types them (§2). An endpoint that refuses them
 * (1200 or 1201, whatever the message) gets it once more with the ids as strings: a refused create made no task. A
 * used external task id is no such refusal, and when the strings are refused too, Kling's first answer says why.
 */
async function sendCreate(this: IExecuteFunctions, product: TaskProduct, body: IDataObject) {
	const send = async (ids: ElementIdForm) =>
		await klingApiRequest.call(this, { method: 'POST', path: product.path, body: await serialiseCreate(this, body, ids) });
	const isRefusal = (error: unknown) => [1200, 1201].includes(klingErrorContext(error).klingCode ?? 0);
	try {
		return await send('integer');
	} catch (error) {
		if (!isRefusal(error) || isDuplicateId(this, error) || !hasStringElementIds(JSON.stringify(body))) throw asNodeError(this.getNode(), error);
		try {
			return await send('string');
		} catch (retryError) {
			// Anything else (a lost answer, or the node's own id already used by an earlier try) is the retry's own outcome.
			throw asNodeError(this.getNode(), isRefusal(retryError) && !isDuplicateId(this, retryError) ? error : retryError);
		}
	}
}

/** A create whose answer was lost and whose task has not shown up (yet): the user is told how to look before rerunning. */
export function lostCreateError(ctx: IExecuteFunctions, product: TaskProduct, submission: Submission): NodeApiError | NodeOperationError {
	return appendDescription(
		asNodeError(ctx.getNode(), submission.lostAnswer?.error),
		`Kling may still have created the task: it does not show one with external task ID ${submission.externalTaskId} yet.`,
		lookUpBeforeRerun(product),
	);
}

/** What to do about a create that may have made a task the node has not seen, once its external task ID is named. */
export const lookUpBeforeRerun = (product: TaskProduct) =>
	`Look it up with ${product.readWith} (by that external task ID) before running the node again, so it is not paid for twice.`;

/** Kling's 1201 naming `external_task_id` most likely means the id was used before (§2, §10). */
const isDuplicateId = (ctx: IExecuteFunctions, error: unknown) =>
	klingErrorContext(error).klingCode === 1201 && /external_task_id/i.test(asNodeError(ctx.getNode(), error).message);

/** The error, said to be probably a duplicate when Kling's answer, or `known` (what the node found), suggests one. */
function explained(ctx: IExecuteFunctions, error: unknown, known?: string): NodeApiError | NodeOperationError {
	const failure = asNodeError(ctx.getNode(), error);
	if (known || isDuplicateId(ctx, error)) {
		const why = [known, 'Probably a duplicate: this external task ID was used before, and Kling requires a new one per task.'];
		failure.description = [...why, failure.description].filter(Boolean).join(' ');
	}
	return failure;
}

/** Looks a task up by task id or external task id; undefined when Kling does not know it (HTTP 400, 1201, §10). */
export async function findTask(this: KlingContext, product: TaskProduct, id: string, retries?: number): Promise<KlingTask | undefined> {
	try {
		const { data } = await klingApiRequest.call(this, { method: 'GET', path: `${product.path}/${encodeURIComponent(id)}`, retries });
		return taskSchema.parse(data);
	} catch (error) {
		if (isNotFound(error)) return undefined;
		throw asNodeError(this.getNode(), error);
	}
}
