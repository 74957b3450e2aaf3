/** Bounded polling and free ports: the launcher never sleeps for a guessed time, it polls a state with a deadline. */
import { createServer } from 'node:net';

export interface WaitOptions {
	/** What is awaited, for the timeout message. */
	what: string;
	timeoutMs: number;
	intervalMs?: number;
}

/** Calls `probe` until it returns something other than undefined/false, or throws after the deadline. */
export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, options: WaitOptions): Promise<T> {
	const deadline = Date.now() + options.timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined && value !== false) return value;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() > deadline) {
			const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
			throw new Error(`Timed out after ${options.timeoutMs} ms waiting for ${options.what}${reason}`);
		}
		await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
	}
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => resolve(port));
		});
	});
}

/** Whether nothing listens on 127.0.0.1:port (used before taking a fixed port). */
export async function portIsFree(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}
