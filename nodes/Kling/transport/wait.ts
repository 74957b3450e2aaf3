import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

/** Any n8n context. Only an execution can be cancelled, so its cancel signal is optional. */
export type WaitContext = Pick<IExecuteFunctions, 'getNode'> & Partial<Pick<IExecuteFunctions, 'getExecutionCancelSignal'>>;

export function throwIfCancelled(ctx: WaitContext): void {
	if (ctx.getExecutionCancelSignal?.()?.aborted) {
		throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled while waiting for Kling');
	}
}

/** Waits `ms`, and stops with an error the moment the execution is cancelled. Every wait of the package is this one. */
export async function pause(ctx: WaitContext, ms: number): Promise<void> {
	throwIfCancelled(ctx);
	const signal = ctx.getExecutionCancelSignal?.();
	let onAbort = () => {};
	const aborted = new Promise<void>((resolve) => {
		onAbort = resolve;
		signal?.addEventListener('abort', onAbort, { once: true });
	});
	try {
		await Promise.race([sleep(Math.max(0, ms)), aborted]);
	} finally {
		signal?.removeEventListener('abort', onAbort);
	}
	throwIfCancelled(ctx);
}

/** Back-off for answers worth another try: 1 s, 2 s, 4 s, ... up to 30 s, or longer when Kling says so (§10). */
export function backoffMs(attempt: number, retryAfterMs?: number): number {
	return Math.max(retryAfterMs ?? 0, Math.min(30_000, 1_000 * 2 ** attempt));
}
