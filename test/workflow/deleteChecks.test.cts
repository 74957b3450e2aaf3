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
