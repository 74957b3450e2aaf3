import { randomBytes } from 'crypto';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isFinal, isSucceeded, type KlingTask } from '../contract/task';
import type { Clock } from '../helpers/clock';
import { readTasks } from './poll';
import type { TaskOperation } from './run';
import { taskSummary } from './taskOutput';

/**
 * Pause Until Kling Calls Back.
 *
 * n8n resumes a waiting execution only once, and the callback that resumes it carries one task. So every item's
 * task gets the same resume URL, tagged with a batch key and the item count, and external task ids derived
 * from the batch key. Each callback re-reads all of the batch's tasks: while any is unfinished the call is
 * acknowledged and the execution keeps waiting; the call that finds all finished resumes it with every item.
 * If no callback comes by the wait limit, n8n runs the node again, which then reads the tasks one last time
 * instead of creating them again.
 */

const BATCH_PARAM = 'klingBatch';
const COUNT_PARAM = 'klingItems';

/**
 * A new key for each run of the node: the callbacks carry it in their URL, and the wait-limit run finds it in the
 * node's context. Random, because external task ids derive from it and must be unique per account (kling-api.md
 * §2), also when the node runs again in the same execution, in a loop.
 */
export function newCallbackBatchKey(): string {
	return randomBytes(8).toString('hex');
}

export const batchExternalTaskId = (batch: string, itemIndex: number) => `n8n-${batch}-${itemIndex}`;

export function batchCallbackUrl(resumeUrl: string, batch: string, itemCount: number): string {
	const url = new URL(resumeUrl);
	url.searchParams.set(BATCH_PARAM, batch);
	url.searchParams.set(COUNT_PARAM, String(itemCount));
	return url.toString();
}

/** What a finished batch outputs: the operation's result, or an error item for a failed or missing task. */
async function presentBatch(
	ctx: IExecuteFunctions,
	operation: TaskOperation,
	tasks: Array<KlingTask | undefined>,
): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	for (const [itemIndex, task] of tasks.entries()) {
		const pairedItem = { item: itemIndex };
		if (!task) {
			out.push({ json: { error: 'No Kling task was created for this item: its input was refused before the pause' }, pairedItem });
		} else if (isSucceeded(task.task_status)) {
			out.push({ ...(await operation.present.call(ctx, task, itemIndex)), pairedItem });
		} else {
			const reason = task.task_status === 'failed' ? task.task_status_msg || 'the task failed' : `the task is still ${task.task_status}`;
			out.push({ json: { error: `Kling could not create the ${operation.product.noun}: ${reason}`, ...taskSummary(task) }, pairedItem });
		}
	}
	return out;
}

/** The batch's tasks, by their external task ids: one list request per callback, however many items. */
async function readBatch(ctx: IExecuteFunctions | IWebhookFunctions, operation: TaskOperation, batch: string, count: number) {
	const ids = Array.from({ length: count }, (_, itemIndex) => batchExternalTaskId(batch, itemIndex));
	const tasks = await readTasks.call(ctx, operation.product, ids, undefined, 'externalTaskId');
	return ids.map((id) => tasks.get(id));
}

/** After the tasks are submitted: finish at once if Kling was quick, otherwise put the execution to wait. */
export async function pauseForCallbacks(
	this: IExecuteFunctions,
	operation: TaskOperation,
	batch: string,
	submitted: Array<KlingTask | undefined>,
	waitLimitMs: number,
	preWaitOutput: INodeExecutionData[],
	clock: Clock,
): Promise<INodeExecutionData[]> {
	// One look before pausing: a quick task (or one adopted after a lost answer) may be done already.
	const ids = submitted.flatMap((task) => (task ? [task.task_id] : []));
	const current = ids.length ? await readTasks.call(this, operation.product, ids, clock) : new Map<string, KlingTask>();
	const latest = submitted.map((task) => (task ? (current.get(task.task_id) ?? task) : undefined));
	if (latest.every((task) => !task || isFinal(task.task_status))) {
		return await presentBatch(this, operation, latest);
	}
	const pending: PendingBatch = { batch, count: submitted.length, runIndex: this.getWorkflowDataProxy(0).$thisRunIndex };
	(this.getContext('node') as IDataObject).klingCallbackBatch = pending as unknown as IDataObject;
	await this.putExecutionToWait(new Date(Date.now() + waitLimitMs));
	return preWaitOutput;
}

/** The batch a paused run waits for, kept in the node's context for the run after the wait limit. */
interface PendingBatch {
	batch: string;
	count: number;
	/** The run that paused. n8n's run after the wait limit has the same index; a later run in a loop does not. */
	runIndex: number;
}

/** n8n ran the node again: the wait limit passed without a resuming callback. Read the tasks one last time. */
export async function resumeAfterWaitLimit(this: IExecuteFunctions, operation: TaskOperation): Promise<INodeExecutionData[] | undefined> {
	const context = this.getContext('node') as IDataObject;
	const pending = context.klingCallbackBatch as PendingBatch | undefined;
	delete context.klingCallbackBatch;
	// A callback resumed that batch, and this is a new run of the node (a loop): it makes tasks of its own.
	if (!pending || pending.runIndex !== this.getWorkflowDataProxy(0).$thisRunIndex) return undefined;
	return await presentBatch(this, operation, await readBatch(this, operation, pending.batch, pending.count));
}

/** The node's `webhook()` in pause mode: a Kling callback on the resume URL. */
export async function handleCallback(this: IWebhookFunctions, operationOf: (ctx: IWebhookFunctions) => TaskOperation): Promise<IWebhookResponseData> {
	const query = this.getQueryData() as Record<string, string | undefined>;
	const batch = query[BATCH_PARAM];
	const count = Number(query[COUNT_PARAM]);
	if (!batch || !/^[0-9a-f]{16}$/.test(batch) || !Number.isInteger(count) || count < 1 || count > 10_000) {
		throw new NodeOperationError(this.getNode(), 'This resume URL is missing its Kling batch parameters');
	}
	const operation = operationOf(this);
	let tasks: Array<KlingTask | undefined>;
	try {
		tasks = await readBatch(this, operation, batch, count);
	} catch (error) {
		// An error here would end the waiting execution as failed. Kling could not be read just now: the execution
		// keeps waiting, and the next callback (Kling retries a non-2xx answer) or the read at the wait limit tries again.
		const reason = error instanceof Error ? error.message : String(error);
		this.getResponseObject().status(503).json({ received: true, waiting: true, reason: `Could not read the tasks from Kling: ${reason}` });
		return { noWebhookResponse: true };
	}
	// Re-reading every task (never trusting the body) also makes repeated, out-of-order and unsigned callbacks harmless.
	if (!tasks.every((task) => !task || isFinal(task.task_status))) {
		return { webhookResponse: { received: true, waiting: true } };
	}
	return { workflowData: [await presentBatch(asExecuteContext(this), operation, tasks)] };
}

/**
 * Presenting a result (and downloading a video) needs only helpers, the node and its parameters, which a
 * webhook context has too; item-specific parameter values are read as for the first item. A webhook call cannot
 * be cancelled, so it has no cancel signal.
 */
function asExecuteContext(ctx: IWebhookFunctions): IExecuteFunctions {
	return new Proxy(ctx, {
		get(target, property, receiver) {
			if (property === 'getNodeParameter') {
				return (name: string, _itemIndex: number, fallback?: unknown) => target.getNodeParameter(name, fallback);
			}
			if (property === 'getExecutionCancelSignal') return () => undefined;
			return Reflect.get(target, property, receiver);
		},
	}) as unknown as IExecuteFunctions;
}
