import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isFinal, type KlingTask, type TaskProduct } from '../contract/task';
import { isTransient } from '../transport/errors';
import { backoffMs, pause, throwIfCancelled } from '../transport/wait';
import { DurationEstimate, POLL_INTERVAL, pollIntervalMs, readTasks, type ListPath } from './poll';
import { lookUpBeforeRerun, lostCreateError, submitTask, type Submission } from './submit';
import type { CompletionSettings, Prepared } from './taskOperation';

const ACCOUNT_LIMIT_HOLDS_MS = 60_000;
const NOT_FOUND_READS_TO_SAY_SO = 3;

/** One input item's way through Kling: its create, then its task. */
export interface Job extends Submission {
	itemIndex: number;
	/** Concurrency slots its task holds (§11). */
	slots: number;
	/** A task made for the item before its own (its views), paid for too. */
	firstTask?: Prepared['firstTask'];
	task?: KlingTask;
	firstTriedAt?: number;
	submittedAt?: number;
	lastCheckedAt?: number;
	checks: number;
	/** Reads in a row that answered Kling has no such task (a relay in front of several accounts, a removed task). */
	notFoundReads?: number;
	retries: number;
	notBefore: number;
}

/** A job's end: its task, or an error; the note says the job's own task may still run, for an error the item may become. */
export type Outcome = ({ task: KlingTask } | { error: unknown }) & { note?: string };

/**
 * Submits the jobs in order with at most Max Concurrent Tasks' slots on Kling at once and, when the node waits for
 * results, checks the running tasks in rounds of one list read until each is final (§11, §12). Kling's 1302/1303
 * answers hold the queue back with back-off; a 1303 while our own tasks run teaches the account's real limit.
 */
export class Scheduler {
	private readonly pending: Job[] = [];
	private readonly inFlight: Job[] = [];
	/**
	 * Tasks whose items timed out: they still run on Kling and hold their slots (§11) until a round sees them final, or
	 * for one more Timeout at most, after which the queue stops waiting for them.
	 */
	private readonly timedOut: Job[] = [];
	/** Every job whose task holds slots on Kling now. */
	private get holding(): Job[] {
		return [...this.inFlight, ...this.timedOut];
	}
	private readonly durations = new DurationEstimate();
	/**
	 * How many slots Kling let us use at once before it answered 1303: the account's limit for now. Other executions'
	 * tasks end too, so it holds for a minute; then the full Max Concurrent Tasks is tried again (one refusal at most).
	 */
	private accountLimit = { slots: Infinity, until: -Infinity };
	private lastRoundAt = -Infinity;
	/** Whether this run's list reads failed outright (a relay without the list path): its tasks are then read directly. */
	private readonly listPath: ListPath = {};

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly product: TaskProduct,
		private readonly settings: CompletionSettings,
		/** Gets each job's outcome as soon as it is known; throwing stops the whole run (an item without Continue On Fail). */
		private readonly settle: (job: Job, outcome: Outcome) => Promise<void>,
	) {}

	async run(jobs: Job[]) {
		this.pending.push(...jobs);
		while (this.pending.length || this.inFlight.length) {
			throwIfCancelled(this.ctx);
			await this.submitWhileSlotsFree();
			if (!this.pending.length && !this.inFlight.length) break;
			const nextCheck = this.nextCheckAt();
			await pause(this.ctx, Math.min(nextCheck, this.nextSubmitAt()) - Date.now());
			if (Date.now() >= nextCheck) await this.checkInFlight();
		}
	}

	private get slotsFree() {
		if (this.settings.mode !== 'poll') return Infinity;
		const used = this.holding.reduce((sum, job) => sum + job.slots, 0);
		const accountLimit = Date.now() < this.accountLimit.until ? this.accountLimit.slots : Infinity;
		return Math.min(this.settings.maxConcurrent, accountLimit) - used;
	}

	/** Whether a job fits now; one bigger than the limit still goes alone, or it would wait forever. */
	private fits(job: Job) {
		return this.slotsFree >= job.slots || !this.holding.length;
	}

	private async submitWhileSlotsFree() {
		while (this.pending.length && this.fits(this.pending[0]) && this.pending[0].notBefore <= Date.now()) {
			const job = this.pending[0];
			job.firstTriedAt ??= Date.now();
			let outcome;
			try {
				outcome = await submitTask.call(this.ctx, this.product, job);
			} catch (error) {
				this.pending.shift();
				await this.fail(job, error);
				continue;
			}
			if (outcome.kind === 'retryLater') {
				const ours = this.holding;
				if (outcome.reason === 'concurrency' && ours.length) {
					// For now the next job goes when one of ours finishes, not after a timer that would idle the slot.
					const slots = ours.reduce((sum, other) => sum + other.slots, 0);
					this.accountLimit = { slots, until: Date.now() + ACCOUNT_LIMIT_HOLDS_MS };
					return;
				}
				// Kling is full, or a lost create's task is not found yet: this and every later job wait for the back-off.
				job.notBefore = Date.now() + backoffMs(job.retries++, outcome.retryAfterMs);
				if (job.notBefore - job.firstTriedAt > this.settings.timeoutMs) {
					this.pending.shift();
					await this.fail(job, job.lostAnswer ? lostCreateError(this.ctx, this.product, job) : this.notSubmittedError(job));
				}
				return;
			}
			this.pending.shift();
			job.task = outcome.task;
			job.submittedAt = Date.now();
			if (this.settings.mode === 'poll' && !isFinal(outcome.task.task_status)) this.inFlight.push(job);
			else await this.settle(job, { task: outcome.task });
		}
	}

	private nextCheckAt(): number {
		const expected = this.durations.expectedMs;
		const dues = this.holding.map((job) => {
			const lastSeen = job.lastCheckedAt ?? job.submittedAt!;
			// Once the batch's typical duration is known, look when this task should be done (2 % margin for clock
			// skew), but never more than the longest interval away; after that, the growing cadence.
			const likelyDone = expected === undefined ? -Infinity : job.submittedAt! + expected * 1.02;
			return lastSeen < likelyDone ? Math.min(likelyDone, lastSeen + POLL_INTERVAL.maxMs) : lastSeen + pollIntervalMs(job.checks);
		});
		const next = Math.max(Math.min(...dues), this.lastRoundAt + POLL_INTERVAL.floorMs);
		if (expected === undefined) return next;
		// Tasks likely done within the floor after that are waited for: a round just before them would leave their
		// slots idle for a whole floor, and a batch whose creates went out a little apart would never catch up.
		return Math.max(next, ...dues.filter((due) => due < next + POLL_INTERVAL.floorMs));
	}

	private nextSubmitAt(): number {
		return this.pending.length && this.fits(this.pending[0]) ? this.pending[0].notBefore : Infinity;
	}

	private async checkInFlight() {
		this.lastRoundAt = Date.now();
		const jobs = [...this.inFlight];
		// Every task holding a slot is read in this round, timed-out ones too: the rounds keep their growing cadence.
		for (const job of this.holding) {
			job.checks++;
			job.lastCheckedAt = this.lastRoundAt;
		}
		const ids = this.holding.map((job) => job.task!.task_id);
		const failures = new Map<string, unknown>();
		let tasks = new Map<string, KlingTask>();
		try {
			const onReadError = (id: string, error: unknown) => failures.set(id, error);
			tasks = await readTasks.call(this.ctx, this.product, ids, { listPath: this.listPath, onReadError });
		} catch (error) {
			for (const id of ids) failures.set(id, error);
		}
		for (const job of jobs) {
			const id = job.task!.task_id;
			// The transport tried a few times already. Kling still out of reach (no answer, 5xx, a limit) leaves the task
			// running there, so the next round tries again, until its own timeout (§12); anything else fails its item,
			// while the task runs on and keeps its slot as timed-out ones do.
			if (failures.has(id) && !isTransient(failures.get(id))) {
				this.timedOut.push(job);
				await this.fail(job, failures.get(id));
			}
		}
		for (const job of jobs.filter((candidate) => this.inFlight.includes(candidate))) {
			const task = tasks.get(job.task!.task_id) ?? job.task!;
			job.task = task;
			job.notFoundReads = tasks.has(task.task_id) || failures.has(task.task_id) ? 0 : (job.notFoundReads ?? 0) + 1;
			if (isFinal(task.task_status)) {
				this.durations.record(task);
				this.leave(job);
				await this.settle(job, { task, note: this.noteFor(job) });
			} else if (this.lastRoundAt - job.submittedAt! >= this.settings.timeoutMs) {
				this.timedOut.push(job);
				await this.fail(job, this.timeoutError(job, task));
			}
		}
		for (const job of [...this.timedOut]) {
			const task = tasks.get(job.task!.task_id);
			const heldTooLong = this.lastRoundAt - job.submittedAt! >= 2 * this.settings.timeoutMs;
			if ((task && isFinal(task.task_status)) || heldTooLong) this.timedOut.splice(this.timedOut.indexOf(job), 1);
		}
	}

	private leave(job: Job) {
		const index = this.inFlight.indexOf(job);
		if (index >= 0) this.inFlight.splice(index, 1);
	}

	private async fail(job: Job, error: unknown) {
		this.leave(job);
		await this.settle(job, { error, note: this.noteFor(job, error) });
	}

	/** Says that the job's own task may still be running, when its error does not already name it. */
	private noteFor(job: Job, error?: unknown): string | undefined {
		const own = job.task && !isFinal(job.task.task_status) ? job.task.task_id : undefined;
		const text = error instanceof Error ? `${error.message} ${(error as { description?: string }).description ?? ''}` : '';
		if (!own || text.includes(own)) return undefined;
		return `This item's task ${own} may still be running on Kling; fetch it later with ${this.product.readWith}.`;
	}

	private timeoutError(job: Job, task: KlingTask) {
		const minutes = +(this.settings.timeoutMs / 60_000).toFixed(2);
		// One such answer may be a relay's hiccup; several in a row would make "keeps running" a guess.
		if ((job.notFoundReads ?? 0) >= NOT_FOUND_READS_TO_SAY_SO) {
			return new NodeOperationError(this.ctx.getNode(), `Kling no longer finds task ${task.task_id}: its last ${job.notFoundReads} reads answered that there is no such task`, {
				itemIndex: job.itemIndex,
				description: `It was ${task.task_status} when last seen, ${minutes} minutes after its create. Fetch it later by its task ID ${task.task_id}; if Kling still does not know it, check that the credential reads the account that created it.`,
			});
		}
		return new NodeOperationError(this.ctx.getNode(), `Kling task ${task.task_id} is still ${task.task_status} after ${minutes} minutes`, {
			itemIndex: job.itemIndex,
			description: `The task keeps running on Kling. Fetch it later by its task ID ${task.task_id}, or raise Options → Timeout (Minutes).`,
		});
	}

	private notSubmittedError(job: Job) {
		const { itemIndex, externalTaskId, relayLimitedAt } = job;
		const hint = 'Lower Options → Max Concurrent Tasks, wait for running tasks to finish, or raise Options → Timeout (Minutes).';
		if (relayLimitedAt === undefined) {
			return new NodeOperationError(this.ctx.getNode(), 'Kling stayed at its concurrency or rate limit; no task was created', { itemIndex, description: hint });
		}
		// A relay's own 429 may come after it passed the create on to Kling (submit.ts), so a task may exist.
		return new NodeOperationError(this.ctx.getNode(), 'The relay in front of Kling stayed at its rate limit (HTTP 429); it may have passed the create on to Kling', {
			itemIndex,
			description: `Kling may have created the task with external task ID ${externalTaskId}. ${lookUpBeforeRerun(this.product)} ${hint}`,
		});
	}
}
