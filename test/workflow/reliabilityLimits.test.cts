/**
 * Reliability under faults, part 1: rate limits, Retry-After, account problems and token timing.
 * See reliabilityKit.cts for what every test checks.
 */
import { externalIdOf, NODE, reliabilitySuite, succeeded } from './reliabilityKit.cts';

const { ctx, runBatch, verify, posts } = reliabilitySuite('limits');

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
		const result = await runBatch({ items: 3, continueOnFail: true, node: { options: { timeoutMinutes: 0.1 } } });
		verify(result, { items: 3, tasks: 0, continueOnFail: true }, () => {
			const out = result.output(NODE);
			expect(out).toHaveLength(3);
			for (const item of out) {
				expect(item.json.error).toBe('Kling stayed at its concurrency or rate limit; no task was created');
				expect(item.json.description).toMatch(/Lower Options → Max Concurrent Tasks.*Options → Timeout \(Minutes\)/);
			}
		});
	});
});

describe('Retry-After is honoured', () => {
	const SECONDS = 20; // where the first back-off would otherwise be 1 s (virtual time: 0.4 s real)

	it('on a create', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'create' }, fault: { kind: 'retryAfter', seconds: SECONDS } });
		const result = await runBatch({ items: 3 });
		verify(result, { items: 3, tasks: 3 }, () => {
			expect(result.error).toBeUndefined();
			const [refused, next] = posts();
			expect(refused.fault?.kind).toBe('retryAfter');
			expect(next.receivedAt - refused.receivedAt).toBeGreaterThanOrEqual(SECONDS * 1000);
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
			expect(reads[refused + 1].receivedAt - reads[refused].receivedAt).toBeGreaterThanOrEqual(SECONDS * 1000);
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
