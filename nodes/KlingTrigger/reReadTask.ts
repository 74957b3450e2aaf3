import type { IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { PRODUCTS, type ProductKey } from '../Kling/contract/task';
import { findTask } from '../Kling/tasks/submit';
import { klingApiRequest } from '../Kling/transport';
import { klingErrorContext } from '../Kling/transport/errors';
import { normaliseCallback, type NormalisedCallback } from '../Kling/contract/callback';

/**
 * Where a legacy task is looked for when it is re-read. A legacy callback does not say which product made the task
 * and Kling has no "get any task" endpoint (§12), so every product is tried in turn, in the order of PRODUCTS:
 * elements and voices first, as their callbacks carry no documented result (§9.1).
 */
const REREAD_ORDER = Object.keys(PRODUCTS) as ProductKey[];

/** Why the task is read: the user asked (Re-Read Task From Kling), the success carried no result, or the body is unsigned. */
export type ReadReason = 'asked' | 'noResult' | 'unsigned';

/** What ends a failed read's advice: turning the option off helps only when the option made the read. */
const READ_ADVICE: Record<ReadReason, string> = {
	asked: ', or turn Re-Read Task From Kling off.',
	noResult: '. The trigger read the task because its success callback carried no result (Kling documents none for elements and voices).',
	unsigned: '. The trigger read the task because the callback was unsigned and the credential has a Webhook Secret.',
};

/** A task as Kling answered it, in the callback's shape, and the product it was found under (legacy tasks). */
export interface ReadTask {
	task: NormalisedCallback;
	product?: ProductKey;
}

/**
 * Reads the task behind a callback through the credential: legacy tasks product by product (REREAD_ORDER),
 * new-standard ones through the batch query `GET /tasks?task_ids=` (§8). Undefined when Kling has no such task for
 * this credential. Each read is tried once: Kling waits for the answer to its callback, and delivers it again after
 * an error answer.
 */
export async function reReadTask(this: IWebhookFunctions, callback: NormalisedCallback, reason: ReadReason): Promise<ReadTask | undefined> {
	if (!this.getNode().credentials?.klingApi) {
		throw new NodeOperationError(this.getNode(), 'Re-Read Task From Kling needs a Kling credential', {
			description: 'Select the Kling credential that created the tasks, or turn the option off.',
		});
	}
	if (callback.shape === 'new') {
		// The new standard takes the API key only (docs/kling-api.md §1.2): a signed token would only be refused.
		if ((await this.getCredentials('klingApi')).authType === 'keyPair') {
			throw new NodeOperationError(this.getNode(), `Task ${callback.taskId} is a new-standard Kling task, which only an API key credential can read`, {
				description: `Kling's new-standard API takes the API key only. Use an API key credential on this trigger${READ_ADVICE[reason]}`,
			});
		}
		const { data } = await klingApiRequest.call(this, { method: 'GET', path: '/tasks', qs: { task_ids: callback.taskId }, retries: 0 });
		const task = (Array.isArray(data) ? data : []).map((entry) => normaliseCallback(entry)).find((entry) => entry?.taskId === callback.taskId);
		return task && { task };
	}
	for (const product of REREAD_ORDER) {
		// An API the account may not use (1103) cannot have made the task: the next product is tried.
		const found = await findTask.call(this, PRODUCTS[product], callback.taskId, 0).catch((error: unknown) => {
			if (klingErrorContext(error).klingCode === 1103) return undefined;
			throw error;
		});
		// Kling's query takes an external task ID in the path too: only the task the callback names is its task.
		const task = found && normaliseCallback(found);
		if (task?.taskId === callback.taskId) return { task, product };
	}
	return undefined;
}

/** The error for a task the credential cannot read, for a callback that is trusted (an unsigned one is only logged). */
export function noSuchTaskError(this: IWebhookFunctions, taskId: string, reason: ReadReason): NodeOperationError {
	return new NodeOperationError(this.getNode(), `Kling has no task with ID "${taskId}" for this credential`, {
		description: `The callback names a task the credential cannot read. Check that the credential belongs to the Kling account and region that created the task${READ_ADVICE[reason]}`,
	});
}
