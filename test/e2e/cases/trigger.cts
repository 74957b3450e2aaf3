/**
 * The Kling Trigger in a running n8n, as the regular-mode and the queue-mode suites both drive it: workflows with
 * the trigger, Kling's (signed) deliveries captured from the simulator and posted again, and the executions n8n
 * stored for them.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import { signWebhook, type KlingSimulator } from '../../simulator/index.cts';
import type { Execution, PublicApi, Session } from '../runtime/api.cts';
import { doneExecutions } from '../runtime/executions.cts';
import { n8nMajor, REPO_ROOT, type Runtime } from '../runtime/runtime.cts';
import { waitFor } from '../runtime/wait.cts';
import { KLING_TRIGGER_NODE, type WorkflowJson } from '../runtime/workflows.cts';

export const TRIGGER_SECRET = 'whsec_' + Buffer.from('kling-e2e-trigger-secret-32bytes').toString('base64');
export const TRIGGER_CREDENTIAL = 'Kling with webhook secret';

export function triggerWorkflow(name: string, webhookId: string, credentialId: string, options: Record<string, unknown> = {}): WorkflowJson {
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
				credentials: { klingApi: { id: credentialId, name: TRIGGER_CREDENTIAL } },
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

/** Creates the credential the trigger workflows use: the simulator's API key and webhook secret. */
export async function createTriggerCredential(api: PublicApi, sim: KlingSimulator): Promise<string> {
	return await api.createCredential(TRIGGER_CREDENTIAL, { authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: sim.url, webhookSecret: TRIGGER_SECRET });
}

/**
 * A new, active trigger workflow; `origins` are the n8n processes (main, webhook processors) that must serve its
 * Production URL before it counts as active. Returns its id and its URL path.
 */
export async function activeTrigger(api: PublicApi, credentialId: string, origins: string[], name = `Kling callbacks ${randomUUID().slice(0, 8)}`) {
	const webhookId = randomUUID();
	const workflowId = await api.createWorkflow(triggerWorkflow(name, webhookId, credentialId));
	const path = `/webhook/${webhookId}/kling`;
	await api.activate(workflowId, origins.map((origin) => `${origin}${path}`));
	return { workflowId, path };
}

/**
 * A new, active trigger workflow with these Events (by default Succeeded and Failed), Options and credential, served by
 * the n8n at `serverUrl`: its id and Production URL.
 */
export async function activeTriggerWith(
	api: PublicApi,
	serverUrl: string,
	name: string,
	setup: { credential: { id: string; name: string }; events?: string[]; options?: Record<string, unknown> },
) {
	const webhookId = randomUUID();
	const workflow = triggerWorkflow(name, webhookId, setup.credential.id, setup.options);
	const nodes = workflow.nodes.map((node) => ({ ...node, parameters: { ...node.parameters, events: setup.events ?? node.parameters.events }, credentials: { klingApi: setup.credential } }));
	const workflowId = await api.createWorkflow({ ...workflow, nodes });
	const url = `${serverUrl}/webhook/${webhookId}/kling`;
	await api.activate(workflowId, [url]);
	return { workflowId, url };
}

/**
 * Whether n8n serves the URL now: a CORS preflight, which starts nothing, is answered 204 by a registered webhook and
 * 404 by an unknown one. For a Test URL: whether the editor listens for a test event.
 */
export async function served(url: string): Promise<boolean> {
	const response = await fetch(url, { method: 'OPTIONS', headers: { origin: new URL(url).origin, 'access-control-request-method': 'POST' } });
	if (response.status !== 204 && response.status !== 404) throw new Error(`OPTIONS ${url} answered HTTP ${response.status}`);
	return response.status === 204;
}

/**
 * Listens for a test event on the workflow's Kling Trigger, as the editor's "Listen for test event" does, through
 * n8n's internal API: POST /rest/workflows/<id>/run with the trigger to start from (n8n 1.x also wants the whole
 * workflow, as the editor holds it). Returns once n8n serves `testUrl`, the trigger's Test URL.
 */
export async function listenForTestEvent(session: Session, runtime: Pick<Runtime, 'n8nVersion'>, workflowId: string, testUrl: string): Promise<void> {
	const triggerToStartFrom = { name: 'Kling Trigger' };
	const body =
		n8nMajor(runtime) >= 2
			? { triggerToStartFrom }
			: { workflowData: (await session.call('GET', `/rest/workflows/${workflowId}`)).data, triggerToStartFrom };
	const answer = await session.call('POST', `/rest/workflows/${workflowId}/run`, body);
	expect(answer.data).toEqual({ waitingForWebhook: true });
	await waitFor(() => served(testUrl), { what: `n8n to listen on the Test URL ${testUrl}`, timeoutMs: 30_000, intervalMs: 100 });
}

/** Waits until n8n no longer listens on the Test URL (it stops after a test call that started an execution). */
export async function listeningEnded(testUrl: string): Promise<void> {
	await waitFor(async () => !(await served(testUrl)), { what: `n8n to stop listening on the Test URL ${testUrl}`, timeoutMs: 30_000, intervalMs: 100 });
}

/** The workflow's test executions (mode "manual"), once `count` of them and every other execution are done; oldest first. */
export async function testExecutions(api: PublicApi, workflowId: string, count: number): Promise<Execution[]> {
	const manual = (executions: Execution[]) => executions.filter((execution) => execution.mode === 'manual');
	return manual(await doneExecutions(api, workflowId, (executions) => manual(executions).length >= count));
}

export async function post(url: string, body: string, headers: Record<string, string> = {}) {
	const response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
	return { status: response.status, body: (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined };
}

/** Creates a task on the simulator with a POST to `createPath` (e.g. /v1/videos/image2video), as a Kling node would; its task ID. */
export async function createTaskAt(sim: KlingSimulator, createPath: string, body: Record<string, unknown>): Promise<string> {
	const response = await fetch(`${sim.url}${createPath}`, {
		method: 'POST',
		headers: { authorization: 'Bearer test-api-key', 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	const text = await response.text();
	const taskId = /"task_id":"(\d+)"/.exec(text)?.[1];
	if (!taskId) throw new Error(`POST ${createPath} made no task: HTTP ${response.status} ${text}`);
	return taskId;
}

/** Creates an element task on the simulator, as a Kling node with Options → Callback URL would (or without one). */
export async function createTask(sim: KlingSimulator, callbackUrl?: string, externalTaskId?: string): Promise<string> {
	return await createTaskAt(sim, '/v1/general/advanced-custom-elements', {
		element_name: 'Captain Mira',
		element_description: 'A tall woman in a red pilot jacket',
		reference_type: 'image_refer',
		element_image_list: { frontal_image: 'https://example.com/front.png', refer_images: [{ image_url: 'https://example.com/side.png' }] },
		callback_url: callbackUrl,
		external_task_id: externalTaskId,
	});
}

/** The callback body with another task id: the raw text is edited, so 19-digit ids are never rounded. */
export const withTaskId = (body: string, taskId: string) => body.replace(/"task_id":"\d+"/, `"task_id":"${taskId}"`);

export function signedHeaders(body: string): Record<string, string> {
	const id = `msg_${randomUUID()}`;
	const timestamp = Math.floor(Date.now() / 1000);
	return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signWebhook(TRIGGER_SECRET, id, timestamp, body) };
}

/**
 * The body of the Kling console's "Send Test Callback" (docs/kling-api.md §9.3): a new-standard callback (§9) of a
 * task Kling does not have, with status "submitted".
 */
export function consoleTestCallback(taskId: string): string {
	const now = Date.now();
	return `{"id":"${taskId}","status":"submitted","message":"","create_time":${now - 1000},"update_time":${now}}`;
}

export const triggerJson = (execution: Execution) => execution.data?.resultData.runData['Kling Trigger']?.[0]?.data?.main[0]?.[0]?.json;

export interface Delivery {
	taskId: string;
	body: string;
	headers: Record<string, string>;
}

/**
 * Kling's signed "succeed" delivery for each of `count` new tasks, caught by a receiver of our own instead of
 * n8n, so a test can post each delivery to n8n as often, and wherever, it likes.
 */
export async function capturedDeliveries(sim: KlingSimulator, count: number): Promise<Delivery[]> {
	const sink = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end()));
	await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/kling`;
	try {
		const taskIds = await Promise.all(Array.from({ length: count }, () => createTask(sim, url)));
		await sim.idle(60_000);
		return taskIds.map((taskId) => {
			const delivery = sim.callbacks.find((candidate) => candidate.url === url && candidate.body.includes(`"task_id":"${taskId}"`) && candidate.body.includes('"task_status":"succeed"'));
			if (!delivery) throw new Error(`The simulator sent no "succeed" callback for task ${taskId}`);
			return { taskId, body: delivery.body, headers: delivery.headers };
		});
	} finally {
		await new Promise((resolve) => sink.close(resolve));
	}
}

/**
 * The workflow's executions once every delivery made so far has had its effect: a new task's delivery is posted
 * to each of `urls` after them, and once its executions are done, any execution an earlier delivery started
 * exists too. Returns the executions of `taskIds` (the sentinels left out), oldest first, each checked to be a
 * successful webhook execution.
 */
export async function executionsSettled(api: PublicApi, sim: KlingSimulator, workflowId: string, urls: string[], taskIds: string[]): Promise<Execution[]> {
	const sentinels = await capturedDeliveries(sim, urls.length);
	for (const [index, url] of urls.entries()) expect((await post(url, sentinels[index].body, sentinels[index].headers)).status).toBe(200);
	const isSentinel = (execution: Execution) => sentinels.some((sentinel) => triggerJson(execution)?.taskId === sentinel.taskId);
	const all = await doneExecutions(api, workflowId, (executions) => executions.filter(isSentinel).length >= sentinels.length && executions.length >= taskIds.length + sentinels.length);
	for (const execution of all) expect([execution.status, execution.mode]).toEqual(['success', 'webhook']);
	return all.filter((execution) => !isSentinel(execution));
}

/**
 * Posts each delivery to `urls[0]`, waits until the execution it started is done, then posts it `repeats` times
 * more, one after the other, cycling through `urls`: Kling's repeated deliveries as they come in practice, after
 * the first one was answered and handled.
 */
export async function postAndRepeat(api: PublicApi, workflowId: string, deliveries: Delivery[], urls: string[], repeats: number): Promise<void> {
	for (const delivery of deliveries) {
		expect((await post(urls[0], delivery.body, delivery.headers)).status).toBe(200);
		await doneExecutions(api, workflowId, (executions) => executions.some((execution) => triggerJson(execution)?.taskId === delivery.taskId));
		for (let repeat = 1; repeat <= repeats; repeat++) {
			expect((await post(urls[repeat % urls.length], delivery.body, delivery.headers)).status).toBe(200);
		}
	}
}

export interface RaceFigures {
	how: string;
	tasks: number;
	tasksStartedTwice: number;
}

/**
 * How often a delivery sent twice starts two executions, when the copies are sent by `send` (at the same moment,
 * or the second the moment the first is answered). Measured, not asserted: each task must still start one
 * execution at least and one per copy at most. Written to test-results/<folder>/trigger-races.json.
 */
export async function measureRepeats(
	target: { api: PublicApi; sim: KlingSimulator; workflowId: string; urls: string[] },
	how: string,
	tasks: number,
	send: (delivery: Delivery) => Promise<void>,
): Promise<RaceFigures> {
	const { api, sim, workflowId, urls } = target;
	const deliveries = await capturedDeliveries(sim, tasks);
	for (const delivery of deliveries) await send(delivery);
	const executions = await executionsSettled(api, sim, workflowId, urls, deliveries.map((delivery) => delivery.taskId));
	const perTask = deliveries.map((delivery) => executions.filter((execution) => triggerJson(execution)?.taskId === delivery.taskId).length);
	expect(perTask.filter((count) => count < 1 || count > 2)).toEqual([]);
	return { how, tasks, tasksStartedTwice: perTask.filter((count) => count > 1).length };
}

/** Adds the figures to test-results/<folder>/trigger-races.json (the README quotes them). */
export function recordRaces(folder: string, figures: RaceFigures): void {
	const file = path.join(REPO_ROOT, 'test-results', folder, 'trigger-races.json');
	mkdirSync(path.dirname(file), { recursive: true });
	const recorded = (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : []) as RaceFigures[];
	writeFileSync(file, JSON.stringify([...recorded.filter((entry) => entry.how !== figures.how), figures], null, 2));
	process.stdout.write(`Kling Trigger, ${figures.how}: ${figures.tasksStartedTwice} of ${figures.tasks} tasks started two executions\n`);
}

/** The task id of each execution, sorted (deliveries of different tasks may start their executions in any order). */
export const taskIdsOf = (executions: Execution[]) => executions.map((execution) => triggerJson(execution)?.taskId as string).sort();

export const sorted = (ids: string[]) => [...ids].sort();
