/**
 * 3. Pause Until Kling Calls Back (Options → Completion), in real time: the simulator's callbacks reach the paused
 * node's webhook, and nothing polls. The execution waits without a limit (n8n's WAIT_INDEFINITELY).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INode } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { callNodeWebhook } from '../harness/webhook.cts';
import { chain, emptyItems, loadPackage, runWorkflow } from '../harness/workflow.cts';
import { startSimulator } from '../simulator/index.cts';
import { apiKeyCredential } from '../workflow/helpers.cts';
import { createElement, duration, failedItems, ownTasks, row, sleep, statusReads, taskTiming, type Row } from './lib.cts';

const S = '3. Pause Until Kling Calls Back (real time)';

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
	const sim = await startSimulator({ timing: taskTiming(taskMs) });
	const workflow = chain(emptyItems(items), createElement({ completion: 'callback' }));
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
		// Waits on a condition (the resume), with a deadline for a run that never resumes.
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

export async function pauseBench(): Promise<Row[]> {
	const rows: Row[] = [];
	for (const items of [1, 50]) {
		const run = await paused(items, 10_000);
		const what = items === 1 ? 'One 10 s task' : '50 x 10 s tasks';
		rows.push(
			row(
				S,
				`${what}: status requests while paused (outside callbacks)`,
				`${run.pollsWhilePaused} (plus ${run.beforePause} look before pausing; ${run.callbacks} callbacks, ${run.readsPerCallback.toFixed(1)} reads each)`,
				'0',
				run.pollsWhilePaused === 0,
			),
			row(S, `${what}: delay last task finished -> execution resumed`, `${duration(run.delayMs)}; ${run.failed} failed`, '< 1 s', run.delayMs < 1_000 && run.failed === 0),
		);
	}
	return rows;
}
