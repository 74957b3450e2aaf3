/**
 * The Kling Trigger in a running n8n (`n8n start`): two workflows are activated through the public API, one that
 * accepts unsigned callbacks and one with Require Signature on. Kling's real (signed) callbacks arrive from the
 * simulator; unsigned, forged and repeated ones are posted by the test. n8n's public API then tells which
 * executions were started: exactly the right ones.
 */
import { randomUUID } from 'node:crypto';

import { signWebhook, startSimulator, type KlingSimulator } from '../simulator/index.cts';
import { useN8n } from './helpers.cts';
import type { Execution } from './runtime/api.cts';
import { KLING_TRIGGER_NODE, type WorkflowJson } from './runtime/workflows.cts';
import { waitFor } from './runtime/wait.cts';

const SECRET = 'whsec_' + Buffer.from('kling-e2e-trigger-secret-32bytes').toString('base64');

const ctx = useN8n('trigger');
let sim: KlingSimulator;
const lenient = { webhookId: randomUUID(), workflowId: '', url: '' };
const strict = { webhookId: randomUUID(), workflowId: '', url: '' };

function triggerWorkflow(name: string, webhookId: string, credentialId: string, options: Record<string, unknown>): WorkflowJson {
	return {
		name,
		nodes: [
			{
				name: 'Kling Trigger',
				type: KLING_TRIGGER_NODE,
				typeVersion: 1,
				position: [0, 0],
				webhookId,
				parameters: { events: ['succeeded', 'failed'], options },
				credentials: { klingApi: { id: credentialId, name: 'Kling with webhook secret' } },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

beforeAll(async () => {
	sim = await startSimulator({ webhookSecret: SECRET, timing: { submittedMs: 50, processingMs: 100 } });
	const { api, server } = ctx.instance;
	const credentialId = await api.createCredential('Kling with webhook secret', {
		authType: 'apiKey',
		apiKey: 'test-api-key',
		region: 'custom',
		customBaseUrl: sim.url,
		webhookSecret: SECRET,
	});
	for (const [target, name, options] of [
		[lenient, 'Kling callbacks', {}],
		[strict, 'Kling callbacks, signed only', { requireSignature: true }],
	] as const) {
		target.workflowId = await api.createWorkflow(triggerWorkflow(name, target.webhookId, credentialId, options));
		target.url = `${server.url}/webhook/${target.webhookId}/kling`;
		await api.activate(target.workflowId, [target.url]);
	}
});

afterAll(async () => {
	await sim?.close();
});

async function post(url: string, body: string, headers: Record<string, string> = {}) {
	const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
	return { status: response.status, body: (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined };
}

/** Creates an element task on the simulator, as a Kling node with Options → Callback URL would (or without one). */
async function createTask(callbackUrl?: string): Promise<string> {
	const response = await fetch(`${sim.url}/v1/general/advanced-custom-elements`, {
		method: 'POST',
		headers: { authorization: 'Bearer test-api-key', 'content-type': 'application/json' },
		body: JSON.stringify({
			element_name: 'Captain Mira',
			element_description: 'A tall woman in a red pilot jacket',
			reference_type: 'image_refer',
			element_image_list: { frontal_image: 'https://example.com/front.png', refer_images: [{ image_url: 'https://example.com/side.png' }] },
			callback_url: callbackUrl,
		}),
	});
	const text = await response.text();
	return /"task_id":"(\d+)"/.exec(text)![1];
}

/** The callback body with another task id: the raw text is edited, so 19-digit ids are never rounded. */
const withTaskId = (body: string, taskId: string) => body.replace(/"task_id":"\d+"/, `"task_id":"${taskId}"`);

function signedHeaders(body: string): Record<string, string> {
	const id = `msg_${randomUUID()}`;
	const timestamp = Math.floor(Date.now() / 1000);
	return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(SECRET, id, timestamp, body) };
}

/** Waits until the workflow has `count` finished executions, then returns them with their data. */
async function finishedExecutions(workflowId: string, count: number): Promise<Execution[]> {
	const { api } = ctx.instance;
	const list = await waitFor(
		async () => {
			const executions = await api.executions(workflowId, { includeData: true });
			return executions.length >= count && executions.every((execution) => execution.finished || execution.status === 'error') && executions;
		},
		{ what: `${count} finished executions of workflow ${workflowId}`, timeoutMs: 30_000 },
	);
	return list.sort((a, b) => Number(a.id) - Number(b.id));
}

const triggerJson = (execution: Execution) => execution.data?.resultData.runData['Kling Trigger'][0].data?.main[0][0].json;

describe('Kling Trigger in a running n8n', () => {
	it('starts exactly the right executions for signed, repeated, forged and unsigned callbacks', async () => {
		// 1. Kling's own callbacks (signed): "processing" is filtered out, "succeed" starts one execution.
		const realTask = await createTask(lenient.url);
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
		const quietTask = await createTask();
		await sim.idle();
		const forgedClaim = withTaskId(succeed.body, quietTask).replace(/"element_id":\d+/, '"element_id":111111111111111111');
		expect((await post(lenient.url, forgedClaim)).status).toBe(200);

		// 5. Signed with the credential's secret: accepted by the strict workflow.
		const signedBody = withTaskId(succeed.body, '999000000000000003');
		expect((await post(strict.url, signedBody, signedHeaders(signedBody))).status).toBe(200);

		const lenientRuns = await finishedExecutions(lenient.workflowId, 2);
		const strictRuns = await finishedExecutions(strict.workflowId, 1);
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
		// Nothing else arrived late.
		expect(await ctx.instance.api.executions(lenient.workflowId)).toHaveLength(2);
		expect(await ctx.instance.api.executions(strict.workflowId)).toHaveLength(1);
	});
});
