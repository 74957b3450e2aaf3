/**
 * The reliability suite's shared harness (issue "Reliability and security under faults"). Every test runs a real
 * workflow against the simulator with a fault switched on and checks three things:
 *
 *  (a) what the user sees: retried and succeeded, or a clear error that names the task;
 *  (b) no item lost: every input item yields an output item or an error item (pairedItem covers 0..n-1);
 *  (c) no duplicate task: the simulator created exactly the tasks that should exist, at most one per item.
 *
 * Each test file of the suite writes test-results/reliability/<part>.json (one row per test); `npm run figures`
 * adds them up for the README table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { chain, emptyItems, PACKAGE_ROOT, runWorkflow, type RunResult } from '../harness/workflow.cts';
import type { Fault, FaultRule, LoggedRequest } from '../simulator/index.cts';
import { SPEED } from '../harness/virtualTime.cts';
import { apiKeyCredential, imageUrls, keyPairCredential, klingNode, useSimulator } from './helpers.cts';

export const NODE = 'Create Element';
/** The transport's per-attempt timeout: 60 s, in the suite's virtual time (harness/virtualTime.cts) like every wait. */
const REQUEST_TIMEOUT_MS = 60_000;
/** A delay well past that timeout (150 s of virtual time, 3 s real). */
export const SLOW_MS = REQUEST_TIMEOUT_MS * 2.5;

export const nameOf = (index: number) => `Item ${index}`;

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

/** Matches the create of one item (its element name is in the body). */
export const itemCreate = (index: number): FaultRule['when'] => ({ operation: 'create', bodyIncludes: `"${nameOf(index)}"` });

export const externalIdOf = (request: LoggedRequest) => (request.body as { external_task_id?: string } | undefined)?.external_task_id;

export const succeeded = (out: INodeExecutionData[]) => out.every((item) => item.json.error === undefined && typeof item.json.elementId === 'string');

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
 * One part of the suite: a simulator for its tests, helpers bound to it, and its rows written after its last test.
 * Call once at the top of a test file.
 */
export function reliabilitySuite(part: string) {
	const ctx = useSimulator({ timing: { submittedMs: 20, processingMs: 40 } });
	const rows: CaseRow[] = [];

	async function runBatch({ items, continueOnFail = false, node = {}, keyPair = false }: Batch): Promise<RunResult> {
		const { sim } = ctx;
		return await runWorkflow({
			...chain(emptyItems(items), createElement(node, continueOnFail)),
			credentials: keyPair ? keyPairCredential(sim) : apiKeyCredential(sim),
		});
	}

	const posts = () => ctx.sim.apiRequests({ method: 'POST' });
	const postsOf = (index: number) => posts().filter((r) => r.rawBody.includes(`"${nameOf(index)}"`));
	const taskOf = (index: number) => ctx.sim.tasks('elements').find((task) => task.body.element_name === nameOf(index));

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
		const covered = result.output(expected.node ?? NODE).map((item) => (item.pairedItem as { item: number } | undefined)?.item);
		expect(row.faults.length).toBeGreaterThan(0); // the fault under test did happen
		if (result.status === 'success') {
			expect(covered).toEqual(Array.from({ length: expected.items }, (_, item) => item));
		} else {
			expect(result.error?.message).toBeTruthy();
			expect(result.error?.itemIndex).toBeDefined();
		}
		expect(row.duplicateTasks).toBe(0);
		expect(ctx.sim.createdTaskCount()).toBe(expected.tasks);
	}

	afterAll(() => writeSummary(part, rows));

	return { ctx, runBatch, verify, posts, postsOf, taskOf };
}

function writeSummary(part: string, rows: CaseRow[]) {
	const dir = path.join(PACKAGE_ROOT, 'test-results', 'reliability');
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
	const summary = { suite: 'reliability', part, generatedAt: new Date().toISOString(), virtualTimeSpeed: SPEED, totals, cases: rows };
	writeFileSync(path.join(dir, `${part}.json`), `${JSON.stringify(summary, null, 2)}\n`);
	process.stdout.write(`RELIABILITY_SUMMARY ${part} ${JSON.stringify(totals)}\n`);
}
