import { randomBytes } from 'crypto';
import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isFinal, isSucceeded, type KlingTask } from '../contract/task';
import { backoffMs, nodeClock, type Clock } from '../helpers/clock';
import { itemError } from '../helpers/itemError';
import { batchCallbackUrl, batchExternalTaskId, newCallbackBatchKey, pauseForCallbacks } from './callback';
import { readCompletionSettings, type CompletionSettings } from './completion';
import { DurationEstimate, POLL_INTERVAL, pollIntervalMs, readTasks } from './poll';
import type { TaskProduct } from './products';
import { lostCreateError, submitTask, type Submission } from './submit';
import { taskSummary } from './taskOutput';

/** An operation that creates a Kling task: it builds and checks the request, and presents the finished task. */
export interface TaskOperation {
	product: TaskProduct;
	/** Reads and checks one item's parameters. Throws, before anything is sent, when an input is wrong. */
	buildRequest(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject>;
	/** The output for a task that succeeded. */
	present(this: IExecuteFunctions, task: KlingTask, itemIndex: number): Promise<{ json: IDataObject; binary?: IBinaryKeyData }>;
}

interface Job extends Submission {
	itemIndex: number;
	task?: KlingTask;
	firstTriedAt?: number;
	submittedAt?: number;
	lastCheckedAt?: number;
	checks: number;
	retries: number;
	notBefore: number;
}

/**
 * Runs a task-creating operation over all input items: every item is checked first (a bad item costs no
 * credits and blocks nothing already paid for), then tasks are submitted with at most Max Concurrent Tasks
 * in flight and, unless the user wants the task back at once, awaited together.
 */
export async function runTaskOperation(this: IExecuteFunctions, operation: TaskOperation): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const settings = readCompletionSettings.call(this);
	const clock = nodeClock(this);
	const outputs: INodeExecutionData[][] = items.map(() => []);
	const batch = settings.mode === 'callback' ? newCallbackBatchKey() : undefined;
	const callbackUrl = batch && batchCallbackUrl(this.getWorkflowDataProxy(0).$execution.resumeUrl, batch, items.length);

	const jobs: Job[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const body = await operation.buildRequest.call(this, itemIndex);
			if (batch && callbackUrl) Object.assign(body, { callback_url: callbackUrl, external_task_id: batchExternalTaskId(batch, itemIndex) });
			const externalTaskId = String(body.external_task_id ?? '') || newExternalTaskId(this, itemIndex);
			jobs.push({ itemIndex, body: { ...body, external_task_id: externalTaskId }, externalTaskId, checks: 0, retries: 0, notBefore: 0 });
		} catch (error) {
			outputs[itemIndex] = [itemError.call(this, error, itemIndex)];
		}
	}

	await new Scheduler(this, operation, settings, clock, outputs).run(jobs);
	if (!batch) return outputs.flat();
	const submitted = items.map((_, itemIndex) => jobs.find((job) => job.itemIndex === itemIndex)?.task);
	return await pauseForCallbacks.call(this, operation, submitted, outputs.flat(), clock);
}

class Scheduler {
	private readonly pending: Job[] = [];

	private readonly inFlight: Job[] = [];

	private readonly durations = new DurationEstimate();

	private readonly waitForResult: boolean;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly operation: TaskOperation,
		private readonly settings: CompletionSettings,
		private readonly clock: Clock,
		private readonly outputs: INodeExecutionData[][],
	) {
		this.waitForResult = settings.mode === 'poll';
	}

	async run(jobs: Job[]) {
		this.pending.push(...jobs);
		while (this.pending.length || this.inFlight.length) {
			this.clock.throwIfCancelled();
			await this.submitWhileSlotsFree();
			if (!this.pending.length && !this.inFlight.length) break;
			const nextCheck = this.nextCheckAt();
			const nextSubmit = this.nextSubmitAt();
			await this.clock.sleep(Math.max(0, Math.min(nextCheck, nextSubmit) - this.clock.now()));
			if (this.clock.now() >= nextCheck) await this.checkInFlight();
		}
	}

	/** How many of our tasks Kling ran at once before it answered 1303: its real limit for this account now. */
	private accountLimit = Infinity;

	private get slotsFree() {
		return this.waitForResult ? Math.min(this.settings.maxConcurrent, this.accountLimit) - this.inFlight.length : Infinity;
	}

	private async submitWhileSlotsFree() {
		while (this.slotsFree > 0 && this.pending.length && this.pending[0].notBefore <= this.clock.now()) {
			const job = this.pending[0];
			job.firstTriedAt ??= this.clock.now();
			let outcome;
			try {
				outcome = await submitTask.call(this.ctx, this.operation.product, job, this.clock);
			} catch (error) {
				this.pending.shift();
				this.fail(job, error);
				continue;
			}
			if (outcome.kind === 'retryLater' && outcome.reason === 'concurrency' && this.inFlight.length && this.accountLimit === Infinity) {
				// The account runs fewer tasks at once than Max Concurrent Tasks: from now on submit the next one when
				// one of ours finishes, instead of after a timer that would leave the slot idle. (A later 1303 with
				// fewer tasks in flight is a slot Kling has not released yet, or other work: that one waits a timer.)
				this.accountLimit = this.inFlight.length;
				return;
			}
			if (outcome.kind === 'retryLater') {
				// Kling is full (or a lost create's task is not found yet): hold this and every later item until the
				// back-off passes.
				job.notBefore = this.clock.now() + backoffMs(job.retries++, outcome.retryAfterMs);
				if (job.notBefore - job.firstTriedAt > this.settings.timeoutMs) {
					this.pending.shift();
					this.fail(job, job.lostAnswer ? lostCreateError(this.ctx, job) : this.notSubmittedError(job));
				}
				return;
			}
			this.pending.shift();
			job.task = outcome.task;
			job.submittedAt = this.clock.now();
			if (this.waitForResult && !isFinal(outcome.task.task_status)) this.inFlight.push(job);
			else await this.finish(job, outcome.task);
		}
	}

	/** When the last round of status requests went out. */
	private lastRoundAt = -Infinity;

	private nextCheckAt(): number {
		let next = Infinity;
		const expected = this.durations.expectedMs;
		for (const job of this.inFlight) {
			const lastSeen = job.lastCheckedAt ?? job.submittedAt!;
			// Once the batch's typical duration is known, the next look is when this task should be done (a 2 %
			// margin for clock skew), but never more than the longest interval away; then the usual cadence.
			const likelyDone = expected === undefined ? -Infinity : job.submittedAt! + expected * 1.02;
			const due = lastSeen < likelyDone ? Math.min(likelyDone, lastSeen + POLL_INTERVAL.maxMs) : lastSeen + pollIntervalMs(job.checks);
			next = Math.min(next, due);
		}
		return Math.max(next, this.lastRoundAt + POLL_INTERVAL.floorMs);
	}

	private nextSubmitAt(): number {
		return this.pending.length && this.slotsFree > 0 ? this.pending[0].notBefore : Infinity;
	}

	private async checkInFlight() {
		this.lastRoundAt = this.clock.now();
		const jobs = [...this.inFlight];
		let tasks: Map<string, KlingTask>;
		try {
			tasks = await readTasks.call(this.ctx, this.operation.product, jobs.map((job) => job.task!.task_id), this.clock);
		} catch (error) {
			// The transport already retried transient failures; what is left is fatal for every waiting item.
			for (const job of jobs) this.settle(job, () => this.fail(job, error));
			return;
		}
		const now = this.clock.now();
		for (const job of jobs) {
			job.checks++;
			job.lastCheckedAt = now;
			const task = tasks.get(job.task!.task_id) ?? job.task!;
			job.task = task;
			if (isFinal(task.task_status)) {
				this.durations.record(task, this.clock);
				this.removeInFlight(job);
				await this.finish(job, task);
			} else if (now - job.submittedAt! >= this.settings.timeoutMs) {
				this.settle(job, () => this.fail(job, this.timeoutError(job, task)));
			}
		}
	}

	private async finish(job: Job, task: KlingTask) {
		if (!this.waitForResult) {
			this.outputs[job.itemIndex] = [{ json: taskSummary(task), pairedItem: { item: job.itemIndex } }];
		} else if (isSucceeded(task.task_status)) {
			try {
				const result = await this.operation.present.call(this.ctx, task, job.itemIndex);
				this.outputs[job.itemIndex] = [{ ...result, pairedItem: { item: job.itemIndex } }];
			} catch (error) {
				this.fail(job, error);
			}
		} else {
			this.fail(job, this.taskFailedError(job, task));
		}
	}

	private settle(job: Job, action: () => void) {
		this.removeInFlight(job);
		action();
	}

	private removeInFlight(job: Job) {
		const index = this.inFlight.indexOf(job);
		if (index >= 0) this.inFlight.splice(index, 1);
	}

	/** Records an item's error, or stops the node; tasks still running are named so none is lost. */
	private fail(job: Job, error: unknown) {
		const running = this.inFlight.filter((other) => other !== job).map((other) => other.task!.task_id);
		const own = job.task && !isFinal(job.task.task_status) ? job.task.task_id : undefined;
		const text = error instanceof Error ? `${error.message} ${(error as { description?: string }).description ?? ''}` : '';
		const note =
			[
				own && !text.includes(own) && `This item's task ${own} may still be running on Kling; fetch it later with Get.`,
				running.length && `Tasks still running on Kling for other items: ${running.join(', ')}. Fetch them later with Get.`,
			]
				.filter(Boolean)
				.join(' ') || undefined;
		this.outputs[job.itemIndex] = [itemError.call(this.ctx, error, job.itemIndex, { taskId: job.task?.task_id, externalTaskId: job.externalTaskId }, note)];
	}

	private taskFailedError(job: Job, task: KlingTask) {
		return new NodeOperationError(
			this.ctx.getNode(),
			`Kling could not create the ${this.operation.product.noun}: ${task.task_status_msg || 'the task failed without a reason'}`,
			{ itemIndex: job.itemIndex, description: `Task ID ${task.task_id}` },
		);
	}

	private timeoutError(job: Job, task: KlingTask) {
		const minutes = +(this.settings.timeoutMs / 60_000).toFixed(2);
		return new NodeOperationError(
			this.ctx.getNode(),
			`Kling task ${task.task_id} is still ${task.task_status} after ${minutes} minutes`,
			{
				itemIndex: job.itemIndex,
				description: `The task keeps running on Kling. Fetch it later with Get and task ID ${task.task_id}, or raise Timeout (Minutes).`,
			},
		);
	}

	private notSubmittedError(job: Job) {
		return new NodeOperationError(this.ctx.getNode(), 'Kling stayed at its concurrency or rate limit; no task was created', {
			itemIndex: job.itemIndex,
			description: 'Lower Max Concurrent Tasks, wait for running tasks to finish, or raise Timeout (Minutes).',
		});
	}
}

/** Unique per account, as Kling requires; it lets the task of a create whose answer was lost be found. */
function newExternalTaskId(ctx: IExecuteFunctions, itemIndex: number): string {
	return `n8n-${ctx.getExecutionId() ?? 'run'}-${itemIndex}-${randomBytes(6).toString('hex')}`;
}
