/**
 * 1. Batch: 50 element creations with Wait Until Done (the default Completion) against an account that runs 5 tasks at once (Kling answers
 * 1303 beyond that) and 2-second tasks, in real time. Compared with the ideal (ceil(50/5) x 2 s) and with a
 * hand-built "one at a time" loop (HTTP Request + Wait: create, wait N s, check, repeat until done, next item).
 */
import { chain, emptyItems, runWorkflow } from '../harness/workflow.cts';
import { startSimulator } from '../simulator/index.cts';
import { apiKeyCredential, API_KEY } from '../workflow/helpers.cts';
import { createElement, duration, ELEMENTS_PATH, failedItems, nodeExecutionMs, row, sleep, statusReads, type Row } from './lib.cts';

const ITEMS = 50;
const ACCOUNT_CONCURRENCY = 5;
const TASK_MS = 2_000;
const IDEAL_MS = Math.ceil(ITEMS / ACCOUNT_CONCURRENCY) * TASK_MS;
const simOptions = () => ({ concurrencyLimit: ACCOUNT_CONCURRENCY, timing: { submittedMs: 200, processingMs: TASK_MS - 200 } });

async function nodeBatch(maxConcurrentTasks: number) {
	const sim = await startSimulator(simOptions());
	try {
		const workflow = chain(emptyItems(ITEMS), createElement({ maxConcurrentTasks }));
		const result = await runWorkflow({ ...workflow, credentials: apiKeyCredential(sim) });
		return {
			wallMs: nodeExecutionMs(result, 'Create Element'),
			failed: failedItems(result.output('Create Element'), ITEMS),
			created: sim.createdTaskCount('elements'),
			refused: sim.apiRequests({ method: 'POST' }).filter((r) => r.code === 1303).length,
			reads: statusReads(sim).length,
		};
	} finally {
		await sim.close();
	}
}

/** What a user builds by hand: one item at a time, create, then Wait `pollEveryMs` and check until done. */
async function oneAtATime(pollEveryMs: number) {
	const sim = await startSimulator(simOptions());
	const call = async (method: 'GET' | 'POST', path: string, body?: object) => {
		const response = await fetch(`${sim.url}${path}`, {
			method,
			headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
			body: body && JSON.stringify(body),
		});
		return ((await response.json()) as { data: { task_id: string; task_status: string } }).data;
	};
	try {
		const started = Date.now();
		let failed = 0;
		for (let i = 0; i < ITEMS; i++) {
			const { task_id: taskId } = await call('POST', ELEMENTS_PATH, {
				element_name: `Copy of Item ${i}`,
				element_description: 'A benchmark element',
				reference_type: 'image_refer',
				element_image_list: { frontal_image: 'https://cdn.example.com/front.png', refer_images: [{ image_url: 'https://cdn.example.com/side.png' }] },
			});
			let status = 'submitted';
			while (status === 'submitted' || status === 'processing') {
				await sleep(pollEveryMs);
				status = (await call('GET', `${ELEMENTS_PATH}/${taskId}`)).task_status;
			}
			if (status !== 'succeed') failed++;
		}
		return { wallMs: Date.now() - started, failed };
	} finally {
		await sim.close();
	}
}

export async function batchBench(): Promise<Row[]> {
	// The baselines take 100-150 s of mostly waiting: they run alongside the node runs, each on its own account.
	const baselines = Promise.all([oneAtATime(2_000), oneAtATime(3_000)]);
	const matched = await nodeBatch(ACCOUNT_CONCURRENCY);
	const overSet = await nodeBatch(10);
	const [every2, every3] = await baselines;

	const S = '1. Batch (50 elements, account concurrency 5, 2 s tasks, real time)';
	const rows: Row[] = [row(S, 'Ideal: ceil(50/5) x 2 s', duration(IDEAL_MS))];
	for (const [label, run] of [
		['Node, Max Concurrent Tasks 5 (= the account)', matched],
		['Node, Max Concurrent Tasks 10 (above the account: Kling answers 1303)', overSet],
	] as const) {
		const ratio = run.wallMs / IDEAL_MS;
		const faster = every2.wallMs / run.wallMs;
		rows.push(
			row(S, `${label}: wall time`, `${duration(run.wallMs)} = ${ratio.toFixed(2)}x ideal`, '<= 1.15x ideal', ratio <= 1.15),
			row(S, `${label}: vs one-at-a-time (polling every 2 s)`, `${faster.toFixed(1)}x faster`, '>= 4x faster', faster >= 4),
			row(
				S,
				`${label}: items`,
				`${run.failed} failed, ${run.created} tasks created, ${run.refused} creates refused with 1303, ${run.reads} status reads`,
				'0 failed',
				run.failed === 0 && run.created === ITEMS,
			),
		);
	}
	rows.push(
		row(S, 'Baseline one at a time, checking every 2 s', `${duration(every2.wallMs)}, ${every2.failed} failed`),
		row(S, 'Baseline one at a time, checking every 3 s', `${duration(every3.wallMs)}, ${every3.failed} failed`),
	);
	return rows;
}
