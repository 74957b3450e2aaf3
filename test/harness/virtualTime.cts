/**
 * Kling's minutes in seconds, without a hook in the node: the in-process workflow suite runs on jest's fake timers and
 * Date, which a pump on a real interval moves forward SPEED times as fast as real time. The node's waits (polling,
 * back-off, request timeouts) and the simulator's task timers all pass in that one virtual time; only HTTP stays real,
 * which the simulator answers in a few milliseconds, far inside the node's 60 s (here 1.2 s) request timeout.
 * Outside jest (the benchmarks), startVirtualClock runs the same clock on jest's fake-timer implementation.
 */
import { ModernFakeTimers } from '@jest/fake-timers';
import type { Config } from '@jest/types';

export const SPEED = 50;
/**
 * The most real time one tick turns into virtual time. Code that never yields to the timers phase (a run of tests
 * that send nothing, a long synchronous load) starves the pump; without a cap its next tick would move the clock by
 * all the time it missed at once, firing a request's 60 s timeout before the I/O that answers it was read. Capped,
 * a request times out only after 60 event-loop turns without its answer; a busy loop merely slows virtual time.
 */
const MAX_TICK_REAL_MS = 20;

const realSetInterval = globalThis.setInterval;
const realClearInterval = globalThis.clearInterval;

/** What both jest's `jest` object and a ModernFakeTimers offer. */
interface FakeTimers {
	useFakeTimers(config?: { doNotFake?: Array<'nextTick' | 'setImmediate' | 'clearImmediate' | 'queueMicrotask' | 'hrtime' | 'performance'> }): unknown;
	advanceTimersByTime(ms: number): unknown;
	useRealTimers(): unknown;
}

/** Fakes the timers and Date (never what I/O completes through) and pumps them at `speed`; returns how to stop. */
function runVirtualTime(timers: FakeTimers, speed: number): () => void {
	timers.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
	let last = performance.now();
	const pump = realSetInterval(() => {
		const now = performance.now();
		timers.advanceTimersByTime(Math.round(Math.min(now - last, MAX_TICK_REAL_MS) * speed));
		last = now;
	}, 2);
	return () => {
		realClearInterval(pump);
		timers.useRealTimers();
	};
}

export function useVirtualTime(): void {
	let stop: (() => void) | undefined;
	beforeAll(() => {
		stop = runVirtualTime(jest, SPEED);
	});
	afterAll(() => stop?.());
}

/** The same virtual clock in a plain Node process, on its globals, until the returned function is called. */
export function startVirtualClock(speed = SPEED): () => void {
	return runVirtualTime(new ModernFakeTimers({ global: globalThis, config: { fakeTimers: {} } as Config.ProjectConfig }), speed);
}
