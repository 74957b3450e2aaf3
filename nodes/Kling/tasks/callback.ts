import { randomBytes } from 'crypto';
import type { IExecuteFunctions, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError, WAIT_INDEFINITELY } from 'n8n-workflow';

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
 *
 * There is no time limit. At an execution's `waitTill`, n8n resumes it with the waiting node disabled (n8n-core
 * `WorkflowExecute.handleWaitingState`): the node does not run, its input items pass on as its output, and the
 * execution ends "success" with no result. A node cannot act at a limit, so it sets none: an execution whose
 * callbacks never come stays waiting, which is visible, rather than succeeding with the wrong data.
 */

const BATCH_PARAM = 'klingBatch';
const COUNT_PARAM = 'klingItems';

/**
 * A new key for each run of the node, which the callbacks carry in their URL. Random, because external task ids
 * derive from it and must be unique per account (kling-api.md §2), also when a loop runs the node again.
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
	submitted: Array<KlingTask | undefined>,
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
	await this.putExecutionToWait(WAIT_INDEFINITELY);
	// Shown on the node while the execution waits: the items' tasks, to look up with Get if Kling never calls back.
	return preWaitOutput;
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
		// keeps waiting, and the next callback (Kling retries a non-2xx answer) tries again.
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
