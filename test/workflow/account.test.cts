/** Account → Get Resource Packs: `GET /account/costs` (kling-api.md §12a), one item per pack. */
import { chain, emptyItems, runWorkflow } from '../harness/workflow.cts';
import { apiKeyCredential, klingNode, useSimulator } from './helpers.cts';

const ctx = useSimulator();

const getPacks = (options: Record<string, unknown> = {}) => klingNode('Resource Packs', { resource: 'account', operation: 'getResourcePacks', options });

describe('Account → Get Resource Packs', () => {
	it('outputs one item per pack of the last year, expired ones included, with readable dates', async () => {
		const { sim } = ctx;
		const before = Date.now();
		const result = await runWorkflow({ ...chain(getPacks()), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		expect(result.output('Resource Packs').map((item) => item.json)).toEqual([
			{ packName: 'Video Pack 3000', packId: '900000000000000001', packType: 'decreasing_total', status: 'online', total: 3000, remaining: 2210, purchasedAt: expect.stringMatching(/^20\d\d-/), effectiveAt: expect.any(String), expiresAt: expect.any(String) },
			{ packName: 'Image Pack 500', packId: '900000000000000002', packType: 'decreasing_total', status: 'runOut', total: 500, remaining: 0, purchasedAt: expect.any(String), effectiveAt: expect.any(String), expiresAt: expect.any(String) },
			{ packName: 'Image Pack 2000', packId: '900000000000000004', packType: 'decreasing_total', status: 'online', total: 2000, remaining: 1960, purchasedAt: expect.any(String), effectiveAt: expect.any(String), expiresAt: expect.any(String) },
			{ packName: 'Video Pack 1000', packId: '900000000000000003', packType: 'decreasing_total', status: 'expired', total: 1000, remaining: 12, purchasedAt: expect.any(String), effectiveAt: expect.any(String), expiresAt: expect.any(String) },
		]);
		const [query] = sim.apiRequests({ pathIncludes: '/account/costs' });
		expect(Number(query.query.end_time)).toBeGreaterThanOrEqual(before);
		expect(Number(query.query.end_time) - Number(query.query.start_time)).toBe(365 * 86_400_000);
		expect(query.query.resource_pack_name).toBeUndefined();
	});

	it('asks Kling for one pack by name, and for a shorter window', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(getPacks({ packName: ' Image Pack 500 ', days: 30 })), credentials: apiKeyCredential(sim) });
		expect(result.output('Resource Packs').map((item) => item.json.packName)).toEqual(['Image Pack 500']);
		const [query] = sim.apiRequests({ pathIncludes: '/account/costs' });
		expect(query.query.resource_pack_name).toBe('Image Pack 500');
		expect(Number(query.query.end_time) - Number(query.query.start_time)).toBe(30 * 86_400_000);
	});

	it('spaces the queries of several items at least a second apart, as Kling asks, so none is refused', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(emptyItems(2), getPacks()), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		const queries = sim.apiRequests({ pathIncludes: '/account/costs' });
		expect(queries.map((query) => query.code)).toEqual([0, 0]);
		expect(queries[1].receivedAt - queries[0].receivedAt).toBeGreaterThanOrEqual(1000);
		expect(result.output('Resource Packs')).toHaveLength(8);
		expect(result.output('Resource Packs').map((item) => item.pairedItem)).toEqual([0, 0, 0, 0, 1, 1, 1, 1].map((item) => ({ item })));
	});
});
