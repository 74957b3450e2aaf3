import type { IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { normaliseCallback, type NormalisedCallback } from '../Kling/contract/callback';
import type { KlingTask } from '../Kling/contract/task';
import { createClock, type Clock } from '../Kling/helpers/clock';
import { PRODUCTS, type ProductKey } from '../Kling/tasks/products';
import { findTask } from '../Kling/tasks/submit';
import { klingApiRequest } from '../Kling/transport';

/**
 * Where a legacy task is looked for when it is re-read. A legacy callback does not say which product made the
 * task and Kling has no "get any task" endpoint (kling-api.md §12), so the products are tried in turn: elements and
 * voices first (their callbacks carry no documented result, §9.1), then the video products, then AI multi-shot.
 */
export const REREAD_ORDER: ProductKey[] = ['element', 'voice', 'omniVideo', 'imageToVideo', 'motionControl', 'multiShot'];

/**
 * Kling waits for the answer to its callback (for how long is undocumented, §9.3), and n8n answers only once
 * `webhook()` returns, so a re-read gets a time budget instead of the transport's minutes of retries.
 */
const REREAD_BUDGET_MS = 20_000;

/** A clock whose waits and request timeouts all fit in `budgetMs` from now. */
function budgetClock(context: IWebhookFunctions, budgetMs: number): Clock {
	const base = createClock(context);
	const deadline = Date.now() + budgetMs;
	const remaining = () => Math.max(0, deadline - Date.now());
	return {
		...base,
		scaled: (ms) => Math.max(1, Math.min(base.scaled(ms), remaining())),
		async sleep(ms) {
			if (base.scaled(ms) >= remaining()) {
				throw new NodeOperationError(context.getNode(), `Kling did not answer within ${budgetMs / 1000} seconds while the task was re-read`);
			}
			await base.sleep(ms);
		},
	};
}

/** A task as Kling answered it, in the callback's shape, and the product it was found under (legacy tasks). */
export interface ReadTask {
	task: NormalisedCallback;
	product?: ProductKey;
}

/**
 * Reads the task behind a callback through the credential. Legacy tasks are looked for product by product
 * (REREAD_ORDER); new-standard tasks through the batch query `GET /tasks?task_ids=` (kling-api.md §8).
 * Undefined when Kling has no such task for this credential.
 */
export async function reReadTask(this: IWebhookFunctions, callback: NormalisedCallback): Promise<ReadTask | undefined> {
	if (!this.getNode().credentials?.klingApi) {
		throw new NodeOperationError(this.getNode(), 'Re-Read Task From Kling needs a Kling credential', {
			description: 'Select the Kling credential that created the tasks, or turn the option off.',
		});
	}
	const clock = budgetClock(this, REREAD_BUDGET_MS);
	if (callback.shape === 'new') {
		const { data } = await klingApiRequest.call(this, { method: 'GET', path: '/tasks', qs: { task_ids: callback.taskId }, clock });
		const task = (Array.isArray(data) ? data : [])
			.map((entry) => normaliseCallback(entry))
			.find((entry) => entry?.taskId === callback.taskId);
		return task && { task };
	}
	for (const product of REREAD_ORDER) {
		const found: KlingTask | undefined = await findTask.call(this, PRODUCTS[product], callback.taskId, clock);
		const task = found && normaliseCallback(found);
		if (task) return { task, product };
	}
	return undefined;
}

/** The error for a task the credential cannot read, when the user asked for the re-read. */
export function noSuchTaskError(this: IWebhookFunctions, taskId: string): NodeOperationError {
	return new NodeOperationError(this.getNode(), `Kling has no task with ID "${taskId}" for this credential`, {
		description:
			'The callback names a task the credential cannot read. Check that the credential belongs to the Kling account and region that created the task, or turn Re-Read Task From Kling off.',
	});
}
