/**
 * Workflows in n8n's queue mode: main, two workers (two executions at once each) and a webhook processor on a
 * private PostgreSQL and Redis, binary data in the database. Every example workflow is started by its production
 * webhook at the webhook processor and run by a worker; a binary image goes through the database store into a
 * create; four executions of 10 items each share a Kling account that allows 5 tasks at once; and a worker that
 * dies while its execution polls Kling shows what a user must do to recover without paying twice. The Kling nodes
 * poll at their real cadence against short simulator tasks.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { startSimulator, type KlingSimulator } from '../../simulator/index.cts';
import { downloadThenCreate, expectKlingOutput, expectStreamedImage, servePng } from '../cases/examples.cts';
import { useQueue } from '../helpers.cts';
import type { Execution } from '../runtime/api.cts';
import { doneExecutions, finished, lastOutput, workersThatRan } from '../runtime/executions.cts';
import { waitFor } from '../runtime/wait.cts';
import { REPO_ROOT } from '../runtime/runtime.cts';
import { adaptWorkflow, chainWorkflow, CREDENTIAL_NAME, exampleFiles, KLING_NODE, readExample, startedByWebhook, webhookNode, type WorkflowJson } from '../runtime/workflows.cts';

// Two executions at once per worker (n8n warns below 5): the four executions of the shared-account case then run
// two on each worker, whichever worker takes a job first.
const ctx = useQueue('workflows', { workers: 2, webhookProcessors: 1, workerConcurrency: 2 });
let sim: KlingSimulator;
let credential: { id: string; name: string };

beforeAll(async () => {
	sim = await startSimulator({ timing: { submittedMs: 100, processingMs: 200 } });
	const id = await ctx.topology.main.api.createCredential(CREDENTIAL_NAME, { authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: sim.url });
	credential = { id, name: CREDENTIAL_NAME };
});

afterAll(async () => {
	await sim?.close();
});

beforeEach(() => sim.reset());

/** Creates and activates the workflow on main; resolves once the webhook processor serves its production URL. */
async function activate(workflow: WorkflowJson, webhookPath: string): Promise<{ workflowId: string; url: string }> {
	const { main, webhooks } = ctx.topology;
	const workflowId = await main.api.createWorkflow(adaptWorkflow(workflow, { credential }));
	const url = `${webhooks[0].url}/webhook/${webhookPath}`;
	await main.api.activate(workflowId, [url]);
	return { workflowId, url };
}

async function start(url: string, body: unknown = {}): Promise<void> {
	const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	expect(answer.status).toBe(200);
}

/** The execution succeeded, as a production (webhook) execution that exactly one worker ran. */
function expectRunByAWorker(execution: Execution) {
	expect(execution.data?.resultData.error).toBeUndefined();
	expect([execution.status, execution.mode]).toEqual(['success', 'webhook']);
	expect(workersThatRan(execution.id, ctx.topology.processes())).toHaveLength(1);
}

describe('Example workflows in queue mode', () => {
	it.each(exampleFiles())('%s, started by its production webhook, runs on a worker', async (file) => {
		const webhookPath = `example-${path.basename(file, '.json')}`;
		const { workflowId, url } = await activate(startedByWebhook(readExample(file), webhookPath), webhookPath);
		await start(url);
		const [execution] = await doneExecutions(ctx.topology.main.api, workflowId, 1);
		expectRunByAWorker(execution);
		const klingNodes = readExample(file).nodes.filter((node) => node.type === KLING_NODE);
		for (const node of klingNodes) {
			const items = lastOutput(execution, node.name);
			expect(items).toHaveLength(1);
			expectKlingOutput(sim, node, items[0]);
		}
		expect(sim.createdTaskCount()).toBe(klingNodes.length);
		expect(sim.apiRequests().filter((request) => request.code !== 0)).toEqual([]);
	});
});

describe('Binary data in the database', () => {
	it('a create sends a downloaded image that n8n kept in its database store, read by the worker', async () => {
		const files = await servePng();
		try {
			const { workflowId, url } = await activate(downloadThenCreate(files.url, webhookNode('binary-create')), 'binary-create');
			await start(url);
			const [execution] = await doneExecutions(ctx.topology.main.api, workflowId, 1);
			expectRunByAWorker(execution);
			// n8n's id of a binary in the database store is "database:<file id>".
			expect(lastOutput(execution, 'Download Image')[0].binary?.data?.id).toMatch(/^database:/);
			expect(lastOutput(execution, 'Create Element')[0].json.elementId).toBe(sim.tasks('elements')[0].outputId);
			expectStreamedImage(sim);
		} finally {
			await files.close();
		}
	});
});

describe('Several executions against one Kling account', () => {
	const EXECUTIONS = 4;
	const ITEMS = 10;
	const ACCOUNT_CONCURRENCY = 5;

	/** Webhook → Split Out (the posted items) → Create Element for each item, at most `maxConcurrentTasks` at once. */
	function batchWorkflow(webhookPath = 'create-batch', maxConcurrentTasks = 3): WorkflowJson {
		const create = readExample('create-element.json').nodes.find((node) => node.type === KLING_NODE)!;
		return chainWorkflow(
			'Create the posted elements',
			[
				{ name: 'Split Out', type: 'n8n-nodes-base.splitOut', parameters: { fieldToSplitOut: 'body.items', options: {} } },
				{ ...create, parameters: { ...create.parameters, elementName: '={{ $json.name }}', options: { maxConcurrentTasks } } },
			],
			webhookNode(webhookPath),
		);
	}

	/** The most of `tasks` that ran on Kling at one moment (a task runs from its create until its final status). */
	function mostAtOnce(tasks: Array<{ createdAt: number; updatedAt: number }>): number {
		return Math.max(...tasks.map((task) => tasks.filter((other) => other.createdAt <= task.createdAt && task.createdAt < other.updatedAt).length));
	}

	it(`${EXECUTIONS} executions of ${ITEMS} items on 2 workers share an account limit of ${ACCOUNT_CONCURRENCY}: every item done, no task made twice, Kling's 1303 answers absorbed`, async () => {
		sim.options.concurrencyLimit = ACCOUNT_CONCURRENCY;
		// Tasks long enough that the executions overlap and the account's limit is reached.
		sim.options.timing = { submittedMs: 1000, processingMs: 4000 };
		try {
			const { workflowId, url } = await activate(batchWorkflow(), 'create-batch');
			const names = Array.from({ length: EXECUTIONS }, (_, run) => Array.from({ length: ITEMS }, (_, item) => `Batch ${run + 1} item ${item + 1}`));
			const started = Date.now();
			await Promise.all(names.map((items) => start(url, { items: items.map((name) => ({ name })) })));
			const executions = await doneExecutions(ctx.topology.main.api, workflowId, EXECUTIONS, 600_000);
			const seconds = (Date.now() - started) / 1000;

			expect(executions).toHaveLength(EXECUTIONS);
			for (const execution of executions) expectRunByAWorker(execution);
			const ran = executions.flatMap((execution) => workersThatRan(execution.id, ctx.topology.processes()));
			const perWorker = ['worker-1', 'worker-2'].map((role) => ran.filter((worker) => worker === role).length);
			expect(perWorker).toEqual([2, 2]);

			const outputs = executions.flatMap((execution) => lastOutput(execution, 'Create Element').map((item) => item.json));
			const failed = outputs.filter((json) => json.error !== undefined || json.status !== 'succeed');
			expect(failed).toEqual([]);
			expect(outputs.map((json) => json.taskId).sort()).toEqual(sim.tasks('elements').map((task) => task.taskId).sort());

			const tasksPerName = names.flat().map((name) => sim.tasks('elements').filter((task) => task.body.element_name === name).length);
			expect(tasksPerName).toEqual(names.flat().map(() => 1));
			const refused = sim.apiRequests({ method: 'POST' }).filter((request) => request.code === 1303).length;
			expect(refused).toBeGreaterThan(0);

			const figures = { executions: EXECUTIONS, items: outputs.length, failed: failed.length, tasks: sim.createdTaskCount(), duplicates: sim.createdTaskCount() - names.flat().length, answers1303: refused, seconds };
			mkdirSync(path.join(REPO_ROOT, 'test-results', 'e2e-queue'), { recursive: true });
			writeFileSync(path.join(REPO_ROOT, 'test-results', 'e2e-queue', 'batch.json'), JSON.stringify(figures, null, 2));
		} finally {
			sim.options.concurrencyLimit = Infinity;
			sim.options.timing = { submittedMs: 100, processingMs: 200 };
		}
	});

	it('slots another execution held come back within a run: after a 1303, an execution uses its full Max Concurrent Tasks again a minute later', async () => {
		sim.options.concurrencyLimit = 5;
		try {
			// Execution A holds 3 of the account's 5 slots for 30 s.
			sim.options.timing = { submittedMs: 1000, processingMs: 29_000 };
			const holder = await activate(batchWorkflow('hold-slots', 3), 'hold-slots');
			await start(holder.url, { items: [1, 2, 3].map((n) => ({ name: `Held ${n}` })) });
			await waitFor(async () => sim.tasks('elements').length === 3, { what: "execution A's three tasks", timeoutMs: 60_000 });

			// Execution B, 16 items of 15 s at most 5 at once, starts while A's tasks run: Kling lets it run 2 and refuses a
			// third. In the minute B keeps to 2 it makes at most 10 tasks, so at least 6 are left for when it tries 5 again.
			sim.options.timing = { submittedMs: 1000, processingMs: 14_000 };
			const later = await activate(batchWorkflow('use-slots', 5), 'use-slots');
			await start(later.url, { items: Array.from({ length: 16 }, (_, n) => ({ name: `Later ${n + 1}` })) });
			const [execution] = await doneExecutions(ctx.topology.main.api, later.workflowId, 1, 600_000);

			expectRunByAWorker(execution);
			const outputs = lastOutput(execution, 'Create Element').map((item) => item.json);
			expect(outputs.map((json) => [json.error, json.status])).toEqual(outputs.map(() => [undefined, 'succeed']));
			const tasksOfB = sim.tasks('elements').filter((task) => String(task.body.element_name).startsWith('Later'));
			expect(tasksOfB).toHaveLength(16);
			// Once A's tasks ended, B ran 5 at once: the limit it learnt from the 1303 did not hold for the rest of the run.
			expect(mostAtOnce(tasksOfB)).toBe(5);
			// The one 1303 that taught B the limit; it tried 5 again only after the minute, when A's slots were free.
			expect(sim.apiRequests({ method: 'POST' }).filter((request) => request.code === 1303)).toHaveLength(1);
		} finally {
			sim.options.concurrencyLimit = Infinity;
			sim.options.timing = { submittedMs: 100, processingMs: 200 };
		}
	});
});

describe('A worker that dies while the Kling node polls', () => {
	it('leaves the execution failed and its task running on Kling; the items run again with their External Task IDs create nothing, and Get reads the result', async () => {
		const { main, workers } = ctx.topology;
		// A task long enough that the worker is killed while the node is still checking it.
		sim.options.timing = { submittedMs: 1000, processingMs: 20_000 };
		const create = readExample('create-element.json').nodes.find((node) => node.type === KLING_NODE)!;
		const withOwnIds = { ...create, parameters: { ...create.parameters, options: { externalTaskId: '={{ $json.body.sku }}' } } };
		const creator = await activate(chainWorkflow('Create with our own task IDs', [withOwnIds], webhookNode('create-own-ids')), 'create-own-ids');
		const getter = await activate(chainWorkflow('Get by our own task ID', [{ name: 'Get Element', type: KLING_NODE, parameters: { resource: 'element', operation: 'getTask', taskId: '={{ $json.body.sku }}' } }], webhookNode('get-own-id')), 'get-own-id');
		const sku = `sku-${Date.now()}`;
		try {
			await start(creator.url, { sku });
			const polled = () => sim.apiRequests({ method: 'GET' }).some((request) => request.receivedAt > (sim.tasks('elements')[0]?.createdAt ?? Infinity));
			await waitFor(() => sim.tasks('elements').length === 1 && polled(), { what: 'the node to create its task and check it', timeoutMs: 60_000 });
			const [running] = await main.api.executions(creator.workflowId);
			const [role] = workersThatRan(running.id, ctx.topology.processes());
			process.kill(workers[Number(role.slice('worker-'.length)) - 1].pid, 'SIGKILL');

			// n8n notices the lost job only when its lock runs out (about two minutes in 2.41) and stores the execution as failed.
			const crashed = await finished(main.api, running.id, 600_000);
			expect(crashed.status).toBe('error');
			expect(crashed.data?.resultData.runData['Create Element']).toBeUndefined();
			await waitFor(() => sim.tasks('elements')[0].status === 'succeed', { what: 'the task to finish on Kling', timeoutMs: 60_000 });

			// Run again with the same item: Kling refuses the repeated external task ID, so nothing is made (or paid) twice.
			await start(creator.url, { sku });
			const [rerun] = (await doneExecutions(main.api, creator.workflowId, 2)).filter((execution) => execution.id !== running.id);
			expect(rerun.status).toBe('error');
			expect(JSON.stringify(rerun.data?.resultData.error)).toContain('Probably a duplicate');
			expect(sim.createdTaskCount()).toBe(1);

			await start(getter.url, { sku });
			const [got] = await doneExecutions(main.api, getter.workflowId, 1);
			expect(got.status).toBe('success');
			expect(lastOutput(got, 'Get Element')[0].json).toMatchObject({ elementId: sim.tasks('elements')[0].outputId, taskId: sim.tasks('elements')[0].taskId });
		} finally {
			sim.options.timing = { submittedMs: 100, processingMs: 200 };
		}
	});
});
