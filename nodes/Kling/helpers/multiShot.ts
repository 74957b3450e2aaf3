import { randomBytes } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { viewSetsOfTaskResult, viewUrls } from '../contract/multiShot';
import { isFinal, isSucceeded, type KlingTask } from '../contract/task';
import { readCompletionSettings } from '../tasks/completion';
import { pollIntervalMs } from '../tasks/poll';
import { PRODUCTS } from '../tasks/products';
import { findTask, lostCreateError, submitTask, type Submission } from '../tasks/submit';
import { backoffMs, createClock } from './clock';
import type { ImageValue } from './imageInput';

/**
 * Runs one AI multi-shot task to the end and returns the first candidate set of views (kling-api.md §3.8).
 * Element Create uses it while it builds its request, before the element task exists, so it cannot go through
 * the batch engine (tasks/run.ts); it uses the same submit and poll helpers, one task at a time, bounded by
 * the node's Timeout (Minutes).
 */
export async function generateAdditionalViews(this: IExecuteFunctions, frontalImage: ImageValue, itemIndex: number): Promise<string[]> {
	const clock = createClock(this, Number(this.getNodeParameter('timeScale', 0, 1)) || 1);
	const { timeoutMs } = readCompletionSettings.call(this);
	const externalTaskId = `n8n-${this.getExecutionId() ?? 'run'}-${itemIndex}-views-${randomBytes(6).toString('hex')}`;
	const submission: Submission = {
		body: { element_frontal_image: frontalImage as unknown as IDataObject, external_task_id: externalTaskId },
		externalTaskId,
	};
	const startedAt = clock.now();
	const timedOut = () => clock.now() - startedAt > timeoutMs;

	let task: KlingTask | undefined;
	for (let attempt = 0; !task; attempt++) {
		const outcome = await submitTask.call(this, PRODUCTS.multiShot, submission, clock);
		if (outcome.kind === 'created') task = outcome.task;
		else if (timedOut() && submission.lostAnswer) throw lostCreateError(this, submission);
		else if (timedOut()) throw failure(this, itemIndex, 'Kling stayed at its concurrency or rate limit; no views were generated');
		else await clock.sleep(backoffMs(attempt, outcome.retryAfterMs));
	}
	for (let checks = 0; !isFinal(task.task_status); checks++) {
		if (timedOut()) {
			throw failure(this, itemIndex, `Generating the additional views (task ${task.task_id}) is still ${task.task_status}; the element was not created`);
		}
		await clock.sleep(pollIntervalMs(checks));
		task = (await findTask.call(this, PRODUCTS.multiShot, task.task_id, clock)) ?? task;
	}
	if (!isSucceeded(task.task_status)) {
		throw failure(this, itemIndex, `Kling could not generate the additional views: ${task.task_status_msg || 'the task failed without a reason'}`, task.task_id);
	}
	const [firstSet] = viewSetsOfTaskResult(task.task_result);
	const urls = firstSet ? viewUrls(firstSet) : [];
	if (!urls.length) throw failure(this, itemIndex, 'Kling generated no additional views', task.task_id);
	return urls;
}

function failure(ctx: IExecuteFunctions, itemIndex: number, message: string, taskId?: string) {
	return new NodeOperationError(ctx.getNode(), message, {
		itemIndex,
		description: taskId ? `AI multi-shot task ID ${taskId}` : 'Add 1 to 3 images yourself, or try again later.',
	});
}
