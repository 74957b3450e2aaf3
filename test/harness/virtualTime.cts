/**
 * Kling's minutes in seconds, without a hook in the node: the in-process workflow suite runs on jest's fake timers and
 * Date, which a pump on a real interval moves forward SPEED times as fast as real time. The node's waits (polling,
 * back-off, request timeouts) and the simulator's task timers all pass in that one virtual time; only HTTP stays real,
 * which the simulator answers in a few milliseconds, far inside the node's 60 s (here 1.2 s) request timeout.
 */
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

export function useVirtualTime(): void {
	let pump: ReturnType<typeof setInterval> | undefined;
	beforeAll(() => {
		jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
		let last = performance.now();
		pump = realSetInterval(() => {
			const now = performance.now();
			jest.advanceTimersByTime(Math.round(Math.min(now - last, MAX_TICK_REAL_MS) * SPEED));
			last = now;
		}, 2);
	});
	afterAll(() => {
		realClearInterval(pump);
		jest.useRealTimers();
	});
}
