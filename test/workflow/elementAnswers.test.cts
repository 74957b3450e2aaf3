/**
 * What Kling's element answers may leave out. An element's kind (image element or video character): Kling writes `reference_type`, some relays `element_type`
 * (kling-api.md §3.2). The node reads either, says "unknown" when an answer names neither, and never lets an unknown
 * kind switch a check off: rules that depend on it are decided for every kind it could be.
 */
import { chain, runWorkflow } from '../harness/workflow.cts';
import { apiKeyCredential, klingNode, useSimulator } from './helpers.cts';
import { elementList, omniNode, seedElements } from './videoHelpers.cts';

const ctx = useSimulator({ timing: { submittedMs: 20, processingMs: 40 } });

const listElements = klingNode('Elements', { resource: 'element', operation: 'getAll', library: 'custom', returnAll: true });

describe('Element kinds', () => {
	it.each([
		['reference_type', 'video_refer'],
		['element_type', 'video_refer'],
		['none', 'unknown'],
	] as const)('reads the kind from %s', async (elementKindKey, shown) => {
		const { sim } = ctx;
		sim.options.elementKindKey = elementKindKey;
		seedElements(sim, 1, 'video_refer');
		const result = await runWorkflow({ ...chain(listElements), credentials: apiKeyCredential(sim) });
		expect(result.output('Elements')[0].json.referenceType).toBe(shown);
	});

	it('refuses a video character on Kling O1 when the kind comes as element_type, before anything is created', async () => {
		const { sim } = ctx;
		sim.options.elementKindKey = 'element_type';
		const [character] = seedElements(sim, 1, 'video_refer');
		// Given by ID, the element is read from the list only to translate the @mention; its kind is then known too.
		const omni = omniNode({ model: 'kling-video-o1', prompt: '@Actor 1 waves at the camera', elements: elementList(character) });
		const result = await runWorkflow({ ...chain(omni), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toMatch(/Kling O1 takes only image elements/);
		expect(sim.apiRequests({ method: 'GET' }).map((request) => request.path)).toEqual(['/v1/general/advanced-custom-elements']);
		expect(sim.apiRequests({ method: 'POST' })).toHaveLength(0);
	});

	it('leaves an element whose kind it cannot know to Kling on Kling O1, and reports what Kling says', async () => {
		const { sim } = ctx;
		sim.options.elementKindKey = 'none';
		const [character] = seedElements(sim, 1, 'video_refer');
		const omni = omniNode({ model: 'kling-video-o1', prompt: '@Actor 1 waves at the camera', elements: elementList(character) });
		const result = await runWorkflow({ ...chain(omni), credentials: apiKeyCredential(sim) });
		// An image element would be fine: the node sends the create, and Kling's refusal costs nothing.
		const [create] = sim.apiRequests({ method: 'POST' });
		expect(create.body).toMatchObject({ prompt: '<<<element_1>>> waves at the camera', element_list: [{ element_id: character }] });
		expect(result.error?.message).toMatch(/accepts multi-image elements only/);
		expect(sim.createdTaskCount()).toBe(0);
	});

	it('still refuses what is wrong whatever the unknown kinds are', async () => {
		const { sim } = ctx;
		sim.options.elementKindKey = 'none';
		const elements = seedElements(sim, 4, 'video_refer');
		const first = { use: 'first_frame', source: 'url', url: 'https://cdn.example.com/first.png' };
		const result = await runWorkflow({ ...chain(omniNode({ images: { image: [first] }, elements: elementList(...elements) })), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toMatch(/With a first frame, Kling 3.0 Omni takes at most 3 elements \(there are 4\)/);
		expect(sim.apiRequests({ method: 'POST' })).toHaveLength(0);
	});
});

describe('Element voices', () => {
	it.each(['empty', 'null', 'absent'] as const)('outputs a video element whose element_voice_info is %s as having no voice', async (missingVoiceInfo) => {
		const { sim } = ctx;
		sim.options.missingVoiceInfo = missingVoiceInfo;
		const create = klingNode('Create Element', {
			resource: 'element',
			operation: 'create',
			elementName: 'Anchor',
			elementDescription: 'A news anchor who speaks in the clip',
			referenceType: 'video_refer',
			videoUrl: 'https://cdn.example.com/anchor.mp4',
		});
		const result = await runWorkflow({ ...chain(create), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		const [item] = result.output('Create Element');
		expect(item.json).toMatchObject({ elementId: sim.tasks('elements')[0].outputId, referenceType: 'video_refer', status: 'succeed' });
		expect(item.json.voiceId).toBeUndefined();
	});
});
