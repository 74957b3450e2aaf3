/**
 * Element → Delete and Voice → Delete change the account, so every item's input is checked before the first delete:
 * an item without an ID further down must not stop the node with half the batch already deleted.
 */
import { chain, emptyItems, runWorkflow } from '../harness/workflow.cts';
import { apiKeyCredential, klingNode, useSimulator } from './helpers.cts';
import { byId } from './videoHelpers.cts';

const ctx = useSimulator();

const deleteSecondWithoutId = (kind: 'element' | 'voice', id: string, continueOnFail = false) => ({
	...klingNode('Delete', { resource: kind, operation: 'delete', [kind]: byId(`={{ $json.index === 0 ? "${id}" : "" }}`) }),
	continueOnFail,
});

describe('Delete of several items', () => {
	it.each(['element', 'voice'] as const)('%s: refuses an item without an ID before deleting anything', async (kind) => {
		const { sim } = ctx;
		const id = kind === 'element' ? sim.seedElement({ name: 'Rex' }) : sim.seedVoice({ name: 'Narrator' });
		const result = await runWorkflow({ ...chain(emptyItems(2), deleteSecondWithoutId(kind, id)), credentials: apiKeyCredential(sim) });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe(`${kind === 'element' ? 'Element' : 'Voice'} is required: pick one from the list or enter its ID`);
		expect(sim.apiRequests({ method: 'POST' })).toEqual([]);
	});

	it.each(['element', 'voice'] as const)('%s: with Continue On Fail, deletes the others and outputs the refused item as its error', async (kind) => {
		const { sim } = ctx;
		const id = kind === 'element' ? sim.seedElement({ name: 'Rex' }) : sim.seedVoice({ name: 'Narrator' });
		const result = await runWorkflow({ ...chain(emptyItems(2), deleteSecondWithoutId(kind, id, true)), credentials: apiKeyCredential(sim) });
		expect(result.status).toBe('success');
		const [deleted, refused] = result.output('Delete');
		expect(deleted.json).toEqual({ deleted: true, [`${kind}Id`]: id });
		expect(refused.json.error).toMatch(/is required/);
	});
});

describe('Delete whose first answer is lost', () => {
	it.each([
		['voice', 'delete-voices'],
		['element', 'delete-advanced-elements'],
	] as const)('%s: the retry finds it gone, and the error says the lost try may have deleted it (never "deleted" for an ID it cannot vouch for)', async (kind, path) => {
		const { sim } = ctx;
		const id = kind === 'element' ? sim.seedElement({ name: 'Rex' }) : sim.seedVoice({ name: 'Narrator' });
		sim.injectFault({ when: { pathIncludes: path }, fault: { kind: 'dropAfterAccept' } });
		const result = await runWorkflow({ ...chain(klingNode('Delete', { resource: kind, operation: 'delete', [kind]: byId(id) })), credentials: apiKeyCredential(sim) });
		expect(result.error).toMatchObject({
			message: `Kling has no custom ${kind} with ID ${id}`,
			description: expect.stringMatching(new RegExp(`^An earlier try of this delete got no answer, so it may have deleted the ${kind}\\.`)),
		});
	});

	it('says nothing of a lost try when every answer came', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(klingNode('Delete', { resource: 'voice', operation: 'delete', voice: byId('829824295735419999') })), credentials: apiKeyCredential(sim) });
		expect(result.error?.description).toMatch(/^Presets cannot be deleted/);
	});
});

describe('Element → Delete refused by both paths', () => {
	it("quotes the advanced path's reason first, not only the older path's \"does not exist\"", async () => {
		const { sim } = ctx;
		const id = sim.seedElement({ name: 'Rex' });
		const reason = 'element_id is used by a running task and cannot be deleted now';
		sim.injectFault({ when: { pathIncludes: 'delete-advanced-elements' }, fault: { kind: 'error', code: 1201, message: reason } });
		sim.injectFault({ when: { pathIncludes: '/delete-elements' }, fault: { kind: 'error', code: 1201, message: `element_id ${id} does not exist` } });
		const result = await runWorkflow({ ...chain(klingNode('Delete', { resource: 'element', operation: 'delete', element: byId(id) })), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toBe(`Kling has no custom element with ID ${id}`);
		expect(result.error?.description).toMatch(new RegExp(`delete-advanced-elements: .*${reason}.*; .*delete-elements: .*element_id ${id} does not exist`));
	});
});
