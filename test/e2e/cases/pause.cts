/**
 * Pause Until Kling Calls Back in a running n8n, as the regular-mode and the queue-mode suites both check it: a
 * production execution (started by a Webhook node) creates an element with its resume URL as callback_url, is
 * stored as `waiting`, and finishes with the element that Kling made when its resume URL is called. Every check
 * reads the execution as n8n stored it.
 */
import { randomUUID } from 'node:crypto';

import type { KlingSimulator, TaskSnapshot } from '../../simulator/index.cts';
import type { Execution, PublicApi } from '../runtime/api.cts';
import { executionWhere, finished, isDone, lastOutput, WAIT_INDEFINITELY } from '../runtime/executions.cts';
import { waitFor } from '../runtime/wait.cts';
import { adaptWorkflow, chainWorkflow, CREDENTIAL_NAME, KLING_NODE, readExample, webhookNode, type WorkflowJson } from '../runtime/workflows.cts';

export const CREATE_NODE = 'Create Element';

export interface PauseSetup {
	api: PublicApi;
	sim: KlingSimulator;
	workflowId: string;
	/** The production URL of the workflow's Webhook node. */
	startUrl: string;
}

/** Webhook → Create Element (the example's node) with Completion: Pause Until Kling Calls Back. */
export function pauseWorkflow(credential: { id: string; name: string }, path: string): WorkflowJson {
	const create = readExample('create-element.json').nodes.find((node) => node.name === CREATE_NODE && node.type === KLING_NODE)!;
	const workflow = chainWorkflow('Create an element, paused until Kling calls back', [{ ...create, parameters: { ...create.parameters, options: { completion: 'callback' } } }], webhookNode(path));
	return adaptWorkflow(workflow, { credential });
}

/**
 * Creates the credential and the pause workflows (one item, pauseBatchWorkflow with node settings, and the ones below), activated with their production
 * URLs at `webhookOrigin`: main in regular mode, a webhook processor in queue mode.
 */
export async function activatePauseWorkflows(
	api: PublicApi,
	sim: KlingSimulator,
	webhookOrigin: string,
): Promise<Record<'single' | 'batch' | 'retried' | 'continued' | 'errorOutput' | 'ownCallbackUrl' | 'images' | 'video' | 'views' | 'twoNodes' | 'loop' | 'thenWait', PauseSetup>> {
	const credentialId = await api.createCredential(CREDENTIAL_NAME, { authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: sim.url });
	const credential = { id: credentialId, name: CREDENTIAL_NAME };
	const activate = async (workflow: WorkflowJson, path: string): Promise<PauseSetup> => {
		const workflowId = await api.createWorkflow(workflow);
		const startUrl = `${webhookOrigin}/webhook/${path}`;
		await api.activate(workflowId, [startUrl]);
		return { api, sim, workflowId, startUrl };
	};
	return {
		single: await activate(pauseWorkflow(credential, 'make-element'), 'make-element'),
		batch: await activate(pauseBatchWorkflow(credential, 'make-elements'), 'make-elements'),
		retried: await activate(pauseBatchWorkflow(credential, 'make-elements-retried', { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 }), 'make-elements-retried'),
		continued: await activate(pauseBatchWorkflow(credential, 'make-elements-continued', { onError: 'continueRegularOutput' }), 'make-elements-continued'),
		errorOutput: await activate(pauseBatchWorkflow(credential, 'make-elements-error-output', { onError: 'continueErrorOutput' }), 'make-elements-error-output'),
		ownCallbackUrl: await activate(pauseBatchWorkflow(credential, 'make-elements-own-url', {}, { callbackUrl: '={{ $json.name === "Fox" ? "https://example.com/mine" : "" }}' }), 'make-elements-own-url'),
		images: await activate(pauseImagesWorkflow(credential, 'make-images'), 'make-images'),
		video: await activate(pauseVideoWorkflow(credential, 'make-video'), 'make-video'),
		views: await activate(pauseViewsWorkflow(credential, 'make-element-from-views'), 'make-element-from-views'),
		twoNodes: await activate(twoPausesWorkflow(credential, 'make-two-elements'), 'make-two-elements'),
		loop: await activate(pauseLoopWorkflow(credential, 'make-elements-in-a-loop'), 'make-elements-in-a-loop'),
		thenWait: await activate(pauseThenWaitWorkflow(credential, 'make-element-then-wait'), 'make-element-then-wait'),
	};
}

/**
 * Posts `body` to the workflow's Webhook node; resolves with the execution it started once that is stored as waiting
 * (or, with `until: 'done'`, as finished).
 */
export async function startExecution(setup: PauseSetup, body: object = {}, until: 'waiting' | 'done' = 'waiting'): Promise<Execution> {
	const { api, workflowId, startUrl } = setup;
	const before = new Set((await api.executions(workflowId)).map((execution) => execution.id));
	const started = await fetch(startUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	expect(started.status).toBe(200);
	const settled = (execution: Execution) => (until === 'waiting' ? execution.status === 'waiting' : isDone(execution));
	return await executionWhere(api, workflowId, (candidate) => !before.has(candidate.id) && settled(candidate), `the new execution to be ${until === 'waiting' ? 'waiting for Kling' : 'done'}`);
}

/** Starts a run through the Webhook node; resolves once it is stored as waiting, with the task it created. */
export async function startPausedRun(setup: PauseSetup): Promise<{ execution: Execution; task: TaskSnapshot }> {
	const execution = await startExecution(setup);
	const task = setup.sim.tasks('elements').find((candidate) => String(candidate.body.callback_url).includes(`/webhook-waiting/${execution.id}/kling?`));
	if (!task) throw new Error(`No task has execution ${execution.id}'s resume URL as its callback_url`);
	return { execution, task };
}

/** The stored execution finished with the element that Kling made for `task`, read from Kling. */
export async function expectResumedWithElement(setup: PauseSetup, executionId: string, task: TaskSnapshot): Promise<Execution> {
	const done = await finished(setup.api, executionId);
	expect(done.data?.resultData.error).toBeUndefined();
	expect(done.status).toBe('success');
	const element = setup.sim.tasks('elements').find((candidate) => candidate.taskId === task.taskId)!;
	expect(element.status).toBe('succeed');
	expect(lastOutput(done, CREATE_NODE).map((item) => item.json)).toEqual([
		expect.objectContaining({ elementId: element.outputId, status: 'succeed', taskId: task.taskId }),
	]);
	return done;
}

/**
 * The stored execution waits with no time of its own to resume (only a call to its resume URL continues it), and
 * no run of the Kling node holds a result or the Webhook's item passed through.
 */
export async function expectWaitingWithoutResult(api: PublicApi, executionId: string, tasks: TaskSnapshot[]): Promise<void> {
	const stored = await api.execution(executionId);
	expect({ status: stored.status, waitTill: stored.waitTill && new Date(stored.waitTill).toISOString() }).toEqual({ status: 'waiting', waitTill: WAIT_INDEFINITELY });
	const outputs = (stored.data?.resultData.runData[CREATE_NODE] ?? []).flatMap((run) => run.data?.main[0] ?? []);
	expect(outputs.filter((item) => 'elementId' in item.json || item.json.status === 'succeed' || 'headers' in item.json)).toEqual([]);
	// What the node shows while it waits: each item's task, to look up if Kling never calls back.
	expect(outputs.map((item) => item.json.taskId)).toEqual(tasks.map((task) => task.taskId));
}

/** A body like Kling's final callback; the node re-reads the tasks from Kling and never trusts it. */
function finalCallbackBody(task: TaskSnapshot): string {
	return JSON.stringify({ task_id: task.taskId, task_status: 'succeed', task_status_msg: '', task_info: { external_task_id: task.externalTaskId }, task_result: {} });
}

/** Posts a final callback for `task` to `url`, as Kling would. */
const postCallback = (url: string | URL, task: TaskSnapshot) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: finalCallbackBody(task) });

/** Kling's callbacks resume the execution at the URL the node gave Kling (its origin is `expectedOrigin`). */
export async function resumesWhenKlingCallsBack(setup: PauseSetup, expectedOrigin: string): Promise<Execution> {
	const { execution, task } = await startPausedRun(setup);
	expect(String(task.body.callback_url)).toMatch(new RegExp(`^${expectedOrigin}/webhook-waiting/${execution.id}/kling\\?`));
	// "processing" keeps the execution waiting, "succeed" resumes it. A call that came while the execution was still
	// being saved as waiting may get 409, which Kling's retries get past.
	await setup.sim.idle(60_000);
	const answers = setup.sim.callbacks.filter((delivery) => delivery.url === task.body.callback_url).map((delivery) => delivery.status);
	expect({ unexpected: answers.filter((status) => status !== 200 && status !== 409), last: answers[answers.length - 1] }).toEqual({ unexpected: [], last: 200 });
	return await expectResumedWithElement(setup, execution.id, task);
}

/**
 * Starts a run whose callbacks Kling loses; resolves once its task is final on Kling and the execution still waits,
 * having asked Kling nothing since it paused.
 */
async function startRunWithLostCallbacks(setup: PauseSetup): Promise<{ execution: Execution; task: TaskSnapshot }> {
	const { api, sim } = setup;
	sim.injectFault({ when: { product: 'elements', operation: 'create' }, fault: { kind: 'dropCallbacks' } });
	const { execution, task } = await startPausedRun(setup);
	const waitingSeenAt = Date.now();
	await waitFor(() => sim.tasks('elements').find((candidate) => candidate.taskId === task.taskId)?.status === 'succeed', {
		what: `task ${task.taskId} to succeed on the simulator`,
		timeoutMs: 60_000,
	});
	await expectWaitingWithoutResult(api, execution.id, [task]);
	expect(sim.callbacks.filter((delivery) => delivery.url === task.body.callback_url)).toEqual([]);
	// A paused execution asks Kling nothing: its one look came before n8n stored it as waiting, seconds before the task ended.
	expect(sim.apiRequests({ method: 'GET' }).filter((read) => read.receivedAt >= waitingSeenAt)).toEqual([]);
	return { execution, task };
}

/**
 * Kling's callbacks are lost: once the task is final on Kling, the execution still waits, with nothing passed
 * through. A later call to the resume URL (at `resumeOrigin`, default the one in callback_url) makes the node read
 * the task from Kling and continue with the element.
 */
export async function waitsUntilTheResumeUrlIsCalled(setup: PauseSetup, resumeOrigin?: string): Promise<Execution> {
	const { execution, task } = await startRunWithLostCallbacks(setup);
	const resumeUrl = new URL(String(task.body.callback_url));
	const target = resumeOrigin ? `${resumeOrigin}${resumeUrl.pathname}${resumeUrl.search}` : resumeUrl.href;
	expect((await postCallback(target, task)).status).toBe(200);
	return await expectResumedWithElement(setup, execution.id, task);
}

/**
 * Two calls to the resume URL at the same moment, once the task is final: n8n checks that the execution waits before
 * the node's webhook runs, and n8n 1.x does not check again after it, so only the node can keep the run from resuming
 * twice. Exactly one call resumes it.
 * `origins`: where each call goes (default both to the resume URL's own), e.g. two webhook processors in queue mode.
 */
export async function resumesOnceFromTwoCallsAtOnce(setup: PauseSetup, origins?: [string, string]): Promise<void> {
	const { execution, task } = await startRunWithLostCallbacks(setup);
	const resumeUrl = new URL(String(task.body.callback_url));
	const targets = (origins ?? [resumeUrl.origin, resumeUrl.origin]).map((origin) => `${origin}${resumeUrl.pathname}${resumeUrl.search}`);
	const answers = await Promise.all(
		targets.map(async (target) => {
			const answer = await postCallback(target, task);
			return { status: answer.status, body: await answer.text() };
		}),
	);
	// The call that resumed the run is answered by n8n; every answer of the node's own says why it resumed nothing.
	const byN8n = (answer: { status: number; body: string }) => answer.status === 200 && !answer.body.includes('"reason"');
	expect(answers.filter(byN8n)).toHaveLength(1);
	// The other waited its turn at the same process, or n8n refused it: 409 once the run runs, 500 from n8n 2.x for a
	// second resume at another process ("There was a problem executing the workflow").
	const [other] = answers.filter((answer) => !byN8n(answer));
	expect([`200 ${JSON.stringify({ received: true, waiting: false, reason: 'An earlier callback of this batch resumed the run' })}`, '409', '500']).toContain(
		other.status === 200 ? `200 ${other.body}` : String(other.status),
	);
	await expectResumedWithElement(setup, execution.id, task);
}

/**
 * n8n's resume token does not cover the batch parameters: a call whose item count was changed names no task of the
 * batch, is answered 404 and resumes nothing, though the task is final; the resume URL as given then resumes the run.
 */
export async function refusesAChangedItemCount(setup: PauseSetup): Promise<void> {
	const { execution, task } = await startRunWithLostCallbacks(setup);
	const changed = new URL(String(task.body.callback_url));
	expect(changed.searchParams.get('klingItems')).toBe('1');
	changed.searchParams.set('klingItems', '2');
	const answer = await postCallback(changed, task);
	expect({ status: answer.status, body: await answer.json() }).toEqual({ status: 404, body: { received: true, waiting: true, reason: 'No Kling task belongs to this resume URL' } });
	await expectWaitingWithoutResult(setup.api, execution.id, [task]);

	expect((await postCallback(String(task.body.callback_url), task)).status).toBe(200);
	await expectResumedWithElement(setup, execution.id, task);
}

/**
 * A forged "succeed" posted to the resume URL while the task still runs changes nothing: the run keeps waiting. It is
 * answered 503, as a real callback that Kling's read lags would be, so that Kling would deliver it again.
 */
export async function ignoresAForgedCallback(setup: PauseSetup): Promise<void> {
	const { api, sim } = setup;
	sim.injectFault({ when: { product: 'elements', operation: 'create' }, fault: { kind: 'stuck' } });
	const { execution, task } = await startPausedRun(setup);
	const answer = await postCallback(String(task.body.callback_url), task);
	expect({ status: answer.status, body: await answer.json() }).toEqual({
		status: 503,
		body: { received: true, waiting: true, reason: expect.stringMatching(/^Kling does not show task n8n-[0-9a-f]+-1-0 final yet, as this callback says/) },
	});
	await expectWaitingWithoutResult(api, execution.id, [task]);
}

/**
 * A callback at which Kling cannot be read (here: its answer is refused) is answered 503, which keeps the run waiting,
 * and Kling's next delivery resumes it with the element.
 */
export async function keepsWaitingWhileKlingCannotBeRead(setup: PauseSetup): Promise<void> {
	const { sim } = setup;
	// The look before the pause and the first callback's read, each with its one retry (a refused token, §12).
	sim.injectFault({ when: { product: 'elements', method: 'GET' }, times: 4, fault: { kind: 'error', code: 1000 } });
	const { execution, task } = await startPausedRun(setup);
	await sim.idle(60_000);
	expect(sim.callbacks.filter((delivery) => delivery.url === task.body.callback_url).map((delivery) => delivery.status)).toContain(503);
	await expectResumedWithElement(setup, execution.id, task);
}

/**
 * Webhook → Split Out (the posted `items`) → Create Element named by each item, paused until Kling calls back;
 * `settings` are the Create Element node's settings (Retry On Fail), `options` more of its Options.
 */
export function pauseBatchWorkflow(credential: { id: string; name: string }, path: string, settings: Record<string, unknown> = {}, options: Record<string, unknown> = {}): WorkflowJson {
	const create = readExample('create-element.json').nodes.find((node) => node.name === CREATE_NODE && node.type === KLING_NODE)!;
	const nodes = [
		{ name: 'Split Out', type: 'n8n-nodes-base.splitOut', parameters: { fieldToSplitOut: 'body.items', options: {} } },
		{ ...create, parameters: { ...create.parameters, elementName: '={{ $json.name }}', options: { completion: 'callback', ...options } }, ...settings },
	];
	return adaptWorkflow(chainWorkflow('Create the posted elements, paused until Kling calls back', nodes, webhookNode(path)), { credential });
}

/** Starts a run of pauseBatchWorkflow with one item per name; resolves once it waits, with its tasks in item order. */
export async function startPausedBatch(setup: PauseSetup, names: string[]): Promise<{ execution: Execution; tasks: TaskSnapshot[] }> {
	const execution = await startExecution(setup, { items: names.map((name) => ({ name })) });
	const ours = setup.sim.tasks('elements').filter((task) => String(task.body.callback_url).includes(`/webhook-waiting/${execution.id}/kling?`));
	return { execution, tasks: names.map((name) => ours.find((task) => task.body.element_name === name)!) };
}

/** The callbacks Kling delivered for `task`: the status each reported and n8n's answer. */
function deliveriesOf(sim: KlingSimulator, task: TaskSnapshot): Array<{ status: string; answer: number | 'error' }> {
	return sim.callbacks
		.filter((delivery) => delivery.url === task.body.callback_url)
		.map((delivery) => ({ body: JSON.parse(delivery.body) as { task_id: string; task_status: string }, answer: delivery.status }))
		.filter(({ body }) => body.task_id === task.taskId)
		.map(({ body, answer }) => ({ status: body.task_status, answer }));
}

/** A paused run of three items whose second task fails on Kling, finished as a success; its tasks as Kling ended them. */
async function resumedBatchWithTheSecondFailed(setup: PauseSetup): Promise<{ done: Execution; tasks: TaskSnapshot[] }> {
	const { api, sim } = setup;
	sim.failTaskWhen((_product, body) => (body.element_name === 'Second' ? 'The reference images show no subject' : undefined));
	const { execution, tasks } = await startPausedBatch(setup, ['First', 'Second', 'Third']);
	const done = await finished(api, execution.id);
	expect(done.data?.resultData.error).toBeUndefined();
	expect(done.status).toBe('success');
	return { done, tasks: tasks.map((task) => sim.tasks('elements').find((candidate) => candidate.taskId === task.taskId)!) };
}

/**
 * Several items, one of whose tasks fails: the run continues once every task is final, with one item per input item;
 * the failed task's item carries its error beside the others' elements. `setup` runs pauseBatchWorkflow.
 */
export async function resumesWithEveryItem(setup: PauseSetup): Promise<Execution> {
	const { done, tasks: [first, second, third] } = await resumedBatchWithTheSecondFailed(setup);
	expect(lastOutput(done, CREATE_NODE).map((item) => item.json)).toEqual([
		expect.objectContaining({ elementId: first.outputId, status: 'succeed', taskId: first.taskId }),
		expect.objectContaining({ error: 'Kling could not create the element: The reference images show no subject', status: 'failed', taskId: second.taskId }),
		expect.objectContaining({ elementId: third.outputId, status: 'succeed', taskId: third.taskId }),
	]);
	return done;
}

/**
 * While one item's task still runs, the other item's final callback is answered and the run keeps waiting, with no
 * result passed on. `setup` runs pauseBatchWorkflow.
 */
export async function keepsWaitingForTheLastItem(setup: PauseSetup): Promise<void> {
	const { api, sim } = setup;
	sim.injectFault({ when: { product: 'elements', operation: 'create', bodyIncludes: '"Slow"' }, fault: { kind: 'stuck' } });
	const { execution, tasks } = await startPausedBatch(setup, ['Quick', 'Slow']);
	await waitFor(() => deliveriesOf(sim, tasks[0]).some((delivery) => delivery.status === 'succeed' && delivery.answer === 200), {
		what: `the final callback of task ${tasks[0].taskId} to be answered`,
		timeoutMs: 60_000,
	});
	expect(sim.tasks('elements').find((task) => task.taskId === tasks[1].taskId)?.status).toBe('processing');
	await expectWaitingWithoutResult(api, execution.id, tasks);
}

/**
 * Retry On Fail in pause mode: the first try stops when the second item's create is refused, after the first item's
 * task was created; the second try takes that task over, creates the second, pauses, and finishes with both elements.
 * `setup` runs pauseBatchWorkflow with Retry On Fail.
 */
export async function retriedBatchPaysOnce(setup: PauseSetup): Promise<void> {
	const { api, sim } = setup;
	sim.injectFault({ when: { product: 'elements', operation: 'create', bodyIncludes: '"Fox"' }, fault: { kind: 'error', code: 1301 } });
	const { execution, tasks } = await startPausedBatch(setup, ['Mira', 'Fox']);
	const done = await finished(api, execution.id);
	expect(done.status).toBe('success');
	expect(sim.faultLog.map((fault) => fault.kind)).toEqual(['error']);
	expect(sim.tasks('elements').map((task) => task.body.element_name)).toEqual(['Mira', 'Fox']);
	const made = sim.tasks('elements');
	expect(tasks.map((task) => task.taskId)).toEqual(made.map((task) => task.taskId));
	expect(lastOutput(done, CREATE_NODE).map((item) => item.json.elementId)).toEqual(made.map((task) => task.outputId));
}

/**
 * With Continue On Fail, an item whose create Kling refused has no task: the run pauses for the other item's task and
 * finishes with one item per input item, the refused one as an error that names the external task ID Kling does not
 * know. `setup` runs pauseBatchWorkflow with Continue On Fail.
 */
export async function resumesWithARefusedItem(setup: PauseSetup): Promise<void> {
	const { api, sim } = setup;
	sim.injectFault({ when: { product: 'elements', operation: 'create', bodyIncludes: '"Fox"' }, fault: { kind: 'error', code: 1301 } });
	const { execution } = await startPausedBatch(setup, ['Mira', 'Fox']);
	const done = await finished(api, execution.id);
	expect(done.status).toBe('success');
	const [mira] = sim.tasks('elements');
	const fox = sim.apiRequests({ method: 'POST' }).find((request) => (request.body as { element_name?: string }).element_name === 'Fox')!;
	const foxId = (fox.body as { external_task_id: string }).external_task_id;
	expect(fox.code).toBe(1301);
	expect(lastOutput(done, CREATE_NODE).map((item) => item.json)).toEqual([
		expect.objectContaining({ elementId: mira.outputId, status: 'succeed', taskId: mira.taskId }),
		{ error: `Kling has no task with this item's external task ID ${foxId}: its input was refused, or its create failed, before the pause`, externalTaskId: foxId },
	]);
}

/**
 * With Continue On Fail, an item whose input the node refused sends no create: the run pauses for the other item's task
 * and finishes with the refused item as an error naming the external task ID that no task has.
 */
export async function resumesWithAnItemRefusedBeforeItsCreate(setup: PauseSetup): Promise<void> {
	const { api, sim } = setup;
	const { execution, tasks: [mira] } = await startPausedBatch(setup, ['Mira', 'A name far longer than Kling takes']);
	const done = await finished(api, execution.id);
	expect(done.status).toBe('success');
	expect(sim.apiRequests({ method: 'POST' })).toHaveLength(1);
	expect(lastOutput(done, CREATE_NODE).map((item) => item.json)).toEqual([
		expect.objectContaining({ elementId: sim.tasks('elements')[0].outputId, status: 'succeed', taskId: mira.taskId }),
		{ error: expect.stringMatching(/^Kling has no task with this item's external task ID n8n-\S+: its input was refused, or its create failed, before the pause$/), externalTaskId: expect.stringMatching(/^n8n-/) },
	]);
}

/**
 * On Error "Continue (using error output)" in pause mode: once resumed, the failed task's item leaves on the Error
 * output, its fields under `error` beside the input item's, and the others on the main output. `setup` runs
 * pauseBatchWorkflow with that setting.
 */
export async function resumesWithAFailedTaskOnTheErrorOutput(setup: PauseSetup): Promise<void> {
	const { done, tasks: [first, second, third] } = await resumedBatchWithTheSecondFailed(setup);
	expect(lastOutput(done, CREATE_NODE).map((item) => item.json)).toEqual([
		expect.objectContaining({ elementId: first.outputId, taskId: first.taskId }),
		expect.objectContaining({ elementId: third.outputId, taskId: third.taskId }),
	]);
	expect(lastOutput(done, CREATE_NODE, 1).map((item) => item.json)).toEqual([
		expect.objectContaining({
			name: 'Second',
			error: expect.objectContaining({ message: 'Kling could not create the element: The reference images show no subject', status: 'failed', taskId: second.taskId }),
		}),
	]);
}

const IMAGES_NODE = 'Generate Images';

/** Webhook → Image → Generate of two images with Download Images to fields of our own, paused until Kling calls back. */
function pauseImagesWorkflow(credential: { id: string; name: string }, path: string): WorkflowJson {
	const generate = {
		name: IMAGES_NODE,
		type: KLING_NODE,
		parameters: { resource: 'image', operation: 'generate', prompt: 'A lighthouse poster', n: 2, options: { completion: 'callback', download: true, binaryPropertyName: 'poster_' } },
	};
	return adaptWorkflow(chainWorkflow('Generate images, paused until Kling calls back', [generate], webhookNode(path)), { credential });
}

/**
 * Download Images in pause mode: the process that receives Kling's last callback (main, or a webhook processor in
 * queue mode) downloads the files into n8n's binary data store, under Binary Field Prefix and their index, and the
 * execution continues with them.
 */
export async function resumesWithDownloadedImages(setup: PauseSetup): Promise<Execution> {
	const done = await finished(setup.api, (await startExecution(setup)).id);
	expect(done.data?.resultData.error).toBeUndefined();
	const [item] = lastOutput(done, IMAGES_NODE);
	expect(item.json.images).toHaveLength(2);
	expect(Object.keys(item.binary ?? {})).toEqual(['poster_0', 'poster_1']);
	for (const file of Object.values(item.binary as Record<string, { mimeType: string; fileSize?: string; id?: string; data?: string }>)) {
		expect(file.mimeType).toBe('image/png');
		expect(file.id ?? file.data).toBeTruthy();
	}
	return done;
}

const VIDEO_NODE = 'Image to Video';

/** Webhook → Video → Image to Video with Download Video to a field of our own, paused until Kling calls back. */
function pauseVideoWorkflow(credential: { id: string; name: string }, path: string): WorkflowJson {
	const video = {
		name: VIDEO_NODE,
		type: KLING_NODE,
		parameters: {
			resource: 'video',
			operation: 'imageToVideo',
			firstFrameUrl: 'https://example.com/start.png',
			prompt: 'The lighthouse keeper waves',
			options: { completion: 'callback', download: true, binaryPropertyName: 'clip' },
		},
	};
	return adaptWorkflow(chainWorkflow('Make a video, paused until Kling calls back', [video], webhookNode(path)), { credential });
}

/**
 * Download Video in pause mode: the process that receives Kling's last callback downloads the video into n8n's binary
 * data store under Binary Field Name, named after the video, and the execution continues with it.
 */
export async function resumesWithDownloadedVideo(setup: PauseSetup): Promise<Execution> {
	const done = await finished(setup.api, (await startExecution(setup)).id);
	expect(done.data?.resultData.error).toBeUndefined();
	const [item] = lastOutput(done, VIDEO_NODE);
	const [task] = setup.sim.tasks('image2video');
	expect(item.json).toMatchObject({ taskId: task.taskId, status: 'succeed', videoUrl: expect.stringMatching(new RegExp(`^${setup.sim.origin}/files/`)) });
	expect(Object.keys(item.binary ?? {})).toEqual(['clip']);
	expect(item.binary?.clip).toMatchObject({ fileName: `kling-${item.json.videoId}.mp4`, mimeType: 'video/mp4' });
	expect(item.binary?.clip.id ?? item.binary?.clip.data).toBeTruthy();
	return done;
}

/** Webhook → Create Element from a frontal image with Generate Additional Views, paused until Kling calls back. */
function pauseViewsWorkflow(credential: { id: string; name: string }, path: string): WorkflowJson {
	const create = readExample('create-element.json').nodes.find((node) => node.name === CREATE_NODE && node.type === KLING_NODE)!;
	const parameters = { ...create.parameters, additionalImages: {}, generateViews: true, options: { completion: 'callback' } };
	return adaptWorkflow(chainWorkflow('Create an element from generated views, paused', [{ ...create, parameters }], webhookNode(path)), { credential });
}

/**
 * Generate Additional Views in pause mode: the views are waited for first (polled: the element is made from them), the
 * element's task alone gets the resume URL, the waiting node shows `viewsTaskId` beside the element's task, and Kling's
 * callback finishes the run with the element.
 */
export async function resumesWithElementFromViews(setup: PauseSetup): Promise<void> {
	const { api, sim } = setup;
	const execution = await startExecution(setup);
	const [views] = sim.tasks('ai-multi-shot');
	const [element] = sim.tasks('elements');
	expect({ views: views.status, callback: views.body.callback_url }).toEqual({ views: 'succeed', callback: undefined });
	expect(String(element.body.callback_url)).toContain(`/webhook-waiting/${execution.id}/kling?`);
	const referImages = (element.body.element_image_list as { refer_images: Array<{ image_url: string }> }).refer_images;
	expect(referImages.map((image) => image.image_url)).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${sim.origin}/files/`))]));
	expect(lastOutput(await api.execution(execution.id), CREATE_NODE).map((item) => item.json)).toEqual([
		expect.objectContaining({ taskId: element.taskId, viewsTaskId: views.taskId }),
	]);
	await expectResumedWithElement(setup, execution.id, element);
}

/**
 * Generate Additional Views with the element task failing on Kling: the resumed run's item carries the error and
 * names the views task paid for first (`viewsTaskId`), found again by pause mode's external task ID.
 */
export async function namesTheViewsOfAFailedElement(setup: PauseSetup): Promise<void> {
	const { api, sim } = setup;
	sim.failTaskWhen((product) => (product === 'advanced-custom-elements' ? 'The views show no single subject' : undefined));
	const execution = await startExecution(setup);
	const [views] = sim.tasks('ai-multi-shot');
	const done = await finished(api, execution.id);
	expect(lastOutput(done, CREATE_NODE).map((item) => item.json)).toEqual([
		expect.objectContaining({
			error: 'Kling could not create the element: The views show no single subject',
			viewsTaskId: views.taskId,
			description: expect.stringContaining(`This item's views task ${views.taskId} was paid for first.`),
		}),
	]);
}

/**
 * With Continue On Fail and every item's create refused, there is no task to wait for: the run finishes at once, not
 * waiting, each item with the error Kling gave it. `setup` runs pauseBatchWorkflow with Continue On Fail.
 */
export async function finishesAtOnceWithoutTasks(setup: PauseSetup): Promise<void> {
	const { api, sim } = setup;
	sim.injectFault({ when: { product: 'elements', operation: 'create' }, times: 2, fault: { kind: 'error', code: 1301 } });
	const done = await finished(api, (await startExecution(setup, { items: [{ name: 'Mira' }, { name: 'Fox' }] }, 'done')).id);
	expect({ status: done.status, waitTill: done.waitTill ?? null }).toEqual({ status: 'success', waitTill: null });
	const sent = sim.apiRequests({ method: 'POST' }).map((request) => (request.body as { external_task_id: string }).external_task_id);
	expect(sent).toHaveLength(2);
	const refused = { error: 'Content-safety policy triggered: Trigger the content security policy', description: expect.stringContaining('Kling code 1301') };
	expect(lastOutput(done, CREATE_NODE).map((item) => item.json)).toEqual(sent.map((externalTaskId) => ({ ...refused, externalTaskId })));
	expect(sim.tasks('elements')).toEqual([]);
}

/**
 * Pause mode sets each task's callback URL itself: an item whose Options set one stops the run before any request to
 * Kling, the error naming the option and the item. `setup` runs pauseBatchWorkflow with a Callback URL for "Fox".
 */
export async function refusesAnItemsOwnCallbackUrl(setup: PauseSetup): Promise<void> {
	const done = await finished(setup.api, (await startExecution(setup, { items: [{ name: 'Mira' }, { name: 'Fox' }] }, 'done')).id);
	expect(done.status).toBe('error');
	expect(done.data?.resultData.error).toMatchObject({ message: 'Options → Callback URL and External Task ID cannot be used with Pause Until Kling Calls Back', context: { itemIndex: 1 } });
	expect(setup.sim.requests).toEqual([]);
}

/** More items than one paused run takes: the run fails before any request to Kling, saying so. */
export async function refusesTooManyItems(setup: PauseSetup): Promise<void> {
	const items = Array.from({ length: 10_001 }, (_, n) => ({ name: `Item ${n + 1}` }));
	const done = await finished(setup.api, (await startExecution(setup, { items }, 'done')).id);
	expect(done.status).toBe('error');
	expect(done.data?.resultData.error).toMatchObject({ message: 'Pause Until Kling Calls Back takes at most 10000 items in one run of the node (this one has 10001)' });
	expect(setup.sim.requests).toEqual([]);
}

const SECOND_NODE = 'Create Again';

/** Webhook → Create Element → Create Again, both paused until Kling calls back (one resume URL for the execution). */
function twoPausesWorkflow(credential: { id: string; name: string }, path: string): WorkflowJson {
	const create = readExample('create-element.json').nodes.find((node) => node.name === CREATE_NODE && node.type === KLING_NODE)!;
	const pausing = { ...create, parameters: { ...create.parameters, options: { completion: 'callback' } } };
	return adaptWorkflow(chainWorkflow('Two pauses', [pausing, { ...pausing, id: randomUUID(), name: SECOND_NODE }], webhookNode(path)), { credential });
}

/** Webhook → Split Out → Loop Over Items (one at a time) → Create Element (paused) → back to the loop. */
function pauseLoopWorkflow(credential: { id: string; name: string }, path: string): WorkflowJson {
	const create = readExample('create-element.json').nodes.find((node) => node.name === CREATE_NODE && node.type === KLING_NODE)!;
	const nodes = [
		{ name: 'Split Out', type: 'n8n-nodes-base.splitOut', parameters: { fieldToSplitOut: 'body.items', options: {} } },
		{ name: 'Loop Over Items', type: 'n8n-nodes-base.splitInBatches', typeVersion: 3, parameters: { batchSize: 1, options: {} } },
		{ ...create, parameters: { ...create.parameters, elementName: '={{ $json.name }}', options: { completion: 'callback' } } },
	];
	const chained = chainWorkflow('A pausing node in a loop', nodes, webhookNode(path));
	const connections = {
		...chained.connections,
		'Loop Over Items': { main: [[], [{ node: CREATE_NODE, type: 'main', index: 0 }]] },
		[CREATE_NODE]: { main: [[{ node: 'Loop Over Items', type: 'main', index: 0 }]] },
	};
	return adaptWorkflow({ ...chained, connections }, { credential });
}

/**
 * The execution waits again, at its second pause: stored as waiting with `node`'s `runs`-th run recorded (a status
 * read alone could still see the first wait).
 */
async function secondWait(api: PublicApi, executionId: string, node: string, runs: number): Promise<void> {
	await waitFor(
		async () => {
			const stored = await api.execution(executionId);
			return stored.status === 'waiting' && (stored.data?.resultData.runData[node]?.length ?? 0) === runs;
		},
		{ what: 'the execution to wait at its second pause', timeoutMs: 60_000 },
	);
}

/** Kling delivers `task`'s final callback once more, late, to the URL it was given: answered 200, and nothing resumes. */
async function expectLateCallbackIgnored(setup: PauseSetup, executionId: string, task: TaskSnapshot, reason: RegExp): Promise<void> {
	const late = await postCallback(String(task.body.callback_url), task);
	expect({ status: late.status, body: await late.json() }).toEqual({ status: 200, body: expect.objectContaining({ waiting: true, reason: expect.stringMatching(reason) }) });
	expect((await setup.api.execution(executionId)).status).toBe('waiting');
}

/**
 * n8n gives an execution one resume URL and calls the webhook of whichever node waits: a late callback of the first
 * node's pause, while the second waits, changes nothing, and the second's own task then finishes the run.
 */
export async function ignoresALateCallbackOfAnotherNode(setup: PauseSetup): Promise<void> {
	const { api, sim } = setup;
	const execution = await startExecution(setup);
	// The second node's task runs until the test ends it.
	sim.injectFault({ when: { product: 'elements', operation: 'create' }, fault: { kind: 'stuck' } });
	await waitFor(() => sim.tasks('elements').length === 2, { what: 'the second node to create its task', timeoutMs: 60_000 });
	const [first, second] = sim.tasks('elements');
	await secondWait(api, execution.id, SECOND_NODE, 1);
	await expectLateCallbackIgnored(setup, execution.id, first, /another node/);

	sim.finishTask(second.taskId);
	const done = await finished(api, execution.id);
	expect(done.status).toBe('success');
	const made = sim.tasks('elements').find((task) => task.taskId === second.taskId)!.outputId;
	expect(lastOutput(done, SECOND_NODE).map((item) => item.json)).toEqual([expect.objectContaining({ taskId: second.taskId, elementId: made })]);
}

/**
 * A loop runs the pausing node again on the same resume URL: a late callback of the first round, while the second
 * waits, changes nothing (the execution's custom data names the batch it waits for), and each round finishes with
 * its own element.
 */
export async function ignoresALateCallbackOfAnEarlierRound(setup: PauseSetup): Promise<void> {
	const { api, sim } = setup;
	// The second round's task runs until the test ends it.
	sim.injectFault({ when: { product: 'elements', operation: 'create', bodyIncludes: '"Fox"' }, fault: { kind: 'stuck' } });
	const execution = await startExecution(setup, { items: [{ name: 'Mira' }, { name: 'Fox' }] });
	await waitFor(() => sim.tasks('elements').length === 2, { what: 'the second round to create its task', timeoutMs: 60_000 });
	const [mira, fox] = sim.tasks('elements');
	await secondWait(api, execution.id, CREATE_NODE, 2);
	await expectLateCallbackIgnored(setup, execution.id, mira, /earlier run of this node/);

	sim.finishTask(fox.taskId);
	const done = await finished(api, execution.id);
	expect(done.status).toBe('success');
	const rounds = done.data!.resultData.runData[CREATE_NODE].map((run) => run.data!.main[0]!.map((item) => item.json.elementId));
	const made = (taskId: string) => sim.tasks('elements').find((task) => task.taskId === taskId)!.outputId;
	expect(rounds).toEqual([[made(mira.taskId)], [made(fox.taskId)]]);
}

/**
 * A task Kling finishes before the node's look before pausing: the run does not wait, and finishes with the element.
 * The look reaches the simulator a second after it was sent, when the instant task's timers have surely fired.
 */
export async function finishesAtOnceWhenKlingIsQuick(setup: PauseSetup): Promise<void> {
	const { api, sim } = setup;
	sim.options.timing = { submittedMs: 0, processingMs: 0 };
	sim.injectFault({ when: { method: 'GET' }, fault: { kind: 'delay', ms: 1_000, processed: false } });
	const done = await finished(api, (await startExecution(setup, {}, 'done')).id);
	expect({ status: done.status, waitTill: done.waitTill ?? null }).toEqual({ status: 'success', waitTill: null });
	const [task] = sim.tasks('elements');
	expect(lastOutput(done, CREATE_NODE).map((item) => item.json)).toEqual([expect.objectContaining({ taskId: task.taskId, elementId: task.outputId, status: 'succeed' })]);
}

/**
 * A video download that stops half way at the resume: a resumed run has no Continue On Fail to ask, so the item comes
 * out with the error and the task, never as a success without its file.
 */
export async function resumesWithAFailedDownloadAsAnError(setup: PauseSetup): Promise<void> {
	const { api, sim } = setup;
	sim.injectFault({ when: { pathIncludes: '/files/' }, fault: { kind: 'cutFile' } });
	const done = await finished(api, (await startExecution(setup)).id);
	expect(sim.faultLog.map((fault) => fault.kind)).toEqual(['cutFile']);
	const [task] = sim.tasks('image2video');
	const [item] = lastOutput(done, VIDEO_NODE);
	expect(item.json).toMatchObject({ error: expect.stringMatching(/^Could not download the file from Kling/), taskId: task.taskId });
	expect(item.binary).toBeUndefined();
}

/**
 * A task Kling reports succeeded with no result in its answer: the item comes out with an error naming the task, never
 * as a success without its element.
 */
export async function resumesWithoutAResultAsAnError(setup: PauseSetup): Promise<void> {
	const { api, sim } = setup;
	sim.injectFault({ when: { product: 'elements', operation: 'create' }, fault: { kind: 'noResult' } });
	const { execution, task } = await startPausedRun(setup);
	const done = await finished(api, execution.id);
	expect(sim.tasks('elements').map((made) => made.status)).toEqual(['succeed']);
	expect(lastOutput(done, CREATE_NODE).map((item) => item.json)).toEqual([
		expect.objectContaining({ error: `Kling reports task ${task.taskId} succeeded, but its answer holds no element ID`, taskId: task.taskId }),
	]);
	expect(lastOutput(done, CREATE_NODE)[0].json.elementId).toBeUndefined();
}

const WAIT_NODE = 'Wait for Approval';

/** Webhook → Create Element (paused until Kling calls back) → a Wait node that waits for a call of its own. */
function pauseThenWaitWorkflow(credential: { id: string; name: string }, path: string): WorkflowJson {
	const create = readExample('create-element.json').nodes.find((node) => node.name === CREATE_NODE && node.type === KLING_NODE)!;
	const wait = { name: WAIT_NODE, type: 'n8n-nodes-base.wait', typeVersion: 1.1, webhookId: randomUUID(), parameters: { resume: 'webhook', httpMethod: 'POST', options: {} } };
	const nodes = [{ ...create, parameters: { ...create.parameters, options: { completion: 'callback' } } }, wait];
	return adaptWorkflow(chainWorkflow('Create an element, then wait for an approval', nodes, webhookNode(path)), { credential });
}

/**
 * After the Kling node has resumed, a later Wait node waits on the same execution: a late Kling callback is not a call
 * for it (the Kling URL has its own path suffix), so n8n refuses it and the Wait node waits on, until its own call.
 */
export async function aLateCallbackDoesNotResumeALaterWaitNode(setup: PauseSetup): Promise<void> {
	const { api, sim } = setup;
	const execution = await startExecution(setup);
	await secondWait(api, execution.id, WAIT_NODE, 1);
	const [task] = sim.tasks('elements');
	const late = await postCallback(String(task.body.callback_url), task);
	expect(late.status).toBe(404);
	expect((await api.execution(execution.id)).status).toBe('waiting');

	// The Wait node's own call: the execution's resume URL without the Kling suffix and parameters.
	const own = new URL(String(task.body.callback_url));
	own.pathname = own.pathname.replace(/\/kling$/, '');
	for (const key of [...own.searchParams.keys()].filter((name) => name.startsWith('kling'))) own.searchParams.delete(key);
	expect((await fetch(own, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"approved":true}' })).status).toBe(200);
	const done = await finished(api, execution.id);
	expect(done.status).toBe('success');
	expect(lastOutput(done, CREATE_NODE).map((item) => item.json.elementId)).toEqual([sim.tasks('elements')[0].outputId]);
	expect(lastOutput(done, WAIT_NODE).map((item) => item.json.body)).toEqual([{ approved: true }]);
}
