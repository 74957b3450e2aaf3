/**
 * Reliability under faults, part 2: server errors, lost and unreadable answers, and HTTP 200 with a
 * non-zero code. See reliabilityKit.cts for what every test checks.
 */
import { chain, runWorkflow } from '../harness/workflow.cts';
import type { Fault } from '../simulator/index.cts';
import { apiKeyCredential, klingNode } from './helpers.cts';
import { externalIdOf, itemCreate, nameOf, NODE, reliabilitySuite, SLOW_MS, succeeded } from './reliabilityKit.cts';

const { ctx, runBatch, verify, posts, postsOf, taskOf } = reliabilitySuite('answers');

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

	it('a Get Creation Task by task id rides out a 5001', async () => {
		const { sim } = ctx;
		const created = await runBatch({ items: 1, node: { options: { completion: 'returnTask' } } });
		const taskId = created.output(NODE)[0].json.taskId as string;
		sim.injectFault({ when: { operation: 'query' }, fault: { kind: 'error', code: 5001 } });
		const result = await runWorkflow({
			...chain(klingNode('Get Element', { resource: 'element', operation: 'getTask', taskId })),
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
 * A create whose answer is lost or ambiguous may or may not have made its task (kling-api.md §10). The node looks
 * the task up by external_task_id and adopts it. It never sends the create again: what Kling does with a repeated
 * external_task_id is undocumented (§2), so a second create could be a second paid task. When the task does not
 * show up, the item fails and says how to look for it later.
 */
describe('a create whose answer is lost is recovered or reported, never sent twice', () => {
	const made: Array<[string, Fault]> = [
		['5000 after the task was made', { kind: 'error', code: 5000, processed: true }],
		['5002 (backlog) after the task was made', { kind: 'error', code: 5002, processed: true }],
		['connection dropped after the create was accepted', { kind: 'dropAfterAccept' }],
		['answer slower than the request timeout', { kind: 'delay', ms: SLOW_MS }],
		['malformed JSON after the task was made', { kind: 'malformedJson' }],
		["a relay's HTML 502 page after forwarding", { kind: 'html', httpStatus: 502, processed: true }],
	];

	it.each(made)('%s: the task is found and adopted', async (_label, fault) => {
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
			expect(sent).toHaveLength(1);
			// A slow answer was given up on, not waited for: the run was over before it would have come.
			if (fault.kind === 'delay') expect(sent[0].fault?.answered === false || sent[0].status === 0).toBe(true);
			expect(taskOf(1)?.externalTaskId).toBe(externalIdOf(sent[0]));
			// Adopted by a lookup of that external task ID.
			expect(sim.apiRequests({ method: 'GET' }).some((r) => r.path.endsWith(`/${externalIdOf(sent[0])}`))).toBe(true);
		});
	});

	const notMade: Array<[string, Fault]> = [
		['5000 before the task was made', { kind: 'error', code: 5000 }],
		['connection reset before the create arrived', { kind: 'dropAfterAccept', processed: false }],
		["a relay's HTML 502 page, nothing forwarded", { kind: 'html', httpStatus: 502 }],
	];

	it.each(notMade)('%s: the item fails with the external task ID to look for, and the create is not sent again', async (_label, fault) => {
		const { sim } = ctx;
		sim.injectFault({ when: itemCreate(1), fault });
		const result = await runBatch({ items: 3, continueOnFail: true });
		verify(result, { items: 3, tasks: 2, continueOnFail: true }, () => {
			const out = result.output(NODE);
			expect(succeeded([out[0], out[2]])).toBe(true);
			const sent = postsOf(1);
			expect(sent).toHaveLength(1);
			expect(out[1].json.error).toBeDefined();
			expect(JSON.stringify(out[1].json)).toContain(`does not show one with external task ID ${externalIdOf(sent[0])} yet`);
			// It was looked for several times before the item failed.
			const lookups = sim.apiRequests({ method: 'GET' }).filter((r) => r.path.endsWith(`/${externalIdOf(sent[0])}`));
			expect(lookups.length).toBeGreaterThan(1);
		});
	});

	it('a task that shows up only on a later lookup is adopted', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: itemCreate(0), fault: { kind: 'dropAfterAccept' } });
		// Kling's backlog: the task is made, but the first two lookups do not find it yet.
		sim.injectFault({ when: { operation: 'query' }, times: 2, fault: { kind: 'error', code: 1203, httpStatus: 404 } });
		const result = await runBatch({ items: 1 });
		verify(result, { items: 1, tasks: 1 }, () => {
			expect(result.error).toBeUndefined();
			expect(postsOf(0)).toHaveLength(1);
			expect(result.output(NODE)[0].json.taskId).toBe(taskOf(0)?.taskId);
		});
	});

	it('a create that never gets an answer ends in a clear error after one send', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'create' }, times: Infinity, fault: { kind: 'dropAfterAccept', processed: false } });
		const result = await runBatch({ items: 1 });
		verify(result, { items: 1, tasks: 0 }, () => {
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/No valid answer from Kling/);
			expect(result.error?.description).toMatch(/Kling may still have created the task: it does not show one with external task ID n8n-\S+ yet/);
			expect(result.error?.description).toMatch(/Look it up with Element → Get Creation Task \(by that external task ID\)/);
			expect(posts()).toHaveLength(1);
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
