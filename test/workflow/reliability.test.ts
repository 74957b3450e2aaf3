/**
 * Reliability under faults (issue "Reliability and security under faults"). Every test runs a real workflow
 * against the simulator with a fault switched on and checks three things:
 *
 *  (a) what the user sees: retried and succeeded, or a clear error that names the task;
 *  (b) no item lost: every input item yields an output item or an error item (pairedItem covers 0..n-1);
 *  (c) no duplicate task: the simulator created exactly the tasks that should exist, at most one per item.
 *
 * afterAll writes test-results/reliability.json (one row per test) for the README table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { BINARY_SOURCE, chain, PACKAGE_ROOT, runWorkflow, type RunResult } from '../harness/workflow';
import type { Fault, FaultRule, LoggedRequest } from '../simulator';
import { apiKeyCredential, imageUrls, keyPairCredential, klingNode, TIME_SCALE, useSimulator } from './helpers';

const ctx = useSimulator({ timing: { submittedMs: 20, processingMs: 40 } });

const NODE = 'Create Element';
/** The transport's per-attempt timeout (60 s of node time), in real milliseconds at the test time scale. */
const REQUEST_TIMEOUT_REAL_MS = 60_000 * TIME_SCALE;
/** A delay well past that timeout. */
const SLOW_MS = REQUEST_TIMEOUT_REAL_MS * 2.5;

/** n items without touching the simulator: item i is { index: i }. */
function inputItems(n: number) {
	return { name: 'Items', type: BINARY_SOURCE, parameters: { files: JSON.stringify(Array.from({ length: n }, () => ({}))) } };
}

const nameOf = (index: number) => `Item ${index}`;

function createElement(extra: IDataObject = {}, continueOnFail = false) {
	return {
		...klingNode(NODE, {
			resource: 'element',
			operation: 'create',
			elementName: '={{ "Item " + $json.index }}',
			elementDescription: 'A subject for the reliability suite',
			referenceType: 'image_refer',
			...imageUrls,
			...extra,
		}),
		continueOnFail,
	};
}

interface Batch {
	items: number;
	continueOnFail?: boolean;
	node?: IDataObject;
	keyPair?: boolean;
}

async function runBatch({ items, continueOnFail = false, node = {}, keyPair = false }: Batch): Promise<RunResult> {
	const { sim } = ctx;
	return await runWorkflow({
		...chain(inputItems(items), createElement(node, continueOnFail)),
		credentials: keyPair ? keyPairCredential(sim) : apiKeyCredential(sim),
	});
}

/** Matches the create of one item (its element name is in the body). */
const itemCreate = (index: number): FaultRule['when'] => ({ operation: 'create', bodyIncludes: `"${nameOf(index)}"` });

const posts = () => ctx.sim.apiRequests({ method: 'POST' });
const postsOf = (index: number) => posts().filter((r) => r.rawBody.includes(`"${nameOf(index)}"`));
const externalIdOf = (request: LoggedRequest) => (request.body as { external_task_id?: string } | undefined)?.external_task_id;
const taskOf = (index: number) => ctx.sim.tasks('elements').find((task) => task.body.element_name === nameOf(index));

// ---- invariants and the summary --------------------------------------------------------------------------------

interface CaseRow {
	test: string;
	faults: string[];
	items: number;
	continueOnFail: boolean;
	status: string;
	outputItems: number;
	errorItems: number;
	lostItems: number;
	expectedTasks: number;
	createdTasks: number;
	duplicateTasks: number;
	apiRequests: number;
	faultedRequests: number;
	/** Whether every expectation of the test held; false rows name the first failure. */
	asExpected: boolean;
	failure?: string;
}

const rows: CaseRow[] = [];

function describeFault(fault: Fault): string {
	switch (fault.kind) {
		case 'error':
		case 'okWithCode':
			return `${fault.kind}:${fault.code}${fault.processed ? ':processed' : ''}`;
		case 'retryAfter':
			return `retryAfter:${fault.code ?? 1302}:${fault.seconds}s`;
		case 'html':
			return `html:${fault.httpStatus ?? 502}${fault.processed ? ':processed' : ''}`;
		case 'dropAfterAccept':
		case 'malformedJson':
			return fault.processed === false ? `${fault.kind}:unprocessed` : fault.kind;
		case 'delay':
			return `delay:${fault.ms}ms`;
		case 'stuck':
			return `stuck:${fault.status ?? 'processing'}`;
		default:
			return fault.kind;
	}
}

interface Expected {
	items: number;
	/** How many tasks should exist, one for each of that many items. */
	tasks: number;
	continueOnFail?: boolean;
	node?: string;
}

/**
 * Records the run for the summary, then checks (a) with `outcome`, and (b) and (c). A run that stopped on an error
 * (no Continue On Fail) must have named the item it stopped on.
 */
function verify(result: RunResult, expected: Expected, outcome: () => void) {
	const row = observe(result, expected);
	try {
		outcome();
		checkInvariants(result, expected, row);
		row.asExpected = true;
	} catch (error) {
		row.failure = String((error as Error).message).replace(/\u001b\[[0-9;]*m/g, '').split('\n').filter(Boolean).slice(0, 3).join(' ');
		throw error;
	}
}

function observe(result: RunResult, expected: Expected): CaseRow {
	const { sim } = ctx;
	const out = result.output(expected.node ?? NODE);
	const covered = out.map((item) => (item.pairedItem as { item: number } | undefined)?.item);
	const stoppedOnItem = result.status === 'error' && result.error?.itemIndex !== undefined;
	const uncovered = Array.from({ length: expected.items }, (_, i) => i).filter((i) => !covered.includes(i)).length;
	// A run stopped on a named item failed visibly; one that stopped without naming any lost them all.
	const lostItems = result.status === 'success' ? uncovered : stoppedOnItem ? 0 : expected.items;
	const perItem = new Map<unknown, number>();
	for (const task of sim.tasks('elements')) perItem.set(task.body.element_name, (perItem.get(task.body.element_name) ?? 0) + 1);
	const duplicateTasks = [...perItem.values()].reduce((sum, count) => sum + count - 1, 0);
	const faults = [...new Set(sim.faultLog.map((applied) => describeFault(applied.fault)))];
	const row: CaseRow = {
		test: expect.getState().currentTestName ?? '?',
		faults,
		items: expected.items,
		continueOnFail: expected.continueOnFail ?? false,
		status: result.status,
		outputItems: out.filter((item) => item.json.error === undefined).length,
		errorItems: out.filter((item) => item.json.error !== undefined).length + (result.status === 'error' ? 1 : 0),
		lostItems,
		expectedTasks: expected.tasks,
		createdTasks: sim.createdTaskCount(),
		duplicateTasks,
		apiRequests: sim.apiRequests().length,
		faultedRequests: sim.apiRequests().filter((r) => r.fault).length,
		asExpected: false,
	};
	rows.push(row);
	return row;
}

function checkInvariants(result: RunResult, expected: Expected, row: CaseRow) {
	const { sim } = ctx;
	const covered = result.output(expected.node ?? NODE).map((item) => (item.pairedItem as { item: number } | undefined)?.item);
	expect(row.faults.length).toBeGreaterThan(0); // the fault under test did happen
	if (result.status === 'success') {
		expect(covered).toEqual(Array.from({ length: expected.items }, (_, item) => item));
	} else {
		expect(result.error?.message).toBeTruthy();
		expect(result.error?.itemIndex).toBeDefined();
	}
	expect(row.duplicateTasks).toBe(0);
	expect(sim.createdTaskCount()).toBe(expected.tasks);
}

afterAll(() => {
	const dir = path.join(PACKAGE_ROOT, 'test-results');
	mkdirSync(dir, { recursive: true });
	const totals = {
		tests: rows.length,
		faultKinds: [...new Set(rows.flatMap((row) => row.faults.map((fault) => fault.split(':')[0])))].sort(),
		items: rows.reduce((sum, row) => sum + row.items, 0),
		lostItems: rows.reduce((sum, row) => sum + row.lostItems, 0),
		duplicateTasks: rows.reduce((sum, row) => sum + row.duplicateTasks, 0),
		unexpectedTaskCounts: rows.filter((row) => row.createdTasks !== row.expectedTasks).length,
		notAsExpected: rows.filter((row) => !row.asExpected).map((row) => row.test),
	};
	const summary = { suite: 'reliability', generatedAt: new Date().toISOString(), timeScale: TIME_SCALE, totals, cases: rows };
	writeFileSync(path.join(dir, 'reliability.json'), `${JSON.stringify(summary, null, 2)}\n`);
	process.stdout.write(`RELIABILITY_SUMMARY ${JSON.stringify(totals)}\n`);
});

const succeeded = (out: INodeExecutionData[]) => out.every((item) => item.json.error === undefined && typeof item.json.elementId === 'string');

// ---- the matrix -------------------------------------------------------------------------------------------------

describe('rate limits (1302, 1303) are waited out', () => {
	it.each([1302, 1303])('a burst of %i on creates: every item gets exactly one task', async (code) => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'create' }, times: 4, fault: { kind: 'error', code } });
		const result = await runBatch({ items: 3 });
		verify(result, { items: 3, tasks: 3 }, () => {
			expect(result.error).toBeUndefined();
			expect(succeeded(result.output(NODE))).toBe(true);
			expect(posts().filter((r) => r.code === code)).toHaveLength(4);
			expect(posts()).toHaveLength(3 + 4);
		});
	});

	it.each([1302, 1303])('a burst of %i on status reads while polling', async (code) => {
		const { sim } = ctx;
		sim.injectFault({ when: { method: 'GET', product: 'elements' }, times: 3, fault: { kind: 'error', code } });
		const result = await runBatch({ items: 3 });
		verify(result, { items: 3, tasks: 3 }, () => {
			expect(result.error).toBeUndefined();
			expect(succeeded(result.output(NODE))).toBe(true);
			expect(sim.apiRequests({ method: 'GET' }).filter((r) => r.code === code)).toHaveLength(3);
		});
	});

	it('a rate limit that never lifts ends in a clear error per item and no task', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'create' }, times: Infinity, fault: { kind: 'error', code: 1302 } });
		const result = await runBatch({ items: 3, continueOnFail: true, node: { timeoutMinutes: 0.1 } });
		verify(result, { items: 3, tasks: 0, continueOnFail: true }, () => {
			const out = result.output(NODE);
			expect(out).toHaveLength(3);
			for (const item of out) expect(item.json.error).toMatch(/rate limit.*no task was created/);
		});
	});
});

describe('Retry-After is honoured', () => {
	const SECONDS = 20; // node seconds: 200 ms real, where the default first back-off would be 10 ms

	it('on a create', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'create' }, fault: { kind: 'retryAfter', seconds: SECONDS } });
		const result = await runBatch({ items: 3 });
		verify(result, { items: 3, tasks: 3 }, () => {
			expect(result.error).toBeUndefined();
			const [refused, next] = posts();
			expect(refused.fault?.kind).toBe('retryAfter');
			expect(next.receivedAt - refused.receivedAt).toBeGreaterThanOrEqual(SECONDS * 1000 * TIME_SCALE * 0.95);
		});
	});

	it('on a status read', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'query' }, fault: { kind: 'retryAfter', seconds: SECONDS, code: 1302 } });
		const result = await runBatch({ items: 1 });
		verify(result, { items: 1, tasks: 1 }, () => {
			expect(result.error).toBeUndefined();
			const reads = sim.apiRequests({ method: 'GET' });
			const refused = reads.findIndex((r) => r.fault);
			expect(reads[refused + 1].receivedAt - reads[refused].receivedAt).toBeGreaterThanOrEqual(SECONDS * 1000 * TIME_SCALE * 0.95);
		});
	});
});

describe('account problems (1100, 1101, 1102) are not retried', () => {
	it.each([
		[1100, /account is abnormal/i],
		[1101, /arrears/i],
		[1102, /resource pack/i],
	])('%i: exactly one request and a message that says what to do', async (code, meaning) => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'create' }, times: Infinity, fault: { kind: 'error', code } });
		const result = await runBatch({ items: 1 });
		verify(result, { items: 1, tasks: 0 }, () => {
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(meaning);
			expect(`${result.error?.message} ${result.error?.description}`).toContain(String(code));
			if (code === 1102) expect(`${result.error?.message} ${result.error?.description}`).toMatch(/resource pack/i);
			expect(sim.apiRequests()).toHaveLength(1);
		});
	});

	it.each([1100, 1101, 1102])('%i with Continue On Fail: one create per item, an error item for each', async (code) => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'create' }, times: Infinity, fault: { kind: 'error', code } });
		const result = await runBatch({ items: 3, continueOnFail: true });
		verify(result, { items: 3, tasks: 0, continueOnFail: true }, () => {
			expect(result.status).toBe('success');
			const out = result.output(NODE);
			for (const item of out) expect(`${item.json.error} ${item.json.description}`).toContain(String(code));
			expect(sim.apiRequests()).toHaveLength(3);
			expect(new Set(posts().map(externalIdOf)).size).toBe(3);
		});
	});
});

describe('server errors (5000, 5001, 5002) on reads are retried', () => {
	it.each([
		[5000, 500],
		[5001, 503],
		[5002, 504],
	])('%i (HTTP %i) twice while polling', async (code, httpStatus) => {
		const { sim } = ctx;
		sim.injectFault({ when: { method: 'GET', product: 'elements' }, times: 2, fault: { kind: 'error', code, httpStatus } });
		const result = await runBatch({ items: 3 });
		verify(result, { items: 3, tasks: 3 }, () => {
			expect(result.error).toBeUndefined();
			expect(succeeded(result.output(NODE))).toBe(true);
			const reads = sim.apiRequests({ method: 'GET' });
			expect(reads.slice(0, 2).map((r) => [r.status, r.code])).toEqual([
				[httpStatus, code],
				[httpStatus, code],
			]);
			expect(reads[2].code).toBe(0);
		});
	});

	it('a Get by task id rides out a 5001', async () => {
		const { sim } = ctx;
		const created = await runBatch({ items: 1, node: { completion: 'returnTask' } });
		const taskId = created.output(NODE)[0].json.taskId as string;
		sim.injectFault({ when: { operation: 'query' }, fault: { kind: 'error', code: 5001 } });
		const result = await runWorkflow({
			...chain(klingNode('Get Element', { resource: 'element', operation: 'get', taskId })),
			credentials: apiKeyCredential(sim),
		});
		verify(result, { items: 1, tasks: 1, node: 'Get Element' }, () => {
			expect(result.error).toBeUndefined();
			expect(result.output('Get Element')[0].json.taskId).toBe(taskId);
			expect(sim.apiRequests({ method: 'GET' }).map((r) => r.code)).toEqual([5001, 0]);
		});
	});
});

/**
 * A create whose answer is lost or ambiguous may or may not have made its task (kling-api.md §10). The node must
 * find it by external_task_id instead of creating a second one, and create it (once) if it does not exist.
 */
describe('a create whose answer is lost is recovered, never duplicated', () => {
	const cases: Array<[string, Fault, number]> = [
		['5000 after the task was made', { kind: 'error', code: 5000, processed: true }, 1],
		['5000 before the task was made', { kind: 'error', code: 5000 }, 2],
		['5002 (backlog) after the task was made', { kind: 'error', code: 5002, processed: true }, 1],
		['connection dropped after the create was accepted', { kind: 'dropAfterAccept' }, 1],
		['connection reset before the create arrived', { kind: 'dropAfterAccept', processed: false }, 2],
		['answer slower than the request timeout', { kind: 'delay', ms: SLOW_MS }, 1],
		['malformed JSON after the task was made', { kind: 'malformedJson' }, 1],
		["a relay's HTML 502 page, nothing forwarded", { kind: 'html', httpStatus: 502 }, 2],
		["a relay's HTML 502 page after forwarding", { kind: 'html', httpStatus: 502, processed: true }, 1],
	];

	it.each(cases)('%s', async (_label, fault, createsForItem) => {
		const { sim } = ctx;
		sim.injectFault({ when: itemCreate(1), fault });
		const result = await runBatch({ items: 3 });
		verify(result, { items: 3, tasks: 3 }, () => {
			expect(result.error).toBeUndefined();
			const out = result.output(NODE);
			expect(succeeded(out)).toBe(true);
			// Item 1 got its own task, the one Kling made for its external task id.
			expect(out[1].json.taskId).toBe(taskOf(1)?.taskId);
			expect(out[1].json.elementName).toBe(nameOf(1));
			const sent = postsOf(1);
			expect(sent).toHaveLength(createsForItem);
			// A slow answer was given up on, not waited for: the run was over before it would have come.
			if (fault.kind === 'delay') expect(sent[0].fault?.answered === false || sent[0].status === 0).toBe(true);
			expect(new Set(sent.map(externalIdOf)).size).toBe(1);
			expect(taskOf(1)?.externalTaskId).toBe(externalIdOf(sent[0]));
		});
	});

	it('creates that never get through end in a clear error, and nothing is charged', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'create' }, times: Infinity, fault: { kind: 'dropAfterAccept', processed: false } });
		const result = await runBatch({ items: 1 });
		verify(result, { items: 1, tasks: 0 }, () => {
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/No valid answer from Kling/);
			expect(result.error?.description).toMatch(/No task with external task ID n8n-\S+ exists on Kling, so nothing was charged/);
			expect(new Set(posts().map(externalIdOf)).size).toBe(1);
		});
	});

	it('the lookup after a lost answer rides out its own 5000', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: itemCreate(0), fault: { kind: 'dropAfterAccept' } });
		sim.injectFault({ when: { operation: 'query' }, times: 2, fault: { kind: 'error', code: 5000 } });
		const result = await runBatch({ items: 1 });
		verify(result, { items: 1, tasks: 1 }, () => {
			expect(result.error).toBeUndefined();
			expect(postsOf(0)).toHaveLength(1);
		});
	});
});

describe('unreadable answers to reads are retried', () => {
	const cases: Array<[string, Fault]> = [
		['connection dropped', { kind: 'dropAfterAccept' }],
		['answer slower than the request timeout', { kind: 'delay', ms: SLOW_MS }],
		['malformed JSON', { kind: 'malformedJson' }],
		["a relay's HTML 502 page", { kind: 'html', httpStatus: 502 }],
		['HTTP 200 with code 5001', { kind: 'okWithCode', code: 5001 }],
	];

	it.each(cases)('%s while polling', async (_label, fault) => {
		const { sim } = ctx;
		sim.injectFault({ when: { method: 'GET', product: 'elements' }, fault });
		const result = await runBatch({ items: 3 });
		verify(result, { items: 3, tasks: 3 }, () => {
			expect(result.error).toBeUndefined();
			expect(succeeded(result.output(NODE))).toBe(true);
			const [faulted] = sim.apiRequests({ method: 'GET' });
			expect(faulted.fault?.kind).toBe(fault.kind);
			if (fault.kind === 'delay') expect(faulted.fault?.answered === false || faulted.status === 0).toBe(true);
		});
	});
});

describe('HTTP 200 with a non-zero code is an error, not a success', () => {
	it('on a create: that item fails with Kling\'s message, the others go on', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: itemCreate(1), fault: { kind: 'okWithCode', code: 1201, message: 'element_description is not allowed' } });
		const result = await runBatch({ items: 3, continueOnFail: true });
		verify(result, { items: 3, tasks: 2, continueOnFail: true }, () => {
			expect(result.status).toBe('success');
			const out = result.output(NODE);
			expect(out[1].json.error).toMatch(/Invalid parameter: element_description is not allowed/);
			expect(out[1].json).not.toHaveProperty('elementId');
			expect(typeof out[0].json.elementId).toBe('string');
			expect(typeof out[2].json.elementId).toBe('string');
			expect(postsOf(1)).toHaveLength(1);
		});
	});

	it('on a create without Continue On Fail: the workflow stops on that item', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'create' }, fault: { kind: 'okWithCode', code: 1300 } });
		const result = await runBatch({ items: 1 });
		verify(result, { items: 1, tasks: 0 }, () => {
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/Blocked by platform policy/);
			expect(result.error?.description).toMatch(/Kling code 1300 · request ID \S+/);
		});
	});

	it('on a status read: the error names the task, which keeps running on Kling', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'query' }, fault: { kind: 'okWithCode', code: 1200, message: 'bad query' } });
		const result = await runBatch({ items: 1 });
		verify(result, { items: 1, tasks: 1 }, () => {
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/bad query/);
			const taskId = taskOf(0)!.taskId;
			expect(`${result.error?.message} ${result.error?.description}`).toContain(taskId);
		});
	});
});

describe('polling that cannot get an answer names the tasks it leaves behind', () => {
	it('with Continue On Fail: every item is an error item carrying its task id', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { method: 'GET', product: 'elements' }, times: Infinity, fault: { kind: 'error', code: 5000 } });
		const result = await runBatch({ items: 3, continueOnFail: true });
		verify(result, { items: 3, tasks: 3, continueOnFail: true }, () => {
			const out = result.output(NODE);
			for (const [index, item] of out.entries()) {
				expect(item.json.error).toMatch(/Kling internal error/);
				expect(item.json.taskId).toBe(taskOf(index)?.taskId);
				// Each item's description speaks for that item: one note at most, never its own task as "other".
				const notes = String(item.json.description).match(/other items: [^.]*\./g) ?? [];
				expect(notes.length).toBeLessThanOrEqual(1);
				for (const note of notes) expect(note).not.toContain(taskOf(index)!.taskId);
			}
		});
	});

	it('without it: the error names the task of the item it stopped on', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { method: 'GET', product: 'elements' }, times: Infinity, fault: { kind: 'error', code: 5000 } });
		const result = await runBatch({ items: 1 });
		verify(result, { items: 1, tasks: 1 }, () => {
			expect(result.status).toBe('error');
			expect(`${result.error?.message} ${result.error?.description}`).toContain(taskOf(0)!.taskId);
		});
	});
});

describe('a task that never finishes', () => {
	it('fails its own item with the task id at the timeout; the other items succeed', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: itemCreate(1), fault: { kind: 'stuck' } });
		const result = await runBatch({ items: 3, continueOnFail: true, node: { timeoutMinutes: 0.5 } });
		verify(result, { items: 3, tasks: 3, continueOnFail: true }, () => {
			expect(result.status).toBe('success');
			const out = result.output(NODE);
			const stuck = taskOf(1)!;
			expect(stuck.status).toBe('processing');
			expect(out[1].json.error).toBe(`Kling task ${stuck.taskId} is still processing after 0.5 minutes`);
			expect(out[1].json.taskId).toBe(stuck.taskId);
			expect(typeof out[0].json.elementId).toBe('string');
			expect(typeof out[2].json.elementId).toBe('string');
		});
	});

	it('stops the workflow with the task id when Continue On Fail is off', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'create' }, fault: { kind: 'stuck', status: 'submitted' } });
		const result = await runBatch({ items: 1, node: { timeoutMinutes: 0.5 } });
		verify(result, { items: 1, tasks: 1 }, () => {
			expect(result.status).toBe('error');
			expect(result.error?.message).toBe(`Kling task ${taskOf(0)!.taskId} is still submitted after 0.5 minutes`);
			expect(result.error?.description).toContain(taskOf(0)!.taskId);
		});
	});
});

describe('token timing (1003, 1004) is retried once with a fresh token', () => {
	it.each([1003, 1004])('%i on a create: one retry, one task', async (code) => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'create' }, fault: { kind: 'error', code } });
		const result = await runBatch({ items: 1, keyPair: true });
		verify(result, { items: 1, tasks: 1 }, () => {
			expect(result.error).toBeUndefined();
			const [rejected, retried] = posts();
			expect(posts()).toHaveLength(2);
			expect(rejected.code).toBe(code);
			expect(retried.headers.authorization).toMatch(/^Bearer ey/);
		});
	});

	it('1004 on a status read: one retry', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'query' }, fault: { kind: 'error', code: 1004 } });
		const result = await runBatch({ items: 1, keyPair: true });
		verify(result, { items: 1, tasks: 1 }, () => {
			expect(result.error).toBeUndefined();
		});
	});

	it('1004 twice in a row is reported, not retried again', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'create' }, times: 2, fault: { kind: 'error', code: 1004 } });
		const result = await runBatch({ items: 1, keyPair: true });
		verify(result, { items: 1, tasks: 0 }, () => {
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/signed token has expired/);
			expect(result.error?.description).toMatch(/clock/);
			expect(posts()).toHaveLength(2);
		});
	});
});
