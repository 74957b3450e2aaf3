/** actions/account/getResourcePacks.operation.ts: the answer's own code (§12a) is read, not only the envelope's. */
import { execute } from '../../../../nodes/Kling/actions/account/getResourcePacks.operation';
import { executeContext, failureOf, FakeKling, ok, useFakeTime } from '../../executeKit.cts';

useFakeTime();

describe('Account → Get Resource Packs', () => {
	it("fails with Kling's reason when the answer's own code is not 0, rather than output no packs", async () => {
		const kling = new FakeKling().inject(() => true, ok({ code: 1103, msg: 'no permission to query costs' }));
		const error = await failureOf(execute.call(executeContext({ kling }).ctx));
		expect(error.message).toBe('No permission for this API or model: no permission to query costs');
	});

	it("keeps the API key out of the error when the answer's own message echoes it, as an envelope's refusal does", async () => {
		const kling = new FakeKling().inject(() => true, ok({ code: 1103, msg: 'no permission for token test-api-key' }));
		const error = await failureOf(execute.call(executeContext({ kling }).ctx));
		expect(error.message).toBe('No permission for this API or model: no permission for token [redacted]');
	});

	it('outputs one item per pack when the code is 0', async () => {
		const pack = { resource_pack_name: 'Video Pack', resource_pack_id: '900000000000000001', status: 'online' };
		const kling = new FakeKling().inject(() => true, ok({ code: 0, msg: 'success', resource_pack_subscribe_infos: [pack] }));
		const output = await execute.call(executeContext({ kling }).ctx);
		expect(output.map((item) => item.json)).toEqual([expect.objectContaining({ packName: 'Video Pack', packId: '900000000000000001', status: 'online' })]);
	});
});
