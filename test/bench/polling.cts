/**
 * 2. Polling cost: status requests per task and the delay between Kling finishing a task (the simulator's
 * updated_at) and the node's read that saw it finished (the simulator's request log), for single tasks of 10 s,
 * 1 min and 10 min, and for 50 tasks in flight together, time-scaled. Then Pause Until Kling Calls Back in real
 * time: the simulator's callbacks reach the paused node's webhook, and nothing polls.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INode } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { callNodeWebhook } from '../harness/webhook.cts';
import { chain, loadPackage, runWorkflow } from '../harness/workflow.cts';
import { startSimulator, type KlingSimulator, type TaskSnapshot } from '../simulator/index.cts';
import { apiKeyCredential } from '../workflow/helpers.cts';
import {
	createElement,
	duration,
	failedItems,
	median,
	readThatSawFinal,
	rounds,
	row,
	seededItems,
	sleep,
	statusReads,
	taskTiming,
	type Row,
} from './lib.cts';

/** Polling runs take 1/20 of Kling's time: the 10-minute task takes 30 s. */
const SCALE = 0.05;
const MINUTE = 60_000;
const S = `2. Polling cost (time-scaled x${SCALE}; times below are Kling time)`;
const P = '2. Pause Until Kling Calls Back (real time)';

const ownTasks = (sim: KlingSimulator) => sim.tasks('elements').filter((task) => String(task.body.element_name).startsWith('Copy of'));

/** Kling-time delay from each task's finish to the read that saw it. */
function delays(sim: KlingSimulator, tasks: TaskSnapshot[]): number[] {
	const reads = statusReads(sim);
	return tasks.map((task) => {
		const seen = readThatSawFinal(task, reads);
		if (!seen) throw new Error(`No read saw task ${task.taskId} finished`);
		return (seen.receivedAt - task.updatedAt) / SCALE;
	});
}

async function polled(items: number, taskMs: number) {
	const sim = await startSimulator({ timing: taskTiming(taskMs, SCALE) });
	try {
		const create = createElement({ timeScale: SCALE, maxConcurrentTasks: items, timeoutMinutes: 30 });
		const workflow = items > 1 ? chain(seededItems(sim, items, SCALE), create) : chain(create);
		const result = await runWorkflow({ ...workflow, credentials: apiKeyCredential(sim) });
		const reads = statusReads(sim);
		const waits = delays(sim, ownTasks(sim));
		// A round: status reads with less than 1 s (Kling time) between them; the node's cadence starts at 3 s.
		const bursts = rounds(reads, 1_000 * SCALE);
		return {
			failed: failedItems(result.output('Create Element'), items),
			reads: reads.length,
			rounds: bursts.length,
			maxPerRound: Math.max(...bursts.map((burst) => burst.length)),
			medianDelay: median(waits),
			maxDelay: Math.max(...waits),
		};
	} finally {
		await sim.close();
	}
}

async function listen(handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => Promise<void>): Promise<{ server: Server; origin: string }> {
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			handler(req, Buffer.concat(chunks), res).catch((error: Error) => res.writeHead(500).end(error.message));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/**
 * Kling calls the resume URL n8n gave the node (http://localhost:5678/webhook-waiting/...). A small relay in front
 * of the simulator points those callbacks at a local receiver instead, which hands each to the node's webhook in
 * n8n's own WebhookContext, as n8n's /webhook-waiting route does, and answers 404 once the execution has resumed.
 */
async function paused(items: number, taskMs: number) {
	const sim = await startSimulator({ timing: taskTiming(taskMs, 1) });
	const create = createElement({ timeScale: 1, completion: 'callback' });
	const workflow = items > 1 ? chain(seededItems(sim, items, 1), create) : chain(create);
	const node = workflow.nodes.find((n) => n.name === 'Create Element') as INode;
	const { nodeTypes } = await loadPackage();
	const n8nWorkflow = new Workflow({ id: 'test-workflow', nodes: workflow.nodes, connections: {}, nodeTypes, active: false });
	const handling: Array<[number, number]> = [];
	let resumed: { at: number; items: number; failed: number } | undefined;
	let callbacks = 0;
	const receiver = await listen(async (req, rawBody, res) => {
		if (resumed) return void res.writeHead(404).end();
		callbacks++;
		const started = Date.now();
		const answer = await callNodeWebhook({
			workflow: n8nWorkflow,
			node,
			credentials: apiKeyCredential(sim),
			body: JSON.parse(rawBody.toString()),
			rawBody,
			query: Object.fromEntries(new URL(req.url ?? '/', 'http://x').searchParams),
			headers: req.headers as Record<string, string>,
		});
		handling.push([started, Date.now()]);
		if (answer.workflowData && !resumed) {
			resumed = { at: Date.now(), items: answer.workflowData.length, failed: failedItems(answer.workflowData, items) };
		}
		res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
	});
	const relay = await listen(async (req, body, res) => {
		const upstream = await fetch(`${sim.url}${req.url}`, {
			method: req.method,
			headers: { authorization: String(req.headers.authorization), 'content-type': 'application/json' },
			body: body.length ? body.toString().split('http://localhost:5678').join(receiver.origin) : undefined,
		});
		res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
	});
	try {
		const credentials = { klingApi: { ...apiKeyCredential(sim).klingApi, customBaseUrl: relay.origin } };
		const result = await runWorkflow({ ...workflow, credentials });
		const pausedAt = Date.now();
		if (result.status !== 'waiting') throw new Error(`Expected the execution to wait, it ended ${result.status}: ${result.error?.message}`);
		const deadline = Date.now() + taskMs + 60_000;
		while (!resumed && Date.now() < deadline) await sleep(20);
		if (!resumed) throw new Error('The paused execution was never resumed');
		await sim.idle(30_000).catch(() => undefined);
		const tasks = ownTasks(sim);
		const reads = statusReads(sim);
		const duringCallbacks = (at: number) => handling.some(([from, to]) => at >= from && at <= to);
		return {
			delayMs: resumed.at - Math.max(...tasks.map((task) => task.updatedAt)),
			beforePause: reads.filter((r) => r.receivedAt <= pausedAt && !duringCallbacks(r.receivedAt)).length,
			pollsWhilePaused: reads.filter((r) => r.receivedAt > pausedAt && !duringCallbacks(r.receivedAt)).length,
			callbacks,
			readsPerCallback: reads.filter((r) => duringCallbacks(r.receivedAt)).length / Math.max(1, callbacks),
			failed: items - resumed.items + resumed.failed,
		};
	} finally {
		receiver.server.close();
		relay.server.close();
		await sim.close();
	}
}

export async function pollingBench(): Promise<Row[]> {
	const rows: Row[] = [];
	for (const [label, taskMs] of [
		['10 s', 10_000],
		['1 min', MINUTE],
		['10 min', 10 * MINUTE],
	] as const) {
		const run = await polled(1, taskMs);
		const delay = run.maxDelay;
		const isLong = taskMs === 10 * MINUTE;
		rows.push(
			row(S, `Single ${label} task: status requests`, String(run.reads), isLong ? '<= 25' : '', isLong ? run.reads <= 25 : undefined),
			row(
				S,
				`Single ${label} task: delay finish -> seen`,
				`${duration(delay)} (${((100 * delay) / taskMs).toFixed(0)} % of the task)`,
				isLong ? '< 10 % of the task, <= 30 s' : '<= 30 s',
				(!isLong || delay < 0.1 * taskMs) && delay <= 30_000 && run.failed === 0,
			),
		);
	}
	const many = await polled(50, MINUTE);
	rows.push(
		row(S, '50 x 1 min tasks in flight: status requests', `${many.reads} in ${many.rounds} rounds (${(many.reads / 50).toFixed(2)} per task)`),
		row(S, '50 x 1 min tasks in flight: most requests in one round', String(many.maxPerRound), '<= 2', many.maxPerRound <= 2),
		row(
			S,
			'50 x 1 min tasks in flight: delay finish -> seen',
			`median ${duration(many.medianDelay)}, max ${duration(many.maxDelay)}; ${many.failed} failed`,
			'<= 30 s',
			many.maxDelay <= 30_000 && many.failed === 0,
		),
	);

	for (const items of [1, 50]) {
		const run = await paused(items, 10_000);
		const what = items === 1 ? 'One 10 s task' : '50 x 10 s tasks';
		rows.push(
			row(
				P,
				`${what}: status requests while paused (outside callbacks)`,
				`${run.pollsWhilePaused} (plus ${run.beforePause} look before pausing; ${run.callbacks} callbacks, ${run.readsPerCallback.toFixed(1)} reads each)`,
				'0',
				run.pollsWhilePaused === 0,
			),
			row(P, `${what}: delay last task finished -> execution resumed`, `${duration(run.delayMs)}; ${run.failed} failed`, '< 1 s', run.delayMs < 1_000 && run.failed === 0),
		);
	}
	return rows;
}
