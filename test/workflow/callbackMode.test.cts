import type { IDataObject, INode } from 'n8n-workflow';
import { WAIT_INDEFINITELY, Workflow } from 'n8n-workflow';

import { callNodeWebhook } from '../harness/webhook.cts';
import { chain, emptyItems, KLING, loadPackage, runWorkflow } from '../harness/workflow.cts';
import type { KlingSimulator } from '../simulator/index.cts';
import { apiKeyCredential, imageUrls, klingNode, useSimulator } from './helpers.cts';
import { binaryBytes, imageToVideoNode } from './videoHelpers.cts';

/** Kling's time, on the suite's virtual clock: tasks run long enough to pause for. */
const TIMING = { submittedMs: 2_000, processingMs: 40_000 };

const ctx = useSimulator({ timing: TIMING });

const pauseMode = (options: IDataObject = {}) => ({ options: { completion: 'callback', ...options } });

const pausingCreate = (extra: Record<string, unknown> = {}) =>
	klingNode('Create Element', {
		resource: 'element',
		operation: 'create',
		elementName: '={{ "Copy of " + $json.elementName }}',
		elementDescription: 'A copy for the callback test',
		referenceType: 'image_refer',
		...imageUrls,
		...pauseMode(),
		...extra,
	});

function twoItems(sim: KlingSimulator) {
	sim.seedElement({ name: 'A' });
	sim.seedElement({ name: 'B' });
	return klingNode('Seeds', { resource: 'element', operation: 'getAll', returnAll: true });
}

/** Delivers a callback to the paused node's resume URL, as Kling would (the body is only a hint). */
async function deliver(nodes: INode[], callbackUrl: string, body: unknown = { task_status: 'succeed' }) {
	const { nodeTypes } = await loadPackage();
	const workflow = new Workflow({ id: 'test-workflow', nodes, connections: {}, nodeTypes, active: false });
	const query = Object.fromEntries(new URL(callbackUrl).searchParams);
	return await callNodeWebhook({
		workflow,
		node: nodes.find((node) => node.type === KLING && (node.parameters.options as IDataObject | undefined)?.completion === 'callback')!,
		credentials: apiKeyCredential(ctx.sim),
		body,
		query,
	});
}

/** Two items through a pausing Create Element: the run ends waiting; `callbackUrl` is the one every task got. */
async function pauseTwoItems(executionId: string) {
	const { sim } = ctx;
	const workflow = chain(twoItems(sim), pausingCreate());
	const credentials = apiKeyCredential(sim);
	const paused = await runWorkflow({ ...workflow, credentials, executionId });
	expect(paused.status).toBe('waiting');
	const [create] = sim.apiRequests({ method: 'POST' }).map((request) => request.body as Record<string, string>);
	return { workflow, credentials, paused, callbackUrl: create.callback_url };
}

describe('Pause Until Kling Calls Back', () => {
	it('puts the execution to wait with the resume URL as every task\'s callback URL', async () => {
		const { sim } = ctx;
		const workflow = chain(twoItems(sim), pausingCreate());
		const result = await runWorkflow({ ...workflow, credentials: apiKeyCredential(sim), executionId: 'exec-42' });

		expect(result.status).toBe('waiting');
		// No time limit: at one, n8n would resume the run with this node disabled and its input passed on as if it were
		// the result (n8n-core handleWaitingState).
		expect(result.run.waitTill).toEqual(WAIT_INDEFINITELY);
		// While it waits, the node shows each item's task, to look up with Get if Kling never calls back.
		expect(result.output('Create Element').map((item) => item.json.taskId)).toEqual(sim.tasks('elements').filter((task) => task.externalTaskId).map((task) => task.taskId));
		const creates = sim.apiRequests({ method: 'POST' }).map((request) => request.body as Record<string, string>);
		expect(creates).toHaveLength(2);
		const [first, second] = creates;
		const url = new URL(first.callback_url);
		expect(`${url.origin}${url.pathname}`).toBe('http://localhost:5678/webhook-waiting/exec-42/kling');
		expect(url.searchParams.get('klingItems')).toBe('2');
		expect(second.callback_url).toBe(first.callback_url);
		const batch = url.searchParams.get('klingBatch');
		expect([first.external_task_id, second.external_task_id]).toEqual([`n8n-${batch}-2-0`, `n8n-${batch}-2-1`]);

		// A callback while a task is unfinished is acknowledged; the execution keeps waiting.
		const early = await deliver(workflow.nodes, first.callback_url, { task_status: 'processing' });
		expect(early.status).toBe(200);
		expect(early.workflowData).toBeUndefined();

		// Once every task is done, the next callback resumes with one item per input item, in order.
		await sim.idle();
		const resumed = await deliver(workflow.nodes, first.callback_url);
		expect(resumed.workflowData?.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		const tasks = sim.tasks('elements').filter((task) => String(task.body.element_name).startsWith('Copy of'));
		expect(resumed.workflowData?.map((item) => item.json.elementId)).toEqual(
			[first, second].map((body) => tasks.find((task) => task.externalTaskId === body.external_task_id)?.outputId),
		);
		expect(sim.createdTaskCount('elements')).toBe(2);
	});

	it('trusts Kling, not the callback: a late "processing" callback after the tasks finished still resumes with them', async () => {
		const { sim } = ctx;
		const { workflow, callbackUrl } = await pauseTwoItems('exec-44');
		await sim.idle();

		const resumed = await deliver(workflow.nodes, callbackUrl, { task_status: 'processing' });
		expect(resumed.workflowData).toHaveLength(2);
		expect(resumed.workflowData?.every((item) => typeof item.json.elementId === 'string')).toBe(true);
	});

	it('never takes a forged unsigned callback\'s word: its fake video URL neither resumes the run nor reaches the output', async () => {
		const { sim } = ctx;
		const workflow = chain(imageToVideoNode(pauseMode()));
		const paused = await runWorkflow({ ...workflow, credentials: apiKeyCredential(sim), executionId: 'exec-49' });
		expect(paused.status).toBe('waiting');
		const [create] = sim.apiRequests({ method: 'POST' }).map((request) => request.body as Record<string, string>);
		const [task] = sim.tasks('image2video');
		const forged = {
			task_id: task.taskId,
			task_status: 'succeed',
			task_info: { external_task_id: create.external_task_id },
			task_result: { videos: [{ id: '1', url: 'https://attacker.example/fake.mp4', duration: '5' }] },
		};

		// Kling does not show the task done: an error answer, which a real callback Kling delivers again.
		const early = await deliver(workflow.nodes, create.callback_url, forged);
		expect(early.status).toBe(503);
		expect(early.workflowData).toBeUndefined();

		await sim.idle();
		const resumed = await deliver(workflow.nodes, create.callback_url, forged);
		const [item] = resumed.workflowData ?? [];
		expect(item?.json.videoUrl).toEqual(expect.stringContaining(sim.origin));
		expect(JSON.stringify(resumed.workflowData)).not.toContain('attacker.example');
	});

	it('keeps waiting when Kling cannot be read at a callback, and resumes at the next one', async () => {
		const { sim } = ctx;
		const { workflow, callbackUrl } = await pauseTwoItems('exec-48');
		await sim.idle();

		const removeFault = sim.injectFault({ when: { method: 'GET' }, times: Infinity, fault: { kind: 'error', code: 1100 } });
		const refused = await deliver(workflow.nodes, callbackUrl);
		expect(refused.status).toBe(503);
		expect(refused.body).toMatchObject({ waiting: true, reason: expect.stringContaining('Could not read the tasks from Kling') });
		expect(refused.workflowData).toBeUndefined();

		removeFault();
		const resumed = await deliver(workflow.nodes, callbackUrl);
		expect(resumed.workflowData).toHaveLength(2);
	});

	it('gives each execution its own external task ids (a loop within one execution: below)', async () => {
		const { sim } = ctx;
		await pauseTwoItems('exec-46');
		await pauseTwoItems('exec-46b');
		const ids = sim.apiRequests({ method: 'POST' }).map((request) => (request.body as Record<string, string>).external_task_id);
		// The second run reads the two elements seeded for it as well: 2 + 4 creates.
		expect(ids).toHaveLength(6);
		expect(new Set(ids).size).toBe(6);
	});

	it('creates new tasks when a loop runs the node again after a callback resumed it', async () => {
		const { sim } = ctx;
		const { workflow, credentials, paused } = await pauseTwoItems('exec-47');
		expect(sim.createdTaskCount('elements')).toBe(2);

		// The node's context still names the first batch; its next run must not answer with that batch's tasks.
		const again = await runWorkflow({ ...workflow, credentials, executionId: 'exec-47', loopBackFrom: paused.run });
		expect(again.status).toBe('waiting');
		expect(sim.createdTaskCount('elements')).toBe(4);
	});

	it("ignores a late callback of an earlier round of a loop: it does not resume the node's next pause with that round's tasks", async () => {
		const { sim } = ctx;
		const { workflow, credentials, paused, callbackUrl: firstRound } = await pauseTwoItems('exec-47b');
		await sim.idle();
		// The loop runs the node again; its tasks are still running when the first round's callback comes again.
		sim.injectFault({ when: { method: 'POST' }, times: 2, fault: { kind: 'stuck' } });
		const again = await runWorkflow({ ...workflow, credentials, executionId: 'exec-47b', loopBackFrom: paused.run });
		expect(again.status).toBe('waiting');
		const [, , secondRound] = sim.apiRequests({ method: 'POST' }).map((request) => (request.body as Record<string, string>).callback_url);
		expect(secondRound).not.toBe(firstRound);

		const node = workflow.nodes.find((candidate) => candidate.name === 'Create Element')!;
		const call = async (callbackUrl: string) =>
			await callNodeWebhook({
				workflow: new Workflow({ id: 'test-workflow', nodes: workflow.nodes, connections: {}, nodeTypes: (await loadPackage()).nodeTypes, active: false }),
				node,
				credentials,
				body: { task_status: 'succeed' },
				query: Object.fromEntries(new URL(callbackUrl).searchParams),
				runExecutionData: again.run.data,
			});
		const late = await call(firstRound);
		expect(late.workflowData).toBeUndefined();
		expect(late).toMatchObject({ status: 200, body: { waiting: true, reason: expect.stringMatching(/earlier run of this node/) } });

		for (const task of sim.tasks('elements').slice(-2)) sim.finishTask(task.taskId);
		const resumed = await call(secondRound);
		expect(resumed.workflowData?.map((item) => item.json.taskId)).toEqual(sim.tasks('elements').slice(-2).map((task) => task.taskId));
	});

	it("ignores a late callback of an earlier pause at another node: it does not resume this node's pause with that node's tasks", async () => {
		const { sim } = ctx;
		// Two pausing creates of the same product in one execution: the second waits on the same resume URL.
		const workflow = chain(pausingCreate({ elementName: 'First' }), { ...pausingCreate({ elementName: 'Second' }), name: 'Create Again' });
		const paused = await runWorkflow({ ...workflow, credentials: apiKeyCredential(sim), executionId: 'exec-48' });
		expect(paused.status).toBe('waiting');
		const [first] = sim.apiRequests({ method: 'POST' }).map((request) => request.body as Record<string, string>);
		await sim.idle();
		// The first node's callback, delivered late (a repeat, or one that lost a race) while the second node waits.
		const [, second] = workflow.nodes.filter((node) => node.type === KLING);
		const late = await callNodeWebhook({
			workflow: new Workflow({ id: 'test-workflow', nodes: workflow.nodes, connections: {}, nodeTypes: (await loadPackage()).nodeTypes, active: false }),
			node: second,
			credentials: apiKeyCredential(sim),
			body: { task_status: 'succeed' },
			query: Object.fromEntries(new URL(first.callback_url).searchParams),
		});
		expect(late.workflowData).toBeUndefined();
		expect(late).toMatchObject({ status: 200, body: { waiting: true, reason: expect.stringMatching(/another node/) } });
	});

	it('finishes without pausing when Kling is done before the pause', async () => {
		const { sim } = ctx;
		sim.options.timing = { submittedMs: 0, processingMs: 0 };
		// The look before the pause reaches Kling a second later, after the task's instant timers have surely fired (on
		// the virtual clock they fire only when the pump ticks, which a busy machine may not do between two requests).
		sim.injectFault({ when: { method: 'GET' }, fault: { kind: 'delay', ms: 1_000, processed: false } });
		const result = await runWorkflow({ ...chain(pausingCreate({ elementName: 'Quick' })), credentials: apiKeyCredential(sim) });
		expect(result.status).toBe('success');
		expect(result.output('Create Element')[0].json.elementId).toBe(sim.tasks('elements')[0].outputId);
		expect(sim.apiRequests({ method: 'GET' })).toHaveLength(1);
	});

	/** Runs a one-node create in pause mode, lets Kling finish, and delivers its callback: the item it resumes with. */
	async function pausedThenResumed(node: ReturnType<typeof klingNode>, executionId: string) {
		const { sim } = ctx;
		const workflow = chain(node);
		const paused = await runWorkflow({ ...workflow, credentials: apiKeyCredential(sim), executionId });
		expect(paused.status).toBe('waiting');
		const [create] = sim.apiRequests({ method: 'POST' }).map((request) => request.body as Record<string, string>);
		await sim.idle();
		const resumed = await deliver(workflow.nodes, create.callback_url);
		expect(resumed.status).toBe(200);
		return resumed.workflowData?.[0];
	}

	it('resumes a video create with the video downloaded as binary data', async () => {
		const item = await pausedThenResumed(imageToVideoNode(pauseMode({ download: true })), 'exec-45');
		expect(item?.binary?.data.mimeType).toBe('video/mp4');
		expect((await binaryBytes(item!.binary!.data)).length).toBeGreaterThan(0);
	});

	it('resumes an image create with every image downloaded as binary data', async () => {
		const generate = klingNode('Generate', { resource: 'image', operation: 'generate', prompt: 'A poster', n: 2, ...pauseMode({ download: true }) });
		const item = await pausedThenResumed(generate, 'exec-46');
		expect(item?.json.images).toHaveLength(2);
		expect(Object.keys(item?.binary ?? {})).toEqual(['image_0', 'image_1']);
		for (const image of Object.values(item!.binary!)) expect((await binaryBytes(image)).length).toBeGreaterThan(0);
	});

	// A resumed run reads the options as for the first item: what only that item's request got wrong fails no other.
	it("resumes an item with its video although the first item's Watermark expression gave nothing (refused before the pause)", async () => {
		const { sim } = ctx;
		const create = { ...imageToVideoNode({ options: { completion: 'callback', watermark: '={{ $json.index === 0 ? undefined : true }}' } }), continueOnFail: true } as INode;
		const workflow = chain(emptyItems(2), create);
		const credentials = apiKeyCredential(sim);
		const paused = await runWorkflow({ ...workflow, credentials, executionId: 'exec-47' });
		expect(paused.status).toBe('waiting');
		expect(paused.output('Image to Video')[0].json.error).toMatch(/^Options → Watermark is empty: its expression gave nothing/);
		const [body] = sim.apiRequests({ method: 'POST' }).map((request) => request.body as Record<string, string>);
		await sim.idle();
		const { nodeTypes } = await loadPackage();
		const resumed = await callNodeWebhook({
			workflow: new Workflow({ id: 'test-workflow', nodes: workflow.nodes, connections: workflow.connections, nodeTypes, active: false }),
			node: workflow.nodes.find((node) => node.name === 'Image to Video')!,
			credentials,
			body: { task_status: 'succeed' },
			query: Object.fromEntries(new URL(body.callback_url).searchParams),
			runExecutionData: paused.run.data,
		});
		expect(resumed.workflowData?.[1]?.json).toMatchObject({ videoUrl: expect.stringContaining(sim.origin) });
		expect(resumed.workflowData?.[1]?.json.error).toBeUndefined();
	});

	it('resumes with an item whose task failed shaped for the Error output, with On Error → "Continue (using error output)"', async () => {
		const { sim } = ctx;
		sim.failTaskWhen((_product, body) => (body.prompt === 'blocked' ? 'Content moderation' : undefined));
		const create = { ...imageToVideoNode({ prompt: '={{ $json.index === 1 ? "blocked" : "A harbour" }}', ...pauseMode() }), onError: 'continueErrorOutput' } as INode;
		const workflow = chain(emptyItems(2), create);
		const paused = await runWorkflow({ ...workflow, credentials: apiKeyCredential(sim), executionId: 'exec-50' });
		expect(paused.status).toBe('waiting');
		const [body] = sim.apiRequests({ method: 'POST' }).map((request) => request.body as Record<string, string>);
		await sim.idle();
		const [succeeded, failed] = (await deliver(workflow.nodes, body.callback_url)).workflowData ?? [];
		expect(succeeded?.json).toMatchObject({ status: 'succeed', videoUrl: expect.stringContaining(sim.origin) });
		// n8n sends an item to the Error output when its json holds nothing but `error`; an item's own `error` would
		// make n8n replace its json by the message alone.
		expect(failed).toEqual({
			json: { error: expect.objectContaining({ message: 'Kling could not create the video: Content moderation', taskId: sim.tasks('image2video').find((task) => task.status === 'failed')?.taskId, status: 'failed' }) },
			pairedItem: { item: 1 },
		});
	});
});
