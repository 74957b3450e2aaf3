/**
 * The Kling node creates an element with Options → Callback URL pointing at a small local server; the simulator
 * delivers its (signed) callbacks there, and the server hands each request to the Kling Trigger's webhook() in a
 * real n8n-core WebhookContext, as n8n's webhook server would: parameters, credentials, static data, helpers and
 * the re-read's HTTP calls are all n8n's own.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { callNodeWebhook } from '../harness/webhook.cts';
import { chain, KLING_TRIGGER, loadPackage, runWorkflow } from '../harness/workflow.cts';
import { signWebhook, type KlingSimulator } from '../simulator/index.cts';
import { apiKeyCredential, createMiraElement, klingNode, useSimulator } from './helpers.cts';

const SECRET = 'whsec_' + Buffer.from('kling-trigger-workflow-secret-32').toString('base64');

const ctx = useSimulator({ timing: { submittedMs: 20, processingMs: 40 }, webhookSecret: SECRET });

interface Receiver {
	url: string;
	/** Items of every execution the trigger started, in order. */
	executions: INodeExecutionData[][];
	/** Every answer given: HTTP status and JSON body. */
	answers: Array<{ status: number; body: IDataObject }>;
	/** Sends a request to the receiver as Kling would. */
	post(body: string, headers?: Record<string, string>): Promise<{ status: number; body: IDataObject }>;
	close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/** A stand-in for n8n's webhook server: one active workflow with a Kling Trigger, static data kept across calls. */
async function startReceiver(parameters: IDataObject, credentials: ICredentialDataDecryptedObject): Promise<Receiver> {
	const { nodeTypes } = await loadPackage();
	const node: INode = {
		id: 'kling-trigger',
		name: 'Kling Trigger',
		type: KLING_TRIGGER,
		typeVersion: 1,
		position: [0, 0],
		webhookId: 'b7e9f1c2-0000-4000-8000-000000000001',
		parameters: parameters as INodeParameters,
		credentials: { klingApi: { id: '1', name: 'Kling test' } },
	};
	// Each receiver is a workflow of its own, as in n8n: its own id, its own static data.
	const workflow = new Workflow({ id: `trigger-workflow-${randomUUID()}`, nodes: [node], connections: {}, nodeTypes, active: true, staticData: {} });
	const executions: INodeExecutionData[][] = [];
	const answers: Receiver['answers'] = [];

	const server: Server = createServer((req, res) => {
		void (async () => {
			const rawBody = await readBody(req);
			let parsed: unknown = {};
			try {
				parsed = JSON.parse(rawBody.toString('utf8'));
			} catch {
				// n8n itself would answer 422 here for application/json; the trigger sees only valid JSON then.
			}
			const answer = await callNodeWebhook({
				workflow,
				node,
				credentials: { klingApi: credentials },
				body: parsed,
				rawBody,
				headers: req.headers as Record<string, string>,
			});
			if (answer.workflowData) executions.push(answer.workflowData);
			answers.push({ status: answer.status, body: answer.body });
			res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
		})();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook/${node.webhookId}/kling`;
	return {
		url,
		executions,
		answers,
		async post(body, headers = {}) {
			const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body });
			return { status: response.status, body: (await response.json()) as IDataObject };
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

const receivers: Receiver[] = [];
afterEach(async () => {
	await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver(sim: KlingSimulator, parameters: IDataObject = {}, secret = SECRET) {
	const started = await startReceiver(parameters, { ...apiKeyCredential(sim).klingApi, webhookSecret: secret });
	receivers.push(started);
	return started;
}

function createElementWithCallback(callbackUrl: string, externalTaskId = 'campaign-7-mira') {
	return createMiraElement({ options: { callbackUrl, externalTaskId } });
}

describe('Kling Trigger receiving the callbacks of a Kling create', () => {
	it('starts one execution with the new element id, exact, from a signed callback', async () => {
		const { sim } = ctx;
		const hook = await receiver(sim);
		const run = await runWorkflow({ ...chain(createElementWithCallback(hook.url)), credentials: apiKeyCredential(sim) });
		expect(run.error).toBeUndefined();
		await sim.idle();

		const [task] = sim.tasks('elements');
		expect(task.body.callback_url).toBe(hook.url);
		// Kling reported processing and then succeed; only the final status is a selected event.
		expect(sim.callbacks.map((delivery) => delivery.status)).toEqual([200, 200]);
		expect(sim.callbacks.every((delivery) => delivery.headers['webhook-signature']?.startsWith('v1,'))).toBe(true);
		expect(hook.executions).toHaveLength(1);
		const [item] = hook.executions[0];
		expect(item.json).toMatchObject({
			taskId: task.taskId,
			externalTaskId: 'campaign-7-mira',
			status: 'succeed',
			succeeded: true,
			final: true,
			elementIds: [task.outputId],
			shape: 'legacy',
			source: 'callback',
			signature: 'verified',
		});
		expect(BigInt((item.json.elementIds as string[])[0])).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
		// The create's own output names the same element.
		expect(run.output('Create Element')[0].json.elementId).toBe(task.outputId);
	});

	it("reads the element ID from Kling when the callback carries only the documented results (images and videos)", async () => {
		const { sim } = ctx;
		sim.options.callbackResults = 'documented';
		const hook = await receiver(sim);
		await runWorkflow({ ...chain(createElementWithCallback(hook.url)), credentials: apiKeyCredential(sim) });
		await sim.idle();

		const [task] = sim.tasks('elements');
		expect(sim.callbacks[sim.callbacks.length - 1].body).not.toContain(task.outputId);
		expect(hook.executions).toHaveLength(1);
		expect(hook.executions[0][0].json).toMatchObject({ taskId: task.taskId, status: 'succeed', elementIds: [task.outputId], source: 'kling', product: 'element' });
	});

	it('starts nothing more when Kling delivers the same status again', async () => {
		const { sim } = ctx;
		const hook = await receiver(sim);
		await runWorkflow({ ...chain(createElementWithCallback(hook.url)), credentials: apiKeyCredential(sim) });
		await sim.idle();
		expect(hook.executions).toHaveLength(1);

		const final = sim.callbacks[sim.callbacks.length - 1];
		const now = Math.floor(Date.now() / 1000);
		const retry = await hook.post(final.body, {
			'webhook-id': final.headers['webhook-id'],
			'webhook-timestamp': String(now),
			'webhook-signature': signWebhook(SECRET, final.headers['webhook-id'], now, final.body),
		});
		expect(retry.status).toBe(200);
		expect(retry.body).toMatchObject({ received: true, started: false });
		expect(hook.executions).toHaveLength(1);
	});

	it('re-reads the task through the credential when asked, and outputs what Kling says', async () => {
		const { sim } = ctx;
		const hook = await receiver(sim, { options: { reReadTask: true, requireSignature: true } });
		await runWorkflow({ ...chain(createElementWithCallback(hook.url)), credentials: apiKeyCredential(sim) });
		await sim.idle();

		const [task] = sim.tasks('elements');
		expect(hook.executions).toHaveLength(1);
		expect(hook.executions[0][0].json).toMatchObject({
			taskId: task.taskId,
			status: 'succeed',
			elementIds: [task.outputId],
			source: 'kling',
			product: 'element',
			callbackStatus: 'succeed',
			signature: 'verified',
		});
		const reads = sim.apiRequests({ method: 'GET', pathIncludes: task.taskId });
		expect(reads.length).toBeGreaterThanOrEqual(1);
		expect(reads[reads.length - 1].path).toBe(`/v1/general/advanced-custom-elements/${task.taskId}`);
	});

	it('re-reads an image task too, which Kling has under another path than elements and videos', async () => {
		const { sim } = ctx;
		const hook = await receiver(sim, { options: { reReadTask: true, requireSignature: true } });
		const generate = klingNode('Generate', { resource: 'image', operation: 'generate', prompt: 'A poster', options: { callbackUrl: hook.url } });
		await runWorkflow({ ...chain(generate), credentials: apiKeyCredential(sim) });
		await sim.idle();

		const [task] = sim.tasks('generations');
		expect(hook.executions).toHaveLength(1);
		expect(hook.executions[0][0].json).toMatchObject({ taskId: task.taskId, status: 'succeed', source: 'kling', product: 'imageGeneration', signature: 'verified' });
		expect(hook.executions[0][0].json.images).toEqual([expect.objectContaining({ url: expect.stringMatching(/^https?:\/\//) })]);
	});

	it('reports a failed task when Failed is selected', async () => {
		const { sim } = ctx;
		sim.failTaskWhen(() => 'Face not detected in the frontal image');
		const hook = await receiver(sim, { events: ['failed'] });
		await runWorkflow({ ...chain(createElementWithCallback(hook.url)), credentials: apiKeyCredential(sim) });
		await sim.idle();
		expect(hook.executions).toHaveLength(1);
		expect(hook.executions[0][0].json).toMatchObject({ status: 'failed', succeeded: false, final: true, statusMessage: 'Face not detected in the frontal image', elementIds: [] });
	});

	it('takes Events from an expression that gives a name', async () => {
		const { sim } = ctx;
		sim.failTaskWhen(() => 'Face not detected in the frontal image');
		const hook = await receiver(sim, { events: '={{ "Failed" }}' });
		await runWorkflow({ ...chain(createElementWithCallback(hook.url)), credentials: apiKeyCredential(sim) });
		await sim.idle();
		expect(hook.executions).toHaveLength(1);
		expect(hook.executions[0][0].json).toMatchObject({ status: 'failed' });
	});

	it('answers 500 and starts nothing when an expression gives an event it does not know', async () => {
		const { sim } = ctx;
		const hook = await receiver(sim, { events: '={{ "succeeded, finished" }}' });
		await runWorkflow({ ...chain(createElementWithCallback(hook.url)), credentials: apiKeyCredential(sim) });
		await sim.idle();
		expect(hook.executions).toHaveLength(0);
		expect(hook.answers.map((answer) => answer.status)).toContain(500);
		expect(hook.answers[0].body.message).toMatch(/^Events: "finished" is not one of Failed \(failed\)/);
	});

	it('refuses callbacks signed with another secret, so Kling retries and nothing starts', async () => {
		const { sim } = ctx;
		const hook = await receiver(sim, {}, 'whsec_' + Buffer.from('a-different-secret-entirely-here').toString('base64'));
		await runWorkflow({ ...chain(createElementWithCallback(hook.url)), credentials: apiKeyCredential(sim) });
		await sim.idle();
		expect(hook.executions).toHaveLength(0);
		// Two statuses, each sent once and retried twice (the simulator's default), every time refused.
		expect(sim.callbacks.map((delivery) => delivery.status)).toEqual([401, 401, 401, 401, 401, 401]);
		expect(hook.answers[0].body.message).toMatch(/does not match/);
	});

	it('ignores tasks of other campaigns', async () => {
		const { sim } = ctx;
		const hook = await receiver(sim, { options: { externalTaskIdPrefix: 'campaign-8-' } });
		await runWorkflow({ ...chain(createElementWithCallback(hook.url, 'campaign-7-mira')), credentials: apiKeyCredential(sim) });
		await sim.idle();
		expect(sim.callbacks.map((delivery) => delivery.status)).toEqual([200, 200]);
		expect(hook.executions).toHaveLength(0);
	});
});

describe('Kling Trigger when Kling repeats, reorders or never sends its callbacks', () => {
	it('starts one execution however often each status is delivered', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { product: 'elements' }, fault: { kind: 'repeatCallbacks', count: 3 } });
		const hook = await receiver(sim);
		await runWorkflow({ ...chain(createElementWithCallback(hook.url)), credentials: apiKeyCredential(sim) });
		await sim.idle();

		expect(sim.callbacks.map((delivery) => delivery.status)).toEqual([200, 200, 200, 200, 200, 200]);
		expect(hook.executions).toHaveLength(1);
		expect(hook.executions[0][0].json).toMatchObject({ taskId: sim.tasks('elements')[0].taskId, status: 'succeed' });
	});

	it('reacts to the final status once, even when an older status arrives after it', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { product: 'elements' }, fault: { kind: 'reorderCallbacks' } });
		const hook = await receiver(sim, { events: ['processing', 'succeeded', 'failed'] });
		await runWorkflow({ ...chain(createElementWithCallback(hook.url)), credentials: apiKeyCredential(sim) });
		await sim.idle();

		const statuses = sim.callbacks.map((delivery) => JSON.parse(delivery.body).task_status);
		expect(statuses).toEqual(['succeed', 'processing']);
		// Both are selected events, each delivered once: one execution each, the final one first, nothing lost.
		expect(hook.executions.map((items) => items[0].json.status)).toEqual(['succeed', 'processing']);
	});

	it.each([
		['with Re-Read Task From Kling', { options: { reReadTask: true } }],
		['reading an element success without its result (default options)', {}],
	])("answers 503 to a success Kling does not back, starting nothing, and does not take the real one for a repeat (%s)", async (_how, parameters) => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'create', product: 'elements' }, fault: { kind: 'stuck' } });
		// No Webhook Secret: unsigned callbacks are taken, and the re-read is what checks them.
		const hook = await receiver(sim, parameters, '');
		await runWorkflow({ ...chain(createMiraElement({ options: { callbackUrl: hook.url, completion: 'returnTask' } })), credentials: apiKeyCredential(sim) });
		const [running] = sim.tasks('elements');
		// A success for the running task, from Kling's early answer or from anyone who learnt the URL and the task ID.
		const early = await hook.post(JSON.stringify({ task_id: running.taskId, task_status: 'succeed' }));
		// Answered 503, so that Kling's own delivery, if this was one (its read may lag), comes again.
		expect(early).toMatchObject({ status: 503, body: { message: expect.stringMatching(/^Kling does not confirm this callback for task \d+ yet; deliver it again later$/) } });
		expect(hook.executions).toHaveLength(0);

		sim.finishTask(running.taskId);
		await sim.idle();
		const [done] = sim.tasks('elements');
		expect(done.status).toBe('succeed');
		expect(hook.executions.map((items) => [items[0].json.status, items[0].json.elementIds])).toEqual([['succeed', [done.outputId]]]);
	});

	it('loses nothing when Kling never calls back: the create still outputs its element', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { product: 'elements' }, fault: { kind: 'dropCallbacks' } });
		const hook = await receiver(sim);
		const run = await runWorkflow({ ...chain(createElementWithCallback(hook.url)), credentials: apiKeyCredential(sim) });
		await sim.idle();

		expect(sim.callbacks).toHaveLength(0);
		expect(hook.executions).toHaveLength(0);
		expect(run.output('Create Element')[0].json.elementId).toBe(sim.tasks('elements')[0].outputId);
	});
});
