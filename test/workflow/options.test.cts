/**
 * The Options collection every create shares: Completion, its limits, and the task's own Callback URL and External
 * Task ID (actions/shared/options.ts). What the options put into a request reaches Kling as the user wrote it; what is
 * wrong is refused, naming the option, before anything is sent.
 */
import type { IDataObject } from 'n8n-workflow';

import { badInputRecorder } from '../harness/report.cts';
import { chain, emptyItems, runWorkflow } from '../harness/workflow.cts';
import { apiKeyCredential, createMiraElement, klingNode, useSimulator } from './helpers.cts';
import { imageToVideoNode, motionNode, omniNode } from './videoHelpers.cts';

const ctx = useSimulator({ timing: { submittedMs: 2_000, processingMs: 8_000 } });
const record = badInputRecorder('options');

/** Every create, with its Options set to `options`. */
const CREATES: Array<[operation: string, make: (options: IDataObject) => ReturnType<typeof klingNode>]> = [
	['Element → Create', (options) => createMiraElement({ options })],
	['Element → Generate Views', (options) => klingNode('Create', { resource: 'element', operation: 'generateViews', frontalImageSource: 'url', frontalImageUrl: 'https://cdn.example.com/mira-front.png', options })],
	['Voice → Create', (options) => klingNode('Create', { resource: 'voice', operation: 'create', voiceName: 'Narrator', voiceUrl: 'https://cdn.example.com/voice.mp3', options })],
	['Video → Omni Video', (options) => omniNode({ options }, 'Create')],
	['Video → Image to Video', (options) => imageToVideoNode({ options }, 'Create')],
	['Video → Motion Control', (options) => motionNode({ options }, 'Create')],
	['Image → Omni Image', (options) => klingNode('Create', { resource: 'image', operation: 'omniImage', model: 'kling-v3-omni', prompt: 'A poster', options })],
	['Image → Generate', (options) => klingNode('Create', { resource: 'image', operation: 'generate', prompt: 'A poster', options })],
];

const nameOf = (node: ReturnType<typeof klingNode>) => node.name;

async function run(...nodes: Array<ReturnType<typeof klingNode>>) {
	return await runWorkflow({ ...chain(...nodes), credentials: apiKeyCredential(ctx.sim) });
}

describe('Options → Callback URL and External Task ID', () => {
	it.each(CREATES)('%s sends them to Kling, trimmed', async (_operation, make) => {
		const { sim } = ctx;
		const node = make({ completion: 'returnTask', callbackUrl: ' https://hooks.example.com/kling ', externalTaskId: ' campaign-42-hero ' });
		const result = await run(node);
		expect(result.error).toBeUndefined();
		const [create] = sim.apiRequests({ method: 'POST' });
		expect(create.body).toMatchObject({ callback_url: 'https://hooks.example.com/kling', external_task_id: 'campaign-42-hero' });
		expect(result.output(nameOf(node))[0].json).toMatchObject({ externalTaskId: 'campaign-42-hero', taskId: sim.tasks()[0].taskId });
	});

	it('gives each item its own external task ID from an expression', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({
			...chain(emptyItems(2), createMiraElement({ options: { completion: 'returnTask', externalTaskId: '={{ "campaign-42-" + $json.index }}' } })),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		expect(sim.apiRequests({ method: 'POST' }).map((request) => (request.body as IDataObject).external_task_id)).toEqual(['campaign-42-0', 'campaign-42-1']);
		expect(result.output('Create Element').map((item) => item.json.externalTaskId)).toEqual(['campaign-42-0', 'campaign-42-1']);
	});

	it('without them, sends no callback URL and an external task ID the node made', async () => {
		const { sim } = ctx;
		const result = await run(createMiraElement({ options: { completion: 'returnTask' } }));
		expect(result.error).toBeUndefined();
		const [create] = sim.apiRequests({ method: 'POST' });
		expect(create.body).not.toHaveProperty('callback_url');
		expect((create.body as IDataObject).external_task_id).toMatch(/^n8n-/);
	});

	it.each(CREATES)('%s refuses a Callback URL that is not http(s), naming it, before any request', async (operation, make) => {
		const { sim } = ctx;
		const result = await run(make({ callbackUrl: 'hooks.example.com/kling' }));
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Options → Callback URL must be an http(s) URL (it is "hooks.example.com/kling")');
		record({ operation, input: 'a callback URL that is not http(s)', requests: sim.requests.length, creates: sim.createdTaskCount() });
		expect(sim.requests).toHaveLength(0);
	});
});

describe('Options → Completion', () => {
	it('Wait Until Done (Poll) is the default: the node outputs the finished element', async () => {
		const { sim } = ctx;
		const result = await run(createMiraElement());
		expect(result.output('Create Element')[0].json).toMatchObject({ status: 'succeed', elementId: sim.tasks('elements')[0].outputId });
		expect(sim.apiRequests({ method: 'GET' }).length).toBeGreaterThan(0);
	});

	it('Return Task Immediately outputs the task as Kling answered the create, without reading it', async () => {
		const { sim } = ctx;
		const result = await run(createMiraElement({ options: { completion: 'returnTask' } }));
		expect(result.status).toBe('success');
		expect(result.output('Create Element')[0].json).toMatchObject({ status: 'submitted', taskId: sim.tasks('elements')[0].taskId });
		expect(result.output('Create Element')[0].json.elementId).toBeUndefined();
		expect(sim.apiRequests({ method: 'GET' })).toHaveLength(0);
	});

	it('Pause Until Kling Calls Back puts the run to wait', async () => {
		const { sim } = ctx;
		sim.options.timing = { submittedMs: 2_000, processingMs: 600_000 };
		const result = await run(createMiraElement({ options: { completion: 'callback' } }));
		expect(result.status).toBe('waiting');
		expect((sim.apiRequests({ method: 'POST' })[0].body as IDataObject).callback_url).toMatch(/^http:\/\/localhost:5678\/webhook-waiting\//);
	});

	it('refuses a Timeout (Minutes) that is not a number, before any request', async () => {
		const { sim } = ctx;
		// Read as NaN, it would never be reached: the node would wait for as long as Kling takes.
		const result = await run(createMiraElement({ options: { timeoutMinutes: '={{ "soon" }}' } }));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/Timeout \(Minutes\)/);
		record({ operation: 'Element → Create', input: 'a timeout that is not a number', requests: sim.requests.length, creates: sim.createdTaskCount() });
		expect(sim.requests).toHaveLength(0);
	});
});
