/**
 * Element → Get (an element, picked or by ID) and Element → Get Creation Task (the task that creates one). Kling has
 * no "get element" endpoint: Get looks through the account's library, then the presets (kling-api.md §3.3, §3.4).
 */
import type { IDataObject } from 'n8n-workflow';

import { chain, emptyItems, runWorkflow } from '../harness/workflow.cts';
import { apiKeyCredential, createMiraElement, klingNode, useSimulator } from './helpers.cts';
import { byId } from './videoHelpers.cts';

const ctx = useSimulator({ timing: { submittedMs: 20, processingMs: 40 } });

const CUSTOM = '/v1/general/advanced-custom-elements';
const PRESETS = '/v1/general/advanced-presets-elements';

const getElement = (element: unknown) => klingNode('Get Element', { resource: 'element', operation: 'get', element: element as IDataObject });
const getTask = (taskId: string) => klingNode('Get Creation Task', { resource: 'element', operation: 'getTask', taskId });

async function run(...nodes: Array<ReturnType<typeof klingNode>>) {
	return await runWorkflow({ ...chain(...nodes), credentials: apiKeyCredential(ctx.sim) });
}

const listReads = () => ctx.sim.apiRequests({ method: 'GET' }).map((request) => request.path);

describe('Element → Get', () => {
	it('gets one of your elements by ID from your library, without reading the presets', async () => {
		const { sim } = ctx;
		const id = sim.seedElement({ name: 'Captain Mira', description: 'A tall woman in a red pilot jacket', tagIds: ['o_102'] });
		const result = await run(getElement(byId(id)));
		expect(result.error).toBeUndefined();
		expect(result.output('Get Element').map((item) => item.json)).toEqual([
			expect.objectContaining({
				elementId: id,
				elementName: 'Captain Mira',
				elementDescription: 'A tall woman in a red pilot jacket',
				referenceType: 'image_refer',
				elementStatus: 'succeed',
				tags: ['o_102'],
				frontalImage: 'https://example.com/seed/front.png',
				referImages: ['https://example.com/seed/side.png'],
			}),
		]);
		expect(listReads()).toEqual([CUSTOM]);
		expect(sim.apiRequests({ method: 'POST' })).toHaveLength(0);
	});

	it('gets a Kling preset, with its voice, after looking through your library', async () => {
		const { sim } = ctx;
		sim.seedElement({ name: 'Captain Mira' });
		const anchor = sim.presetElementIds()[2];
		const result = await run(getElement(byId(anchor)));
		expect(result.error).toBeUndefined();
		expect(result.output('Get Element')[0].json).toMatchObject({
			elementId: anchor,
			elementName: 'News Anchor',
			referenceType: 'video_refer',
			ownedBy: 'kling',
			voiceId: sim.presetVoiceIds()[0],
			voiceName: 'Warm Narrator',
		});
		expect(listReads()).toEqual([CUSTOM, PRESETS]);
	});

	it('takes the element picked from the list, and an ID from an expression exact to the last digit', async () => {
		const { sim } = ctx;
		const picked = sim.seedElement({ name: 'Rex' });
		const fromList = await run(getElement({ __rl: true, mode: 'list', value: picked, cachedResultName: 'Rex' }));
		expect(fromList.output('Get Element')[0].json).toMatchObject({ elementId: picked, elementName: 'Rex' });

		const chained = await run(createMiraElement(), getElement(byId('={{ $json.elementId }}')));
		expect(chained.error).toBeUndefined();
		const created = chained.output('Create Element')[0].json.elementId as string;
		expect(BigInt(created)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
		expect(chained.output('Get Element')[0].json).toMatchObject({ elementId: created, elementName: 'Captain Mira' });
	});

	it('reads the libraries once for all the items of a run', async () => {
		const { sim } = ctx;
		const ids = [sim.seedElement({ name: 'Rex' }), sim.presetElementIds()[0], sim.seedElement({ name: 'Mira' })];
		const get = klingNode('Get Element', { resource: 'element', operation: 'get', element: byId(`={{ ${JSON.stringify(ids)}[$json.index] }}`) });
		const result = await runWorkflow({ ...chain(emptyItems(3), get), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		expect(result.output('Get Element').map((item) => item.json.elementName)).toEqual(['Rex', 'Astronaut', 'Mira']);
		expect(listReads()).toEqual([CUSTOM, PRESETS]);
	});

	it('shows a deleted element as deleted', async () => {
		const { sim } = ctx;
		const id = sim.seedElement({ name: 'Old prop' });
		const result = await run(
			klingNode('Delete Element', { resource: 'element', operation: 'delete', element: byId(id) }),
			getElement(byId(id)),
		);
		expect(result.error).toBeUndefined();
		expect(result.output('Get Element')[0].json).toMatchObject({ elementId: id, elementStatus: 'deleted' });
	});

	it('Get Many leaves deleted elements out unless Include Deleted is on, Return All and Include Deleted from expressions', async () => {
		const { sim } = ctx;
		const [kept, gone] = [sim.seedElement({ name: 'Rex' }), sim.seedElement({ name: 'Old prop' })];
		expect((await run(klingNode('Delete Element', { resource: 'element', operation: 'delete', element: byId(gone) }))).error).toBeUndefined();
		const listed = async (filters: IDataObject) => {
			const result = await run(klingNode('Get Many', { resource: 'element', operation: 'getAll', library: 'custom', returnAll: '={{ true }}', filters }));
			return result.output('Get Many').map((item) => item.json.elementId);
		};
		expect(await listed({})).toEqual([kept]);
		expect((await listed({ includeDeleted: '={{ true }}' })).sort()).toEqual([kept, gone].sort());
	});

	it('says Kling has no element with an unknown ID, after reading both libraries, and goes on with Continue On Fail', async () => {
		const { sim } = ctx;
		const known = sim.seedElement({ name: 'Rex' });
		const stopped = await run(getElement(byId('835266081714880000')));
		expect(stopped.status).toBe('error');
		expect(stopped.error?.message).toBe('Kling has no element with ID 835266081714880000');
		expect(stopped.error?.description).toMatch(/Get Creation Task/);
		expect(listReads()).toEqual([CUSTOM, PRESETS]);

		const items = { ...klingNode('Get Element', { resource: 'element', operation: 'get', element: byId(`={{ $json.index === 0 ? "835266081714880000" : "${known}" }}`) }), continueOnFail: true };
		const continued = await runWorkflow({ ...chain(emptyItems(2), items), credentials: apiKeyCredential(sim) });
		expect(continued.status).toBe('success');
		const [missing, found] = continued.output('Get Element');
		expect(missing.json.error).toBe('Kling has no element with ID 835266081714880000');
		expect(found.json).toMatchObject({ elementId: known, elementName: 'Rex' });
		expect([missing.pairedItem, found.pairedItem]).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

describe('Element → Get Creation Task', () => {
	it('outputs a task that is still running with its status and no element yet', async () => {
		const { sim } = ctx;
		sim.options.timing = { submittedMs: 60_000, processingMs: 60_000 };
		const result = await run(createMiraElement({ options: { completion: 'returnTask', externalTaskId: 'campaign-9-mira' } }), getTask('={{ $json.externalTaskId }}'));
		expect(result.error).toBeUndefined();
		const [task] = sim.tasks('elements');
		expect(result.output('Get Creation Task')[0].json).toMatchObject({ taskId: task.taskId, externalTaskId: 'campaign-9-mira', status: 'submitted' });
		expect(result.output('Get Creation Task')[0].json.elementId).toBeUndefined();
		expect(sim.apiRequests({ method: 'GET' }).map((request) => request.path)).toEqual([`${CUSTOM}/campaign-9-mira`]);
	});

	it("outputs a failed task with Kling's reason", async () => {
		const { sim } = ctx;
		sim.failTaskWhen(() => 'Face not detected in the frontal image');
		const created = await run({ ...createMiraElement(), continueOnFail: true });
		const taskId = created.output('Create Element')[0].json.taskId as string;
		const result = await run(getTask(taskId));
		expect(result.error).toBeUndefined();
		expect(result.output('Get Creation Task')[0].json).toMatchObject({ taskId, status: 'failed', statusMessage: 'Face not detected in the frontal image' });
	});
});
