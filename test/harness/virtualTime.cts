/**
 * Kling's minutes in seconds, without a hook in the node: the in-process workflow suite runs on jest's fake timers and
 * Date, which a pump on a real interval moves forward SPEED times as fast as real time. The node's waits (polling,
 * back-off, request timeouts) and the simulator's task timers all pass in that one virtual time; only HTTP stays real,
 * which the simulator answers in a few milliseconds, far inside the node's 60 s (here 1.2 s) request timeout.
 */
export const SPEED = 50;

const realSetInterval = globalThis.setInterval;
const realClearInterval = globalThis.clearInterval;

export function useVirtualTime(): void {
	let pump: ReturnType<typeof setInterval> | undefined;
	beforeAll(() => {
		jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask', 'hrtime', 'performance'] });
		let last = performance.now();
		pump = realSetInterval(() => {
			const now = performance.now();
			jest.advanceTimersByTime(Math.round((now - last) * SPEED));
			last = now;
		}, 2);
	});
	afterAll(() => {
		realClearInterval(pump);
		jest.useRealTimers();
	});
}
