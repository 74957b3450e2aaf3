import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

/**
 * Time as the node sees it. Every wait (poll intervals, back-off, timeouts) goes through here so that
 * a wait ends as soon as the execution is cancelled, and so that the test suite and the benchmarks can
 * run Kling's minutes in milliseconds (`scale` < 1, set through the node's hidden Time Scale parameter).
 */
export interface Clock {
	/** Node time in milliseconds: real time divided by the scale, so durations compare in the node's terms. */
	now(): number;
	/** Waits `ms` (scaled); rejects with a cancellation error the moment the execution is cancelled. */
	sleep(ms: number): Promise<void>;
	throwIfCancelled(): void;
	/** Converts a duration in the node's terms into real milliseconds. */
	scaled(ms: number): number;
	/** Converts real milliseconds (e.g. between Kling's own timestamps) into the node's terms. */
	fromReal(ms: number): number;
}

/** Any n8n context; only executions can be cancelled, so the cancel signal is optional. */
type ClockContext = Pick<IExecuteFunctions, 'getNode'> & { getExecutionCancelSignal?: () => AbortSignal | undefined };

export function createClock(context: ClockContext, scale = 1): Clock {
	const signal = context.getExecutionCancelSignal?.();
	const throwIfCancelled = () => {
		if (signal?.aborted) {
			throw new NodeOperationError(context.getNode(), 'The execution was cancelled while waiting for Kling');
		}
	};
	const scaled = (ms: number) => Math.max(0, Math.round(ms * scale));
	return {
		now: () => Date.now() / scale,
		scaled,
		fromReal: (ms: number) => ms / scale,
		throwIfCancelled,
		async sleep(ms: number) {
			throwIfCancelled();
			if (!signal) return await sleep(scaled(ms));
			let onAbort: (() => void) | undefined;
			const aborted = new Promise<void>((resolve) => {
				onAbort = () => resolve();
				signal.addEventListener('abort', onAbort, { once: true });
			});
			try {
				await Promise.race([sleep(scaled(ms)), aborted]);
			} finally {
				if (onAbort) signal.removeEventListener('abort', onAbort);
			}
			throwIfCancelled();
		},
	};
}

/** Exponential back-off for retryable answers: 1 s, 2 s, 4 s, ... capped at 30 s (kling-api.md §10). */
export function backoffMs(attempt: number, retryAfterMs?: number): number {
	const exponential = Math.min(30_000, 1_000 * 2 ** attempt);
	return retryAfterMs !== undefined ? Math.max(retryAfterMs, exponential) : exponential;
}

/** The clock of a running node, scaled by its hidden Time Scale parameter (always 1 outside tests). */
export function nodeClock(context: ClockContext & { getNodeParameter?: unknown; getInputData?: unknown }): Clock {
	const execution = typeof context.getInputData === 'function' ? (context as unknown as IExecuteFunctions) : undefined;
	const scale = execution ? Number(execution.getNodeParameter('timeScale', 0, 1)) || 1 : 1;
	return createClock(context, scale);
}
