/**
 * The Kling Trigger in a running n8n (`n8n start`): workflows are activated through the public API, one that
 * accepts unsigned callbacks and one with Require Signature on. Kling's real (signed) callbacks arrive from the
 * simulator; unsigned, forged and repeated ones are posted by the test. n8n's public API then tells which
 * executions were started: exactly the right ones, also when Kling repeats deliveries of several tasks, and
 * after n8n restarts, and when a repeat arrives at the same moment as the first delivery or the moment it is
 * answered (also written to test-results/e2e/trigger-races.json for the README). And the Test URL, while the editor
 * listens for a test event (started through n8n's internal API, as the editor does): Kling's callback starts a test
 * (manual) execution, the console's "Send Test Callback" does with Submitted in Events and starts none without, and
 * the same delivery starts a test execution each time: test executions leave no record that stops the Production
 * URL's execution, and the published workflow's record stops no test. And when the trigger reads the task from Kling:
 * an unsigned claim goes by what Kling answers (503 while Kling shows the task processing, acknowledged when Kling's
 * external task ID is outside the prefix, and neither recorded), a signed callback outside Events or a handled repeat is
 * acknowledged without a read, and a key-pair credential fails a new-standard read without a request. The voice IDs,
 * generated views and video durations the trigger outputs.
 */
import { randomUUID } from 'node:crypto';

import { signWebhook, startSimulator, type KlingSimulator } from '../simulator/index.cts';
import {
	activeTrigger,
	activeTriggerWith,
	capturedDeliveries,
	consoleTestCallback,
	createTask,
	createTaskAt,
	createTriggerCredential,
	type Delivery,
	executionsSettled,
	listenForTestEvent,
	listeningEnded,
	measureRepeats,
	post,
	postAndRepeat,
	recordRaces,
	served,
	signedHeaders,
	sorted,
	taskIdsOf,
	testExecutions,
	TRIGGER_CREDENTIAL,
	TRIGGER_SECRET,
	triggerJson,
	triggerWorkflow,
	withTaskId,
} from './cases/trigger.cts';
import { prepared, useN8n } from './helpers.cts';
import { n8nMajor } from './runtime/runtime.cts';
import { doneExecutions } from './runtime/executions.cts';
import { adaptWorkflow, chainWorkflow, executeWorkflow, importWorkflows, KLING_NODE, newWorkflowId, nodeItems, readExample } from './runtime/workflows.cts';

const ctx = useN8n('trigger');
let sim: KlingSimulator;
let credentialId = '';

beforeAll(async () => {
	sim = await startSimulator({ webhookSecret: TRIGGER_SECRET, timing: { submittedMs: 50, processingMs: 100 } });
	credentialId = await createTriggerCredential(ctx.instance.api, sim);
});

afterAll(async () => {
	await sim?.close();
});

beforeEach(() => sim.reset());

describe('Kling Trigger in a running n8n', () => {
	it('starts exactly the right executions for signed, repeated, forged and unsigned callbacks', async () => {
		const { api, server } = ctx.instance;
		const lenient = { webhookId: randomUUID(), workflowId: '', url: '' };
		const strict = { webhookId: randomUUID(), workflowId: '', url: '' };
		for (const [target, name, options] of [
			[lenient, 'Kling callbacks', {}],
			[strict, 'Kling callbacks, signed only', { requireSignature: true }],
		] as const) {
			target.workflowId = await api.createWorkflow(triggerWorkflow(name, target.webhookId, credentialId, options));
			target.url = `${server.url}/webhook/${target.webhookId}/kling`;
			await api.activate(target.workflowId, [target.url]);
		}

		// 1. Kling's own callbacks (signed): "processing" is filtered out, "succeed" starts one execution.
		const realTask = await createTask(sim, lenient.url);
		await sim.idle();
		expect(sim.callbacks.map((delivery) => delivery.status)).toEqual([200, 200]);
		const succeed = sim.callbacks.find((delivery) => delivery.body.includes('"task_status":"succeed"'))!;

		// 2. The same delivery again: acknowledged, no new execution.
		const repeated = await post(lenient.url, succeed.body, succeed.headers);
		expect(repeated).toMatchObject({ status: 200, body: { started: false, reason: expect.stringContaining('already received') } });

		// 3. Forged: Kling's signature on a body that was changed afterwards.
		const forgedBody = withTaskId(succeed.body, '999000000000000001');
		expect((await post(lenient.url, forgedBody, succeed.headers)).status).toBe(401);
		expect((await post(strict.url, forgedBody, succeed.headers)).status).toBe(401);

		// 4. Unsigned, with a Webhook Secret in the credential: never taken at its word. For a task Kling does not know it
		// starts nothing; for a real one it outputs what Kling answers, not the body's claims. Refused where required.
		const unsignedBody = withTaskId(succeed.body, '999000000000000002');
		expect((await post(lenient.url, unsignedBody)).status).toBe(404);
		expect((await post(strict.url, unsignedBody)).status).toBe(401);
		const quietTask = await createTask(sim);
		await sim.idle();
		const forgedClaim = withTaskId(succeed.body, quietTask).replace(/"element_id":\d+/, '"element_id":111111111111111111');
		expect((await post(lenient.url, forgedClaim)).status).toBe(200);

		// 5. Signed with the credential's secret: accepted by the strict workflow.
		const signedBody = withTaskId(succeed.body, '999000000000000003');
		expect((await post(strict.url, signedBody, signedHeaders(signedBody))).status).toBe(200);

		const lenientRuns = await doneExecutions(api, lenient.workflowId, 2);
		const strictRuns = await doneExecutions(api, strict.workflowId, 1);
		expect(lenientRuns.map((execution) => [execution.status, execution.mode])).toEqual([
			['success', 'webhook'],
			['success', 'webhook'],
		]);
		const quietElement = sim.tasks('elements').find((task) => task.taskId === quietTask)!.outputId;
		expect(lenientRuns.map(triggerJson)).toEqual([
			expect.objectContaining({ taskId: realTask, status: 'succeed', signature: 'verified' }),
			expect.objectContaining({ taskId: quietTask, status: 'succeed', signature: 'unsigned', source: 'kling', elementIds: [quietElement] }),
		]);
		expect(strictRuns.map(triggerJson)).toEqual([expect.objectContaining({ taskId: '999000000000000003', signature: 'verified' })]);
		// Nothing else started late: counted once a later delivery to each workflow has had its effect.
		expect(await executionsSettled(api, sim, lenient.workflowId, [lenient.url], [])).toHaveLength(2);
		expect(await executionsSettled(api, sim, strict.workflowId, [strict.url], [])).toHaveLength(1);
	});

	it('reads a new-standard callback, refuses a stale signature, and reads the task from Kling when asked or when a success lacks its ID', async () => {
		const { api, server } = ctx.instance;
		const active = async (name: string, options: Record<string, unknown>) =>
			await activeTriggerWith(api, server.url, name, { credential: { id: credentialId, name: TRIGGER_CREDENTIAL }, options });
		const plain = await active('Kling callbacks, as sent', {});
		const reRead = await active('Kling callbacks, re-read', { reReadTask: true });

		// 1. A new-standard body (id, status "succeeded", outputs), signed: normalised, its 19-digit ids exact.
		const newStandard = '{"id":"999000000000000011","status":"succeeded","message":"","external_id":"mira-new","outputs":[{"type":"element","id":9223372036854775807}]}';
		expect((await post(plain.url, newStandard, signedHeaders(newStandard))).status).toBe(200);
		// 2. Signed ten minutes ago: a replay, refused.
		const stale = newStandard.replace('999000000000000011', '999000000000000012');
		const timestamp = Math.floor(Date.now() / 1000) - 600;
		const staleHeaders = { 'webhook-id': 'msg_stale', 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(TRIGGER_SECRET, 'msg_stale', timestamp, stale) };
		expect((await post(plain.url, stale, staleHeaders)).status).toBe(401);
		// 3. A signed success without its element ID: read from Kling, which has it.
		const quietTask = await createTask(sim);
		await sim.idle();
		const withoutId = `{"task_id":"${quietTask}","task_status":"succeed","task_status_msg":"","task_result":{}}`;
		expect((await post(plain.url, withoutId, signedHeaders(withoutId))).status).toBe(200);
		// 4. Re-Read Task From Kling: Kling's own callback of a new task is output as Kling answers the task.
		const readTask = await createTask(sim, reRead.url);
		await sim.idle();

		const element = (taskId: string) => sim.tasks('elements').find((task) => task.taskId === taskId)!.outputId;
		expect((await doneExecutions(api, plain.workflowId, 2)).map(triggerJson)).toEqual([
			expect.objectContaining({ taskId: '999000000000000011', status: 'succeeded', externalTaskId: 'mira-new', elementIds: ['9223372036854775807'], source: 'callback' }),
			expect.objectContaining({ taskId: quietTask, elementIds: [element(quietTask)], source: 'kling', product: 'element', signature: 'verified' }),
		]);
		expect((await doneExecutions(api, reRead.workflowId, 1)).map(triggerJson)).toEqual([
			expect.objectContaining({ taskId: readTask, elementIds: [element(readTask)], source: 'kling', product: 'element', callbackStatus: 'succeed' }),
		]);
		expect(await api.executions(plain.workflowId)).toHaveLength(2);
	});

	it("answers 503 to a success Kling does not show yet, starting nothing, and still starts the workflow for Kling's own success later", async () => {
		const { api, server } = ctx.instance;
		const targets = [];
		// Kling's own success carries the element ID: with Re-Read it is still read, by default it is output as sent.
		for (const [name, options, source] of [
			['Kling callbacks, re-read, early success', { reReadTask: true }, 'kling'],
			['Kling callbacks, element success without its ID', {}, 'callback'],
		] as const) {
			const webhookId = randomUUID();
			const workflowId = await api.createWorkflow(triggerWorkflow(name, webhookId, credentialId, options));
			const url = `${server.url}/webhook/${webhookId}/kling`;
			await api.activate(workflowId, [url]);
			// A task that runs until the test ends it, and a signed "succeed" for it without its element ID, sent early.
			sim.injectFault({ when: { operation: 'create', product: 'elements' }, fault: { kind: 'stuck' } });
			const taskId = await createTask(sim, url);
			const early = `{"task_id":"${taskId}","task_status":"succeed","task_status_msg":"","task_result":{}}`;
			// Answered 503: were it Kling's own delivery (its read may lag), Kling would send it again.
			expect(await post(url, early, signedHeaders(early))).toMatchObject({ status: 503, body: { message: expect.stringContaining('does not confirm this callback') } });
			targets.push({ workflowId, url, taskId, source });
		}
		for (const { taskId } of targets) sim.finishTask(taskId);
		await sim.idle();

		for (const { workflowId, url, taskId, source } of targets) {
			const element = sim.tasks('elements').find((task) => task.taskId === taskId)!.outputId;
			expect((await doneExecutions(api, workflowId, 1)).map(triggerJson)).toEqual([expect.objectContaining({ taskId, status: 'succeed', elementIds: [element], source })]);
			expect(await executionsSettled(api, sim, workflowId, [url], [taskId])).toHaveLength(1);
		}
	});

	it("starts a workflow from a Kling node's create whose Callback URL is the Production URL, and outputs a video's and images' URLs and a failed task's reason", async () => {
		const { api, server, cli } = ctx.instance;
		const { workflowId, path } = await activeTrigger(api, credentialId, [server.url]);
		const url = `${server.url}${path}`;
		// 1. As the README says: the Production URL in Options → Callback URL of a Kling create (Return Task Immediately).
		const create = readExample('create-element.json').nodes.find((node) => node.type === KLING_NODE)!;
		const creating = chainWorkflow('Create an element, reported to the trigger', [{ ...create, parameters: { ...create.parameters, options: { completion: 'returnTask', callbackUrl: url } } }]);
		const [createId] = await importWorkflows(cli, [{ ...adaptWorkflow(creating, { credential: { id: credentialId, name: TRIGGER_CREDENTIAL } }), id: newWorkflowId() }]);
		const created = (await executeWorkflow(cli, createId)).run;
		expect(created.status).toBe('success');
		// Output as soon as Kling accepted the task: still "submitted" (the task takes 150 ms), with both its IDs.
		const [accepted] = sim.tasks('elements');
		expect(nodeItems(created, create.name).map((item) => item.json)).toEqual([
			expect.objectContaining({ taskId: accepted.taskId, status: 'submitted', externalTaskId: accepted.body.external_task_id }),
		]);
		// 2. A video task and a task that fails, reported to the same URL.
		const videoTaskId = await createTaskAt(sim, '/v1/videos/image2video', { model_name: 'kling-v3', image: 'https://example.com/frame.png', duration: '5', callback_url: url });
		// And an image task of two images.
		const imageTaskId = await createTaskAt(sim, '/v1/images/omni-image', { model_name: 'kling-image-o1', prompt: 'A harbour poster', n: 2, callback_url: url });
		sim.failTaskWhen((product) => (product === 'advanced-custom-elements' ? 'No subject found in the reference images' : undefined));
		const failedTaskId = await createTask(sim, url);
		await sim.idle();

		const [element, videoTask, , failed] = sim.tasks();
		const outputs = (await doneExecutions(api, workflowId, 4)).map(triggerJson);
		const of = (taskId: string) => outputs.find((json) => json?.taskId === taskId);
		expect(outputs).toHaveLength(4);
		const imageUrl = expect.stringMatching(new RegExp(`^${sim.origin}/files/[\\w-]+\\.(png|jpg)$`));
		expect(of(imageTaskId)).toMatchObject({ status: 'succeed', images: [expect.objectContaining({ index: 0, url: imageUrl }), expect.objectContaining({ index: 1, url: imageUrl })] });
		expect(of(element.taskId)).toMatchObject({ status: 'succeed', elementIds: [element.outputId] });
		expect(videoTask.taskId).toBe(videoTaskId);
		expect(of(videoTaskId)).toMatchObject({ status: 'succeed', videos: [expect.objectContaining({ id: expect.stringMatching(/^\d+$/), url: expect.stringMatching(new RegExp(`^${sim.origin}/files/\\d+\\.mp4$`)) })] });
		expect(of(failedTaskId)).toMatchObject({ status: 'failed', statusMessage: 'No subject found in the reference images' });
		expect(failed.taskId).toBe(failedTaskId);
	});

	it('fails, saying it needs a credential, for an element success without its ID on a trigger without one', async () => {
		const { api, server } = ctx.instance;
		const webhookId = randomUUID();
		const workflow = triggerWorkflow('Kling callbacks without a credential', webhookId, credentialId);
		const workflowId = await api.createWorkflow({ ...workflow, nodes: workflow.nodes.map(({ credentials: _credentials, ...node }) => node) });
		const url = `${server.url}/webhook/${webhookId}/kling`;
		await api.activate(workflowId, [url]);
		const withoutId = '{"task_id":"999000000000000021","task_status":"succeed","task_status_msg":"","task_result":{}}';
		// n8n answers 500 (so Kling would deliver it again) and records the failed execution with the node's error.
		expect((await post(url, withoutId)).status).toBe(500);
		// A video's success carries its result: no credential needed.
		const video = '{"task_id":"999000000000000022","task_status":"succeed","task_status_msg":"","task_result":{"videos":[{"id":"1","url":"https://cdn.example.com/v.mp4","duration":"5"}]}}';
		expect((await post(url, video)).status).toBe(200);

		const runs = await doneExecutions(api, workflowId, 2);
		expect(runs.map((run) => run.status)).toEqual(['error', 'success']);
		expect(runs[0].data?.resultData.error).toMatchObject({
			message: 'The success callback of task 999000000000000021 carries no result, and the trigger has no credential to read it',
		});
		expect(triggerJson(runs[1])).toMatchObject({ taskId: '999000000000000022', source: 'callback' });
	});

	it('starts executions only for tasks whose external task ID starts with the External Task ID Prefix', async () => {
		const { api, server } = ctx.instance;
		const webhookId = randomUUID();
		const workflowId = await api.createWorkflow(triggerWorkflow('Kling callbacks of campaign 42', webhookId, credentialId, { externalTaskIdPrefix: 'campaign-42-' }));
		const url = `${server.url}/webhook/${webhookId}/kling`;
		await api.activate(workflowId, [url]);

		const ours = await createTask(sim, url, 'campaign-42-poster');
		const other = await createTask(sim, url, 'campaign-7-poster');
		await sim.idle();
		// Every callback is answered 200, so Kling stops sending; the other campaign's final one starts nothing.
		expect(sim.callbacks.map((delivery) => delivery.status)).toEqual([200, 200, 200, 200]);
		const otherFinal = sim.callbacks.find((delivery) => delivery.body.includes(`"task_id":"${other}"`) && delivery.body.includes('"task_status":"succeed"'))!;
		expect((await post(url, otherFinal.body, otherFinal.headers)).body).toMatchObject({ started: false, reason: 'The external task ID does not start with the External Task ID Prefix' });

		const runs = await doneExecutions(api, workflowId, 1);
		expect(runs.map(triggerJson)).toEqual([expect.objectContaining({ taskId: ours, externalTaskId: 'campaign-42-poster', status: 'succeed' })]);
		expect(await api.executions(workflowId)).toHaveLength(1);
	});

	it('starts one execution for each of three tasks when Kling delivers every callback twice', async () => {
		const { api, server } = ctx.instance;
		const { workflowId, path } = await activeTrigger(api, credentialId, [server.url]);
		const url = `${server.url}${path}`;
		sim.injectFault({ when: { product: 'elements', operation: 'create' }, times: 3, fault: { kind: 'repeatCallbacks', count: 2 } });
		// The tasks finish one after another, as renders of different lengths do.
		const taskIds: string[] = [];
		for (let task = 0; task < 3; task++) {
			taskIds.push(await createTask(sim, url));
			await sim.idle(60_000);
		}
		for (const taskId of taskIds) {
			const succeeds = sim.callbacks.filter((delivery) => delivery.url === url && delivery.body.includes(`"task_id":"${taskId}"`) && delivery.body.includes('"task_status":"succeed"'));
			expect(succeeds.map((delivery) => delivery.status)).toEqual([200, 200]);
		}
		expect(taskIdsOf(await executionsSettled(api, sim, workflowId, [url], taskIds))).toEqual(sorted(taskIds));
	});

	it('starts one execution for each of three tasks whose delivery comes again twice after it was handled', async () => {
		const { api, server } = ctx.instance;
		const { workflowId, path } = await activeTrigger(api, credentialId, [server.url]);
		const url = `${server.url}${path}`;
		const deliveries = await capturedDeliveries(sim, 3);
		await postAndRepeat(api, workflowId, deliveries, [url], 2);
		const taskIds = deliveries.map((delivery) => delivery.taskId);
		expect(taskIdsOf(await executionsSettled(api, sim, workflowId, [url], taskIds))).toEqual(sorted(taskIds));
	});

	it('still knows the deliveries it received after n8n restarts', async () => {
		const { workflowId, path } = await activeTrigger(ctx.instance.api, credentialId, [ctx.instance.server.url]);
		const deliveries = await capturedDeliveries(sim, 3);
		await postAndRepeat(ctx.instance.api, workflowId, deliveries, [`${ctx.instance.server.url}${path}`], 0);

		await ctx.restart();
		const url = `${ctx.instance.server.url}${path}`;
		await ctx.instance.api.webhooksServed([url]);
		for (const delivery of deliveries) expect((await post(url, delivery.body, delivery.headers)).status).toBe(200);
		const taskIds = deliveries.map((delivery) => delivery.taskId);
		expect(taskIdsOf(await executionsSettled(ctx.instance.api, sim, workflowId, [url], taskIds))).toEqual(sorted(taskIds));
	});

	it('starts one execution for each task when a repeat arrives at the same moment as the first delivery, or the moment it is answered', async () => {
		const { api, server } = ctx.instance;
		const { runtime } = prepared();
		const mode = n8nMajor(runtime) >= 2 ? 'regular mode' : `regular mode on n8n ${runtime.n8nVersion}`;
		// One process checks and records a delivery with no await in between (KlingTrigger.node.ts), so no race is left.
		const measure = async (how: string, send: (url: string, delivery: Delivery) => Promise<void>) => {
			const { workflowId, path } = await activeTrigger(api, credentialId, [server.url]);
			const url = `${server.url}${path}`;
			const figures = await measureRepeats({ api, sim, workflowId, urls: [url] }, `${mode}, ${how}`, 20, (delivery) => send(url, delivery));
			recordRaces('e2e', figures);
			expect(figures.tasksStartedTwice).toBe(0);
		};
		await measure('repeat sent at the same moment', async (url, delivery) => {
			const answers = await Promise.all([0, 1].map(() => post(url, delivery.body, delivery.headers)));
			expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
		});
		await measure('repeat sent when the first is answered', async (url, delivery) => {
			for (let copy = 0; copy < 2; copy++) expect((await post(url, delivery.body, delivery.headers)).status).toBe(200);
		});
	});
});

describe('Kling Trigger on the Test URL in a running n8n', () => {
	const PLAIN_CREDENTIAL = 'Kling without webhook secret';
	const WITH_SUBMITTED = ['succeeded', 'failed', 'submitted'];
	const DEFAULT_EVENTS = ['succeeded', 'failed'];

	/** A new, inactive trigger workflow with these Events and credential; its Test URL and Production URL. */
	async function testTrigger(name: string, credential: { id: string; name: string }, events = DEFAULT_EVENTS, options: Record<string, unknown> = {}) {
		const { api, server } = ctx.instance;
		const webhookId = randomUUID();
		const workflow = triggerWorkflow(name, webhookId, credential.id, options);
		const nodes = workflow.nodes.map((node) => ({ ...node, parameters: { ...node.parameters, events }, credentials: { klingApi: credential } }));
		const workflowId = await api.createWorkflow({ ...workflow, nodes });
		return { workflowId, testUrl: `${server.url}/webhook-test/${webhookId}/kling`, productionUrl: `${server.url}/webhook/${webhookId}/kling` };
	}

	const listen = async (workflowId: string, testUrl: string) => await listenForTestEvent(ctx.instance.session, prepared().runtime, workflowId, testUrl);
	const started = { status: 200, body: { received: true, started: true } };
	const element = (taskId: string) => sim.tasks('elements').find((task) => task.taskId === taskId)!.outputId;

	/** After a test call that started nothing: n8n still listens, and Kling's next callback starts the one test execution. */
	async function keptListening(workflowId: string, testUrl: string, sentinel: Delivery) {
		const { api } = ctx.instance;
		expect(await served(testUrl)).toBe(true);
		expect(await post(testUrl, sentinel.body, sentinel.headers)).toEqual(started);
		const runs = await testExecutions(api, workflowId, 1);
		expect(runs.map((run) => [run.status, triggerJson(run)?.taskId])).toEqual([['success', sentinel.taskId]]);
		await listeningEnded(testUrl);
		expect(await api.executions(workflowId)).toHaveLength(1);
	}

	it("starts a test execution whose trigger output is the normalised item, for Kling's callback posted to the Test URL while the editor listens", async () => {
		const { api } = ctx.instance;
		const { workflowId, testUrl } = await testTrigger('Kling callbacks, tested', { id: credentialId, name: TRIGGER_CREDENTIAL });
		const [delivery] = await capturedDeliveries(sim, 1);
		// Before the editor listens, n8n knows no such URL.
		expect(await served(testUrl)).toBe(false);
		expect((await post(testUrl, delivery.body, delivery.headers)).status).toBe(404);

		await listen(workflowId, testUrl);
		expect(await post(testUrl, delivery.body, delivery.headers)).toEqual(started);
		const [run] = await testExecutions(api, workflowId, 1);
		expect([run.status, run.mode]).toEqual(['success', 'manual']);
		expect(run.data?.resultData.runData['Kling Trigger'][0].data?.main[0]).toHaveLength(1);
		expect(triggerJson(run)).toEqual(
			expect.objectContaining({
				taskId: delivery.taskId,
				status: 'succeed',
				succeeded: true,
				final: true,
				statusMessage: '',
				elementIds: [element(delivery.taskId)],
				videos: [],
				images: [],
				views: [],
				audios: [],
				voiceIds: [],
				shape: 'legacy',
				source: 'callback',
				signature: 'verified',
			}),
		);
		// One test call, one execution: n8n stops listening then.
		await listeningEnded(testUrl);
		expect(await api.executions(workflowId)).toHaveLength(1);
	});

	it("starts a test execution for the Kling console's Send Test Callback with Submitted in Events, and none with the default Events, answering 200 and still listening", async () => {
		const { api } = ctx.instance;
		const secret = { id: credentialId, name: TRIGGER_CREDENTIAL };
		const plain = { id: await api.createCredential(PLAIN_CREDENTIAL, { authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: sim.url }), name: PLAIN_CREDENTIAL };
		// Kling signs the callbacks of an account with a Webhook Secret (docs/kling-api.md §9.2), and those of one without
		// it not at all: the sample as either sends it, to a credential with the same secret or none. A "submitted" status
		// is taken as sent (Re-Read Task From Kling reads final statuses only), so the task, which Kling does not have, is
		// never read.
		const setups = [
			{ how: 'signed', credential: secret, headers: signedHeaders, signature: 'verified', options: { reReadTask: true } },
			{ how: 'unsigned', credential: plain, headers: () => ({}), signature: 'unsigned', options: {} },
		];
		// The samples' task IDs: past 2^53, as Kling's are, so kept as text.
		let sample = 40;
		const nextId = () => `9990000000000000${sample++}`;
		for (const { how, credential, headers, signature, options } of setups) {
			const taskId = nextId();
			const body = consoleTestCallback(taskId);
			const { workflowId, testUrl } = await testTrigger(`Kling test callback, ${how}, with Submitted`, credential, WITH_SUBMITTED, options);
			await listen(workflowId, testUrl);
			expect(await post(testUrl, body, headers(body))).toEqual(started);
			const [run] = await testExecutions(api, workflowId, 1);
			expect([run.status, run.mode]).toEqual(['success', 'manual']);
			expect(triggerJson(run)).toEqual(
				expect.objectContaining({ taskId, status: 'submitted', succeeded: false, final: false, statusMessage: '', shape: 'new', source: 'callback', signature }),
			);
			await listeningEnded(testUrl);
			expect(await api.executions(workflowId)).toHaveLength(1);
		}

		// The default Events: the sample is answered 200 (Kling's test flow counts anything else as a failure) and starts
		// nothing, so n8n keeps listening: Kling's next callback starts the one test execution.
		const sentinels = await capturedDeliveries(sim, setups.length);
		for (const [index, { how, credential, headers }] of setups.entries()) {
			const body = consoleTestCallback(nextId());
			const { workflowId, testUrl } = await testTrigger(`Kling test callback, ${how}, default Events`, credential);
			await listen(workflowId, testUrl);
			expect(await post(testUrl, body, headers(body))).toEqual({ status: 200, body: { received: true, started: false, reason: 'The status is not one of the selected events' } });
			await keptListening(workflowId, testUrl, sentinels[index]);
		}
	});

	it('answers 404 and starts no test execution for an unsigned Send Test Callback to a credential with a Webhook Secret, whichever the Events', async () => {
		// An unsigned body is never taken at its word when the credential has a secret: the trigger reads the task from
		// Kling's batch query, which has no task of the sample's ID, so the body is refused (404) and Kling's console
		// reports the test as failed; n8n keeps listening.
		const sentinels = await capturedDeliveries(sim, 2);
		for (const [index, events] of [WITH_SUBMITTED, DEFAULT_EVENTS].entries()) {
			const taskId = `99900000000000005${index}`;
			const body = consoleTestCallback(taskId);
			const { workflowId, testUrl } = await testTrigger(`Kling test callback, unsigned, ${events.join(' ')}`, { id: credentialId, name: TRIGGER_CREDENTIAL }, events);
			await listen(workflowId, testUrl);
			expect(await post(testUrl, body)).toEqual({ status: 404, body: { code: 404, message: `Kling has no task "${taskId}" for this credential; the unsigned callback was ignored` } });
			await keptListening(workflowId, testUrl, sentinels[index]);
		}
	});

	it('starts a test execution each time the same delivery is posted to the Test URL, listening again before each, and leaves no record that stops the Production URL, nor is stopped by its record', async () => {
		const { api } = ctx.instance;
		const { workflowId, testUrl, productionUrl } = await testTrigger('Kling callbacks, active and tested twice', { id: credentialId, name: TRIGGER_CREDENTIAL });
		await api.activate(workflowId, [productionUrl]);
		const [delivery] = await capturedDeliveries(sim, 1);
		for (let time = 0; time < 2; time++) {
			await listen(workflowId, testUrl);
			expect(await post(testUrl, delivery.body, delivery.headers)).toEqual(started);
			// n8n stops listening after a test call that started an execution.
			await listeningEnded(testUrl);
			expect((await post(testUrl, delivery.body, delivery.headers)).status).toBe(404);
		}
		const runs = await testExecutions(api, workflowId, 2);
		expect(runs.map((run) => [run.status, run.mode, triggerJson(run)?.taskId])).toEqual([
			['success', 'manual', delivery.taskId],
			['success', 'manual', delivery.taskId],
		]);
		// Neither test execution left a record: the published workflow still starts for this delivery.
		expect(await post(productionUrl, delivery.body, delivery.headers)).toEqual(started);
		await doneExecutions(api, workflowId, 3);
		// Nor does the published workflow's record stop a test: the delivery it handled starts a test execution again.
		await listen(workflowId, testUrl);
		expect(await post(testUrl, delivery.body, delivery.headers)).toEqual(started);
		await listeningEnded(testUrl);
		const all = await doneExecutions(api, workflowId, 4);
		expect(all.map((run) => [run.status, run.mode, triggerJson(run)?.taskId])).toEqual([
			['success', 'manual', delivery.taskId],
			['success', 'manual', delivery.taskId],
			['success', 'webhook', delivery.taskId],
			['success', 'manual', delivery.taskId],
		]);
	});
});

describe('Kling Trigger reading tasks from Kling in a running n8n', () => {
	const secretCredential = () => ({ id: credentialId, name: TRIGGER_CREDENTIAL });
	const element = (taskId: string) => sim.tasks('elements').find((task) => task.taskId === taskId)!.outputId;
	/** A legacy success callback for the task, claiming this external task ID and no result. */
	const claimedSuccess = (taskId: string, externalTaskId: string) =>
		`{"task_id":"${taskId}","task_status":"succeed","task_status_msg":"","task_info":{"external_task_id":"${externalTaskId}"},"task_result":{}}`;

	it("decides an unsigned callback by what Kling answers: a success Kling still shows processing is answered 503, an external task ID claimed within the prefix is acknowledged, neither starts anything nor stops Kling's real success", async () => {
		const { api, server } = ctx.instance;
		const { workflowId, url } = await activeTriggerWith(api, server.url, 'Kling callbacks of campaign 42, unsigned claims', {
			credential: secretCredential(),
			options: { externalTaskIdPrefix: 'campaign-42-' },
		});
		// 1. A finished task of campaign 7, claimed (unsigned) to be one of campaign 42: Kling's external task ID decides.
		const other = await createTask(sim, undefined, 'campaign-7-poster');
		await sim.idle();
		expect(await post(url, claimedSuccess(other, 'campaign-42-poster'))).toEqual({
			status: 200,
			body: { received: true, started: false, reason: 'The external task ID does not start with the External Task ID Prefix' },
		});
		// 2. A task of campaign 42 that Kling shows processing until the test ends it, claimed (unsigned) to have succeeded.
		sim.injectFault({ when: { operation: 'create', product: 'elements' }, fault: { kind: 'stuck' } });
		const running = await createTask(sim, undefined, 'campaign-42-running');
		const early = claimedSuccess(running, 'campaign-42-running');
		expect(await post(url, early)).toEqual({ status: 503, body: { code: 503, message: `Kling does not confirm this callback for task ${running} yet; deliver it again later` } });
		expect(await api.executions(workflowId)).toEqual([]);
		// 3. Neither claim was recorded as handled: once Kling shows the task finished, the same body starts the workflow,
		// with what Kling answers.
		sim.finishTask(running);
		await sim.idle();
		expect(await post(url, early)).toEqual({ status: 200, body: { received: true, started: true } });
		expect((await doneExecutions(api, workflowId, 1)).map(triggerJson)).toEqual([
			expect.objectContaining({ taskId: running, status: 'succeed', externalTaskId: 'campaign-42-running', elementIds: [element(running)], source: 'kling', signature: 'unsigned' }),
		]);
		expect(await api.executions(workflowId)).toHaveLength(1);
	});

	it('acknowledges a signed callback of a status not in Events, and a repeat of a handled success, without reading the task, with Re-Read Task From Kling on', async () => {
		const { api, server } = ctx.instance;
		const { workflowId, url } = await activeTriggerWith(api, server.url, 'Kling successes, re-read', {
			credential: secretCredential(),
			events: ['succeeded'],
			options: { reReadTask: true },
		});
		// Kling's own deliveries: "processing" is acknowledged; "succeed" is read from Kling and starts the workflow.
		const taskId = await createTask(sim, url);
		await sim.idle();
		const [processing, succeed] = sim.callbacks;
		expect(sim.callbacks.map((delivery) => [delivery.status, /"task_status":"(\w+)"/.exec(delivery.body)![1]])).toEqual([
			[200, 'processing'],
			[200, 'succeed'],
		]);
		expect((await doneExecutions(api, workflowId, 1)).map(triggerJson)).toEqual([
			expect.objectContaining({ taskId, elementIds: [element(taskId)], source: 'kling', callbackStatus: 'succeed', signature: 'verified' }),
		]);
		const reads = sim.apiRequests({ method: 'GET' }).length;
		expect(reads).toBeGreaterThan(0);

		// Posted again: "processing", a final "failed" (read were it not filtered first) and the handled success.
		const failed = `{"task_id":"${taskId}","task_status":"failed","task_status_msg":"Moderation","task_result":{}}`;
		const ignoredEvent = { received: true, started: false, reason: 'The status is not one of the selected events' };
		expect(await post(url, processing.body, processing.headers)).toEqual({ status: 200, body: ignoredEvent });
		expect(await post(url, failed, signedHeaders(failed))).toEqual({ status: 200, body: ignoredEvent });
		expect(await post(url, succeed.body, succeed.headers)).toEqual({ status: 200, body: { received: true, started: false, reason: 'This status of this task was already received' } });
		expect(sim.apiRequests({ method: 'GET' })).toHaveLength(reads);
		expect(await api.executions(workflowId)).toHaveLength(1);
	});

	it('fails, saying so and making no request, to re-read a new-standard task with an access key + secret key credential', async () => {
		const { api, server } = ctx.instance;
		const name = 'Kling key pair with webhook secret';
		const keyPair = {
			id: await api.createCredential(name, { authType: 'keyPair', accessKey: 'test-access-key', secretKey: 'test-secret-key', region: 'custom', customBaseUrl: sim.url, webhookSecret: TRIGGER_SECRET }),
			name,
		};
		const { workflowId, url } = await activeTriggerWith(api, server.url, 'Kling callbacks, re-read with a key pair', { credential: keyPair, options: { reReadTask: true } });
		const body = '{"id":"999000000000000031","status":"succeeded","message":"","external_id":"","outputs":[{"type":"video","id":"1","url":"https://cdn.example.com/v.mp4","duration":"5"}]}';
		// n8n answers 500 (so Kling would deliver it again) without the node's reason, and records the failed execution with it.
		expect(await post(url, body, signedHeaders(body))).toMatchObject({ status: 500, body: { message: expect.stringContaining('Workflow could not be started') } });
		const runs = await doneExecutions(api, workflowId, 1);
		expect(runs.map((run) => [run.status, run.mode])).toEqual([['error', 'webhook']]);
		expect(runs[0].data?.resultData.error).toMatchObject({
			message: 'Task 999000000000000031 is a new-standard Kling task, which only an API key credential can read',
			description: expect.stringContaining('Use an API key credential on this trigger, or turn Re-Read Task From Kling off.'),
		});
		expect(sim.apiRequests()).toEqual([]);
	});

	it("outputs a voice task's voice ID, generated views as Get Generated Views outputs them, and a video's duration in seconds as a number", async () => {
		const { api, server, cli } = ctx.instance;
		const { workflowId, path } = await activeTrigger(api, credentialId, [server.url]);
		const url = `${server.url}${path}`;
		const voiceTaskId = await createTaskAt(sim, '/v1/general/custom-voices', { voice_name: 'Mira narrates', voice_url: 'https://example.com/mira.mp3', callback_url: url });
		const viewsTaskId = await createTaskAt(sim, '/v1/general/ai-multi-shot', { element_frontal_image: 'https://example.com/front.png', callback_url: url });
		const videoTaskId = await createTaskAt(sim, '/v1/videos/image2video', { model_name: 'kling-v3', image: 'https://example.com/frame.png', duration: '10', callback_url: url });
		await sim.idle();

		const outputs = (await doneExecutions(api, workflowId, 3)).map(triggerJson);
		const of = (taskId: string) => outputs.find((json) => json?.taskId === taskId);
		expect(of(voiceTaskId)).toMatchObject({ status: 'succeed', voiceIds: [sim.tasks('custom-voices')[0].outputId] });
		expect(of(videoTaskId)).toMatchObject({ status: 'succeed', videos: [expect.objectContaining({ duration: 10 })] });
		// The views as the Kling node's Get Generated Views outputs them for the same task: three sets of three URLs.
		const getViews = chainWorkflow('Get the generated views', [{ name: 'Get Generated Views', type: KLING_NODE, parameters: { resource: 'element', operation: 'getViews', taskId: viewsTaskId } }]);
		const [getViewsId] = await importWorkflows(cli, [{ ...adaptWorkflow(getViews, { credential: secretCredential() }), id: newWorkflowId() }]);
		const got = (await executeWorkflow(cli, getViewsId)).run;
		expect(got.status).toBe('success');
		const [{ json: read }] = nodeItems(got, 'Get Generated Views');
		const view = expect.stringMatching(new RegExp(`^${sim.origin}/files/multishot-${viewsTaskId}-\\d-\\d\\.png$`));
		expect(read.views).toEqual([0, 1, 2].map(() => [view, view, view]));
		expect(of(viewsTaskId)).toMatchObject({ status: 'succeed', views: read.views });
	});
});
