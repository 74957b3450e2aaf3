/**
 * Completion "Pause Until Kling Calls Back" in a running n8n: a production execution (started by a Webhook node)
 * creates an element with this execution's resume URL as callback_url, is persisted as `waiting`, and finishes
 * when the simulator calls that URL with the final status (n8n's WEBHOOK_URL points at itself).
 */
import { randomUUID } from 'node:crypto';

import { startSimulator, type KlingSimulator } from '../simulator/index.cts';
import { useN8n } from './helpers.cts';
import type { Execution } from './runtime/api.cts';
import { waitFor } from './runtime/wait.cts';
import { KLING_NODE, readExample, type WorkflowJson } from './runtime/workflows.cts';

const ctx = useN8n('callback');
let sim: KlingSimulator;
let workflowId = '';
let startUrl = '';

function pauseWorkflow(credentialId: string, webhookId: string): WorkflowJson {
	const create = readExample('create-element.json').nodes.find((node) => node.type === KLING_NODE)!;
	return {
		name: 'Create an element, paused until Kling calls back',
		nodes: [
			{
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId,
				parameters: { httpMethod: 'POST', path: 'make-element', responseMode: 'onReceived', options: {} },
			},
			{
				...create,
				parameters: { ...create.parameters, completion: 'callback' },
				credentials: { klingApi: { id: credentialId, name: 'Kling account' } },
			},
		],
		connections: { Webhook: { main: [[{ node: create.name, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

beforeAll(async () => {
	// Long enough in "processing" for the execution to be seen waiting; the final callback then resumes it.
	sim = await startSimulator({ timing: { submittedMs: 500, processingMs: 5000 } });
	const { api, server } = ctx.instance;
	const credentialId = await api.createCredential('Kling account', { authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: sim.url });
	workflowId = await api.createWorkflow(pauseWorkflow(credentialId, randomUUID()));
	startUrl = `${server.url}/webhook/make-element`;
	await api.activate(workflowId, [startUrl]);
});

afterAll(async () => {
	await sim?.close();
});

async function theExecution(predicate: (execution: Execution) => boolean, what: string, timeoutMs: number): Promise<Execution> {
	return await waitFor(
		async () => (await ctx.instance.api.executions(workflowId)).find(predicate),
		{ what, timeoutMs },
	);
}

describe('Pause Until Kling Calls Back in a running n8n', () => {
	it('waits, then finishes with the element when Kling calls the resume URL', async () => {
		const started = await fetch(startUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		expect(started.status).toBe(200);

		const waiting = await theExecution((execution) => execution.status === 'waiting', 'the execution to wait for Kling', 20_000);
		const [task] = sim.tasks('elements');
		expect(String(task.body.callback_url)).toMatch(new RegExp(`^${ctx.instance.server.url}/webhook-waiting/${waiting.id}\\b`));

		// Kling's callbacks: "processing" keeps the execution waiting, "succeed" resumes it. A call that came while
		// the execution was still being saved as waiting may get 409, which Kling's retries get past.
		await sim.idle(30_000);
		const answers = sim.callbacks.map((delivery) => delivery.status);
		expect({ answers, unexpected: answers.filter((status) => status !== 200 && status !== 409), last: answers[answers.length - 1] }).toEqual({
			answers,
			unexpected: [],
			last: 200,
		});

		const done = await theExecution((execution) => execution.id === waiting.id && execution.status !== 'waiting', 'the execution to resume', 30_000);
		const full = await ctx.instance.api.execution(done.id);
		expect(full.data?.resultData.error).toBeUndefined();
		expect(full.status).toBe('success');
		const runs = full.data!.resultData.runData['Create Element'];
		const [item] = runs[runs.length - 1].data!.main[0];
		expect(item.json).toMatchObject({ elementId: expect.stringMatching(/^\d+$/), status: 'succeed', taskId: task.taskId });
	});
});
