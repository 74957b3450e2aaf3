/**
 * `npm run bench:queue`: figures for the README's "Running at scale", measured in n8n 2.41.1's queue mode
 * (test/e2e/runtime/queue.cts: private PostgreSQL and Redis, main, workers, one webhook processor) against the
 * Kling simulator in real time. Not a test: nothing here runs under jest. Written to test-results/bench-queue.md,
 * which `npm run figures` copies into the README.
 *
 * - Throughput: 20 items with tasks of 10 s (account limit far above), once as 20 executions of one item (a
 *   webhook per item) and once as one execution of 20 items (Max Concurrent Tasks 20), with 1 and with 2 workers
 *   of n8n's default concurrency (10). Wall time from the first webhook call to the last execution's stop.
 * - Pause Until Kling Calls Back: from the moment the task is final on Kling (its callback leaves) to the stored
 *   stop of the resumed execution, 5 runs.
 * - Memory: RSS of each n8n process and its task runner, idle after start and again after the runs.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';

import { startSimulator, type KlingSimulator } from '../simulator/index.cts';
import type { Execution, PublicApi } from '../e2e/runtime/api.cts';
import { doneExecutions, executionWhere, finished } from '../e2e/runtime/executions.cts';
import { packPackage } from '../e2e/runtime/pack.cts';
import { launchQueue, type QueueTopology } from '../e2e/runtime/queue.cts';
import { ensureRuntime, REPO_ROOT, type Runtime } from '../e2e/runtime/runtime.cts';
import { adaptWorkflow, chainWorkflow, CREDENTIAL_NAME, KLING_NODE, readExample, webhookNode, type WorkflowJson } from '../e2e/runtime/workflows.cts';

const ITEMS = 20;
const TASK = { submittedMs: 2_000, processingMs: 8_000 };
const TASK_SECONDS = (TASK.submittedMs + TASK.processingMs) / 1000;
const WORKER_CONCURRENCY = 10;
const PAUSE_RUNS = 5;

type Row = [string, string];

/** Webhook → (Split Out the posted items) → Create Element. */
function createWorkflow(name: string, path: string, create: Record<string, unknown>, split: boolean): WorkflowJson {
	const node = readExample('create-element.json').nodes.find((candidate) => candidate.type === KLING_NODE)!;
	const splitOut = { name: 'Split Out', type: 'n8n-nodes-base.splitOut', parameters: { fieldToSplitOut: 'body.items', options: {} } };
	const createNode = { ...node, parameters: { ...node.parameters, elementName: '={{ $json.name ?? $json.body.name }}', options: create } };
	return chainWorkflow(name, split ? [splitOut, createNode] : [createNode], webhookNode(path));
}

async function post(url: string, body: unknown): Promise<void> {
	const answer = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	if (answer.status !== 200) throw new Error(`POST ${url} answered ${answer.status}`);
}

/** Posts the bodies at once; resolves with items per minute from the first call to the last stored stop. */
async function throughput(api: PublicApi, workflowId: string, url: string, bodies: unknown[], items: number): Promise<{ perMinute: number; seconds: number; failed: number }> {
	const started = Date.now();
	await Promise.all(bodies.map((body) => post(url, body)));
	const executions = await doneExecutions(api, workflowId, bodies.length, 600_000);
	const stopped = Math.max(...executions.map((execution) => Date.parse(execution.stoppedAt!)));
	const seconds = (stopped - started) / 1000;
	const outputs = executions.flatMap((execution) => execution.data?.resultData.runData['Create Element']?.at(-1)?.data?.main[0] ?? []);
	const failed = items - outputs.filter((item) => typeof item.json.elementId === 'string').length;
	return { perMinute: (items / seconds) * 60, seconds, failed };
}

/** Kilobytes of resident memory, from /proc. */
function rssKb(pid: number): number {
	const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	return match ? Number(match[1]) : 0;
}

function childrenOf(pid: number): number[] {
	return readdirSync('/proc')
		.filter((entry) => /^\d+$/.test(entry))
		.filter((entry) => {
			try {
				return Number(readFileSync(`/proc/${entry}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]) === pid;
			} catch {
				return false;
			}
		})
		.map(Number);
}

const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

/** "<process> MB + <runner> MB" for each n8n process. */
function memory(topology: QueueTopology): Map<string, string> {
	const out = new Map<string, string>();
	for (const { role, pid } of topology.processes()) {
		if (role === 'postgres' || role === 'redis') continue;
		const runners = childrenOf(pid).map(rssKb);
		out.set(role, runners.length ? `${mb(rssKb(pid))} + runner ${runners.map(mb).join(' + ')}` : mb(rssKb(pid)));
	}
	return out;
}

/** Milliseconds from each paused task's final status on Kling to the stored stop of its resumed execution. */
async function pauseLatencies(api: PublicApi, sim: KlingSimulator, workflowId: string, url: string): Promise<number[]> {
	const latencies: number[] = [];
	for (let run = 0; run < PAUSE_RUNS; run++) {
		sim.reset();
		const before = new Set((await api.executions(workflowId)).map((execution) => execution.id));
		await post(url, { name: `Paused ${run + 1}` });
		const waiting = await executionWhere(api, workflowId, (execution) => !before.has(execution.id) && execution.status === 'waiting', 'a paused execution');
		const done: Execution = await finished(api, waiting.id, 120_000);
		if (done.status !== 'success') throw new Error(`paused execution ${done.id} ended ${done.status}`);
		const [task] = sim.tasks('elements');
		latencies.push(Date.parse(done.stoppedAt!) - task.updatedAt);
	}
	return latencies;
}

async function measure(runtime: Runtime, tarball: string, workers: number, rows: Row[]): Promise<void> {
	const folder = mkdtempSync(path.join(tmpdir(), `kling-bench-queue-${workers}-`));
	const sim = await startSimulator({ timing: TASK, concurrencyLimit: 1000 });
	let topology: QueueTopology | undefined;
	try {
		topology = await launchQueue({ runtime, tarball, userFolder: path.join(folder, 'user'), logDir: path.join(folder, 'logs'), workers, workerConcurrency: WORKER_CONCURRENCY });
		const idle = memory(topology);
		const { api } = topology.main;
		const credential = { id: await api.createCredential(CREDENTIAL_NAME, { authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: sim.url }), name: CREDENTIAL_NAME };
		const origin = topology.webhooks[0].url;
		const activate = async (workflow: WorkflowJson, webhookPath: string) => {
			const id = await api.createWorkflow(adaptWorkflow(workflow, { credential }));
			await api.activate(id, [`${origin}/webhook/${webhookPath}`]);
			return id;
		};
		const label = `${workers} worker${workers > 1 ? 's' : ''}`;

		const single = await activate(createWorkflow('One item per execution', 'one-item', {}, false), 'one-item');
		const perItem = await throughput(api, single, `${origin}/webhook/one-item`, Array.from({ length: ITEMS }, (_, i) => ({ name: `Item ${i + 1}` })), ITEMS);
		rows.push([`${ITEMS} executions of 1 item, ${label}`, `${perItem.perMinute.toFixed(0)} items/min (${perItem.seconds.toFixed(1)} s, ${perItem.failed} failed)`]);

		sim.reset();
		const batch = await activate(createWorkflow('Twenty items in one execution', 'twenty-items', { maxConcurrentTasks: ITEMS }, true), 'twenty-items');
		const items = Array.from({ length: ITEMS }, (_, i) => ({ name: `Batch item ${i + 1}` }));
		const oneRun = await throughput(api, batch, `${origin}/webhook/twenty-items`, [{ items }], ITEMS);
		rows.push([`1 execution of ${ITEMS} items (Max Concurrent Tasks ${ITEMS}), ${label}`, `${oneRun.perMinute.toFixed(0)} items/min (${oneRun.seconds.toFixed(1)} s, ${oneRun.failed} failed)`]);

		if (workers === 2) {
			const paused = await activate(createWorkflow('Paused until Kling calls back', 'paused', { completion: 'callback' }, false), 'paused');
			const latencies = (await pauseLatencies(api, sim, paused, `${origin}/webhook/paused`)).sort((a, b) => a - b);
			rows.push([`Pause Until Kling Calls Back: task final on Kling → resumed execution stored (${PAUSE_RUNS} runs)`, `median ${latencies[Math.floor(latencies.length / 2)]} ms, max ${latencies[latencies.length - 1]} ms`]);
			const after = memory(topology);
			for (const [role, value] of idle) rows.push([`Memory (RSS) of ${role}: idle after start / after the runs`, `${value} / ${after.get(role)}`]);
		}
	} finally {
		await topology?.stop();
		await sim.close();
		rmSync(folder, { recursive: true, force: true });
	}
}

function machine(): string {
	const cpus = os.cpus();
	return `CPU: ${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} cores; RAM: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB; ${os.type()} ${os.release()}`;
}

async function main(): Promise<void> {
	const started = Date.now();
	const runtime = await ensureRuntime();
	const tarball = await packPackage(mkdtempSync(path.join(tmpdir(), 'kling-bench-pack-')));
	// Executions of one item run at most `WORKER_CONCURRENCY` at a time per worker; one execution's items all at once.
	const perMinute = (atOnce: number) => (60 / TASK_SECONDS) * Math.min(ITEMS, atOnce);
	const ideal = `${ITEMS} executions of 1 item: ${perMinute(WORKER_CONCURRENCY)} items/min with 1 worker, ${perMinute(2 * WORKER_CONCURRENCY)} with 2; 1 execution of ${ITEMS} items: ${perMinute(ITEMS)} items/min`;
	const rows: Row[] = [[`Ideal for ${ITEMS} tasks of ${TASK_SECONDS} s`, ideal]];
	for (const workers of [1, 2]) {
		process.stderr.write(`bench:queue: ${workers} worker(s) ...\n`);
		await measure(runtime, tarball, workers, rows);
	}
	rmSync(path.dirname(tarball), { recursive: true, force: true });
	const report = [
		'# Queue-mode figures',
		'',
		`Machine: ${machine()}; n8n ${runtime.n8nVersion}, PostgreSQL and Redis from Debian, one webhook processor, worker concurrency ${WORKER_CONCURRENCY}`,
		'',
		`Command: \`npm run bench:queue\` (${new Date().toISOString().slice(0, 10)}, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
		'',
		'| Scenario | Result |',
		'|---|---|',
		...rows.map(([scenario, result]) => `| ${scenario} | ${result} |`),
		'',
	].join('\n');
	process.stdout.write(report);
	const out = path.join(REPO_ROOT, 'test-results', 'bench-queue.md');
	mkdirSync(path.dirname(out), { recursive: true });
	writeFileSync(out, report);
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(`\n${(error as Error).stack ?? error}\n`);
		process.exit(1);
	},
);
