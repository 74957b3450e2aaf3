import { chain, runWorkflow } from '../harness/workflow.cts';
import { apiKeyCredential, imageUrls, klingNode, useSimulator } from './helpers.cts';

/** Kling's time, on the suite's virtual clock: a task takes 10 s. */
const TIMING = { submittedMs: 2_000, processingMs: 8_000 };

const ctx = useSimulator({ timing: TIMING });

/** A Code-node-free way to get N input items: a Kling Get Many over N seeded elements. */
function seedItems(n: number) {
	for (let i = 0; i < n; i++) ctx.sim.seedElement({ name: `Seed ${i}` });
	return klingNode('Seeds', { resource: 'element', operation: 'getAll', returnAll: true });
}

const createPerItem = (options: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
	klingNode('Create Element', {
		resource: 'element',
		operation: 'create',
		elementName: '={{ "Copy of " + $json.elementName }}',
		elementDescription: 'A copy for the batch test',
		referenceType: 'image_refer',
		...imageUrls,
		options,
		...extra,
	});

describe('Wait Until Done (Poll) over many items', () => {
	afterEach(() => {
		ctx.sim.options.concurrencyLimit = Infinity;
		ctx.sim.options.timing = TIMING;
	});

	it('keeps at most Max Concurrent Tasks in flight and gives each item its own element', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(seedItems(6), createPerItem({ maxConcurrentTasks: 2 })), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		const out = result.output('Create Element');
		expect(out).toHaveLength(6);
		expect(out.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4, 5].map((item) => ({ item })));
		const created = sim.tasks('elements').filter((task) => String(task.body.element_name).startsWith('Copy of'));
		expect(new Set(out.map((item) => item.json.elementId)).size).toBe(6);
		// Item n's output is item n's own element, whatever order the tasks finished in.
		expect(out.map((item) => item.json.elementName)).toEqual(['Seed 5', 'Seed 4', 'Seed 3', 'Seed 2', 'Seed 1', 'Seed 0'].map((n) => `Copy of ${n}`));
		for (const item of out) expect(created.find((task) => task.outputId === item.json.elementId)?.body.element_name).toBe(item.json.elementName);
		expect(maxInFlightOf(created)).toBe(2);
		expect(sim.createdTaskCount('elements')).toBe(6);
	});

	it('reads the status of many tasks with one list request per round', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(seedItems(5), createPerItem({ maxConcurrentTasks: 5 })), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		const reads = sim.apiRequests({ method: 'GET' }).slice(1); // after the Get Many that made the items
		const singleReads = reads.filter((r) => /advanced-custom-elements\/\w+/.test(r.path));
		const listReads = reads.filter((r) => r.path.endsWith('advanced-custom-elements'));
		expect(listReads.length).toBeGreaterThan(0);
		expect(singleReads).toHaveLength(0);
	});

	it("backs off on Kling's concurrency answer (1303) and creates every task exactly once", async () => {
		const { sim } = ctx;
		sim.options.concurrencyLimit = 2;
		const result = await runWorkflow({ ...chain(seedItems(5), createPerItem({ maxConcurrentTasks: 4 })), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		expect(result.output('Create Element').every((item) => typeof item.json.elementId === 'string')).toBe(true);
		// One 1303 teaches the node the account's real limit; after that it submits only when a slot frees (a second
		// one can come from a slot Kling releases a moment after the task shows finished).
		expect(sim.apiRequests({ method: 'POST' }).filter((r) => r.code === 1303).length).toBeGreaterThanOrEqual(1);
		expect(sim.apiRequests({ method: 'POST' }).filter((r) => r.code === 1303).length).toBeLessThanOrEqual(2);
		expect(sim.createdTaskCount('elements')).toBe(5);
	});

	it('learns how long this batch\'s tasks take and checks later ones right when they should be done', async () => {
		const { sim } = ctx;
		// 30 s tasks: the regular cadence (3 s, then 4.5 s, 6.75 s ...) needs five checks for each.
		sim.options.timing = { submittedMs: 0, processingMs: 30_000 };
		const result = await runWorkflow({ ...chain(seedItems(4), createPerItem({ maxConcurrentTasks: 1 })), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		const created = sim.tasks('elements').filter((task) => String(task.body.element_name).startsWith('Copy of'));
		const readsOf = (taskId: string) => sim.apiRequests({ method: 'GET', pathIncludes: taskId }).length;
		expect(readsOf(created[0].taskId)).toBeGreaterThanOrEqual(3);
		// One look when it should be done; a second only if that look came a hair early.
		for (const task of created.slice(1)) expect(readsOf(task.taskId)).toBeLessThanOrEqual(2);
	});

	it('fails with the task id when a task outlives the timeout', async () => {
		const { sim } = ctx;
		sim.options.timing = { submittedMs: 2_000, processingMs: 600_000 };
		const result = await runWorkflow({ ...chain(createPerItem({ timeoutMinutes: 0.5 }, { elementName: 'Slow' })), credentials: apiKeyCredential(sim) });
		expect(result.status).toBe('error');
		const [task] = sim.tasks('elements');
		expect(result.error?.message).toBe(`Kling task ${task.taskId} is still processing after 0.5 minutes`);
		expect(result.error?.description).toContain(`Fetch it later by its task ID ${task.taskId}, or raise Options → Timeout (Minutes)`);
	});

	it('stops promptly when the execution is cancelled', async () => {
		const { sim } = ctx;
		sim.options.timing = { submittedMs: 2_000, processingMs: 3_600_000 };
		const controller = new AbortController();
		const running = runWorkflow({
			...chain(createPerItem({}, { elementName: 'Cancelled' })),
			credentials: apiKeyCredential(sim),
			cancelSignal: controller.signal,
		});
		await waitFor(() => sim.tasks('elements').length === 1);
		controller.abort();
		const result = await running;
		expect(result.status).toBe('canceled');
		// The wait itself ended on the signal, before the first poll. (n8n also aborts the node's HTTP requests: a node
		// that slept on would fail later, on a request that never left.)
		expect(result.error?.message).toBe('The execution was cancelled while waiting for Kling');
		expect(sim.apiRequests({ method: 'GET' })).toHaveLength(0);
	});
});

function maxInFlightOf(tasks: Array<{ createdAt: number; updatedAt: number; status: string }>): number {
	const events = tasks.flatMap((task) => [
		{ at: task.createdAt, delta: 1 },
		{ at: task.updatedAt, delta: -1 },
	]);
	events.sort((a, b) => a.at - b.at || a.delta - b.delta);
	let current = 0;
	let max = 0;
	for (const event of events) max = Math.max(max, (current += event.delta));
	return max;
}

/** Waits on simulator state, not on the clock. */
async function waitFor(condition: () => boolean) {
	for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

