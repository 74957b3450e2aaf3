import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isSucceeded, type KlingTask, type TaskProduct } from '../contract/task';
import { appendDescription, asNodeError } from '../transport/errors';
import { itemError, presentFinal, taskFailedError, taskSummary } from './output';
import { newCallbackBatch, pauseForCallbacks } from './pause';
import { firstTaskIdOf } from './pauseOutput';
import { runDigest } from './runKey';
import { Scheduler, type Job, type Outcome } from './scheduler';
import type { CompletionSettings, TaskOperation } from './taskOperation';

/**
 * Runs a task-creating operation over all input items: every item is checked first (a bad item costs no credits and
 * blocks nothing already paid for), then the tasks are submitted and, as Completion says, returned at once, waited
 * for here, or waited for in a paused execution.
 */
export async function runTaskOperation(this: IExecuteFunctions, operation: TaskOperation, settings: CompletionSettings): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const outputs: INodeExecutionData[] = [];
	const batch = settings.mode === 'callback' ? newCallbackBatch(this, items.length) : undefined;
	const requests = new Map<number, IDataObject>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const request = await operation.buildRequest.call(this, itemIndex);
			// Checked here with the rest of the item, before anything is paid for: pause mode's ids, or the user's, unique.
			requests.set(itemIndex, batch ? batch.apply(request, itemIndex) : uniqueExternalId(this, request, itemIndex, requests));
		} catch (error) {
			outputs[itemIndex] = itemError.call(this, error, itemIndex);
		}
	}
	const jobs: Job[] = [];
	for (const [itemIndex, request] of requests) {
		try {
			const firstId = batch && firstTaskIdOf(String(request.external_task_id));
			const { request: body, firstTask } = operation.prepare ? await operation.prepare.call(this, request, itemIndex, firstId) : { request, firstTask: undefined };
			const job = newJob(this, operation.product, itemIndex, body, { slots: operation.slots?.(body), ownId: batch !== undefined });
			jobs.push({ ...job, firstTask });
		} catch (error) {
			// Without Continue On Fail this stops the node, after what was prepared for the items before it was paid for.
			outputs[itemIndex] = itemError.call(this, this.continueOnFail() ? error : withOtherTasks(asNodeError(this.getNode(), error), undefined, jobs, operation.product), itemIndex);
		}
	}
	let settling: Job | undefined;
	const scheduler = new Scheduler(this, operation.product, settings, async (job, outcome) => {
		settling = job;
		outputs[job.itemIndex] = await outputOf.call(this, operation, settings, job, outcome);
		settling = undefined;
	});
	// The node stops (an item's error without Continue On Fail, or the execution was cancelled): n8n keeps none of its
	// output, so the error names every task paid for, the stopping item's own apart.
	await scheduler.run(jobs).catch((error: unknown) => {
		throw withOtherTasks(asNodeError(this.getNode(), error), settling, jobs, operation.product);
	});
	if (!batch) return outputs;
	const submitted = items.map((_, itemIndex) => jobs.find((job) => job.itemIndex === itemIndex)?.task);
	return await pauseForCallbacks.call(this, operation, submitted, outputs);
}

/** The request, unless the user's external task ID is another item's too: Kling takes each one once (§2). */
function uniqueExternalId(ctx: IExecuteFunctions, request: IDataObject, itemIndex: number, earlier: Map<number, IDataObject>): IDataObject {
	const id = request.external_task_id;
	const other = id ? [...earlier].find(([, otherRequest]) => otherRequest.external_task_id === id) : undefined;
	if (!other) return request;
	throw new NodeOperationError(ctx.getNode(), `Options → External Task ID "${String(id)}" is item ${other[0]}'s too: Kling takes each external task ID once`, {
		itemIndex,
		description: 'Make it differ per item, for example {{ $json.sku }}-hero, or leave it empty for the node to make one.',
	});
}

/** Adds the tasks this run created for items other than `failed`'s, with their last known status: paid for, none may be lost. */
function withOtherTasks<E extends Error & { description?: string | null }>(error: E, failed: Job | undefined, jobs: Job[], product: TaskProduct): E {
	const others = jobs
		.filter((job) => job !== failed)
		.flatMap((job) => [job.firstTask && `${job.firstTask.taskId} (${job.firstTask.what})`, job.task ? `${job.task.task_id} (${job.task.task_status})` : perhapsMade(job)])
		.filter(Boolean);
	if (!others.length) return error;
	const readWith = [...new Set([product.readWith, ...jobs.flatMap((job) => (job !== failed && job.firstTask ? [job.firstTask.readWith] : []))])];
	const note = `Tasks already created for other items: ${others.join(', ')}. The node stopped, so n8n outputs none of them: fetch them with ${readWith.join(' or ')} rather than running those items again.`;
	return appendDescription(error, note);
}

/** A job without a task whose create may still have made one: its answer was lost, or a relay answered 429 after passing it on. */
function perhapsMade({ lostAnswer, relayLimitedAt, externalTaskId }: Job): string | undefined {
	if (lostAnswer) return `external task ID ${externalTaskId} (answer lost, perhaps made)`;
	if (relayLimitedAt !== undefined) return `external task ID ${externalTaskId} (the relay answered 429, perhaps passed on)`;
	return undefined;
}

async function outputOf(this: IExecuteFunctions, operation: TaskOperation, settings: CompletionSettings, job: Job, outcome: Outcome): Promise<INodeExecutionData> {
	const extra = { taskId: job.task?.task_id, externalTaskId: job.externalTaskId };
	const first = job.firstTask && `This item's ${job.firstTask.what} task ${job.firstTask.taskId} was paid for first.`;
	const note = [outcome.note, first].filter(Boolean).join(' ') || undefined;
	if ('error' in outcome) return itemError.call(this, outcome.error, job.itemIndex, extra, note);
	if (settings.mode !== 'poll') {
		// The task as Kling accepted it, and the task paid for first (e.g. `viewsTaskId`), which nothing else names later.
		const paidFirst = job.firstTask && { [`${job.firstTask.what}TaskId`]: job.firstTask.taskId };
		return { json: { ...taskSummary(outcome.task), ...paidFirst }, pairedItem: { item: job.itemIndex } };
	}
	try {
		return { ...(await presentFinal.call(this, operation, outcome.task, job.itemIndex)), pairedItem: { item: job.itemIndex } };
	} catch (error) {
		return itemError.call(this, error, job.itemIndex, extra, note);
	}
}

/**
 * Runs one task to its end while an item's request is built (the AI multi-shot views an element is made from), with
 * the same submit and poll rules as every create; `externalTaskId` is the node's own for it (pause mode's). Throws when
 * the task cannot be had.
 */
export async function runOneTask(this: IExecuteFunctions, product: TaskProduct, body: IDataObject, itemIndex: number, timeoutMs: number, externalTaskId?: string): Promise<KlingTask> {
	let result: Outcome | undefined;
	const job = newJob(this, product, itemIndex, { ...body, external_task_id: externalTaskId }, { ownId: externalTaskId !== undefined });
	await new Scheduler(this, product, { mode: 'poll', timeoutMs, maxConcurrent: 1 }, async (_job, outcome) => {
		result = outcome;
	}).run([job]);
	if (!result || 'error' in result) {
		// The note names the task when it may still be running, and the error does not already.
		throw appendDescription(asNodeError(this.getNode(), result?.error), result?.note);
	}
	if (!isSucceeded(result.task.task_status)) throw taskFailedError(this.getNode(), product, result.task, itemIndex);
	return result.task;
}

/**
 * An item's job. Every create carries an external task id, unique per account (§2): it finds a task whose answer was
 * lost. Unless the user gave one, the id is the node's own for this run (`ownId`: pause mode's, set from its batch key),
 * so a second try of the run (n8n's Retry On Fail) sends the same id and takes over the task the first try made.
 */
function newJob(ctx: IExecuteFunctions, product: TaskProduct, itemIndex: number, body: IDataObject, { slots = 1, ownId = false } = {}): Job {
	const given = String(body.external_task_id ?? '');
	const externalTaskId = given || `n8n-${ctx.getExecutionId() ?? 'tool'}-${itemIndex}-${runDigest(ctx, `${itemIndex}:${product.path}`, 12)}`;
	return { itemIndex, body: { ...body, external_task_id: externalTaskId }, externalTaskId, ownExternalTaskId: ownId || !given, slots, checks: 0, retries: 0, notBefore: 0 };
}
