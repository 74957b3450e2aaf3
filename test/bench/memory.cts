/**
 * 4. Memory: Element → Create with four ~10 MB PNGs per item (a frontal image and three more views), for 1 item and
 * for 20 items, and Download of a 100 MB video. Each run is a child process of its own (memoryChild.cts), so only the
 * node's memory is measured: the simulator stays here, a fresh one for each run. The 1-item and 20-item runs
 * alternate, so whatever slows the machine for a while weighs on both; one more 20-item run collects garbage often
 * to show what is still in use.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { makePng, startSimulator, type KlingSimulator, type SimulatorOptions } from '../simulator/index.cts';
import { API_KEY } from '../workflow/helpers.cts';
import { mb, mbChange, median, row, type Row } from './lib.cts';
import type { DownloadArgs, ElementsArgs, MemoryResult } from './memoryChild.cts';

const ITEMS = 20;
const IMAGES = 4;
/** Kling's limit for one image (§2; the simulator refuses more). */
const IMAGE_MAX_BYTES = 10 * 1024 ** 2;
/** Runs of each element scenario: a peak depends on when V8 collects the garbage, which varies from run to run. */
const RUNS = 5;
const VIDEO_BYTES = 100 * 1024 ** 2;
/** The issue's goals: the peak at most 4x one request's images, and 20 items peaking like 1 ("alike": within 1.5x). */
const MAX_PER_REQUEST_IMAGES = 4;
const MAX_ALIKE = 1.5;
const FAST: SimulatorOptions['timing'] = { submittedMs: 5, processingMs: 20 };
const S = '4. Memory (peak RSS growth of the n8n process while the Kling node runs, after a warm-up run)';

function runChild(args: ElementsArgs | DownloadArgs): Promise<MemoryResult> {
	return new Promise((resolve, reject) => {
		const child = fork(path.join(__dirname, 'memoryChild.cts'), [JSON.stringify(args)], {
			execArgv: ['--expose-gc', '--import', 'tsx'],
			stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
		});
		let result: MemoryResult | undefined;
		child.on('message', (message) => (result = message as MemoryResult));
		child.on('error', reject);
		child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`memory child exited with ${code} and no result`))));
	});
}

/** A child run against a simulator of its own, closed afterwards: it keeps every request body it received (about 52 MB each). */
async function withSimulator<T>(options: SimulatorOptions, use: (sim: KlingSimulator) => Promise<T>): Promise<T> {
	const sim = await startSimulator(options);
	try {
		return await use(sim);
	} finally {
		await sim.close();
	}
}

/** Makes a finished image-to-video task on the simulator, as an earlier run of the node would have. */
async function finishedVideoTask(sim: KlingSimulator): Promise<string> {
	const response = await fetch(`${sim.url}/v1/videos/image2video`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({ image: 'https://cdn.example.com/front.png', prompt: 'A slow pan' }),
	});
	const { data } = (await response.json()) as { data: { task_id: string } };
	await sim.idle();
	return data.task_id;
}

const growth = (run: MemoryResult) => run.peakRss - run.baselineRss;
const firstProblem = (runs: MemoryResult[]) => runs.find((run) => run.problem)?.problem?.split('\n')[0];

/** The median run against `max` x `unitBytes`, every run listed (a run that failed fails the row). */
function peakRow(label: string, runs: MemoryResult[], unitBytes: number, unit: string, max: number): Row {
	const target = `<= ${max}x`;
	const problem = firstProblem(runs);
	if (problem) return row(S, label, `run failed: ${problem}`, target, false);
	const ratio = median(runs.map(growth)) / unitBytes;
	const each = runs.length > 1 ? `; ${runs.length} runs: ${runs.map((run) => `${(growth(run) / unitBytes).toFixed(2)}x`).join(', ')}` : '';
	const baseline = mb(median(runs.map((run) => run.baselineRss)));
	return row(S, label, `${mbChange(median(runs.map(growth)))} = ${ratio.toFixed(2)}x ${unit} (${mb(unitBytes)})${each}; baseline ${baseline}`, target, ratio <= max);
}

function alikeRow(one: MemoryResult[], many: MemoryResult[]): Row {
	const label = `1 item and ${ITEMS} items peak alike: ${ITEMS}-item median / 1-item median`;
	const target = `<= ${MAX_ALIKE}x`;
	const problem = firstProblem([...one, ...many]);
	if (problem) return row(S, label, `run failed: ${problem}`, target, false);
	const ratio = median(many.map(growth)) / median(one.map(growth));
	return row(S, label, `${ratio.toFixed(2)}x`, target, ratio <= MAX_ALIKE);
}

/**
 * Where the memory was at the highest RSS sample of the median run, against the baseline: V8's heap in use, buffers,
 * and the rest of the RSS growth: memory freed but still resident (heap pages the garbage filled, freed buffers the
 * allocator keeps), less memory resident at the baseline that was used again (so the rest may be negative).
 */
function atPeakRow(label: string, runs: MemoryResult[]): Row {
	const run = [...runs].sort((a, b) => growth(a) - growth(b))[runs.length >> 1];
	const { atBaseline: base, atPeak: peak } = run;
	if (run.problem || !base || !peak) return row(S, label, `run failed: ${run.problem?.split('\n')[0] ?? 'no figures'}`);
	const [rss, heap, buffers] = [peak.rss - base.rss, peak.heapUsed - base.heapUsed, peak.arrayBuffers - base.arrayBuffers];
	const parts = [`RSS ${mbChange(rss)}`, `V8 heap in use ${mbChange(heap)}`, `buffers (ArrayBuffers) ${mbChange(buffers)}`, `the rest ${mbChange(rss - heap - buffers)}`];
	return row(S, label, `${parts.join(', ')}; the kernel's peak ${mbChange(growth(run))}`);
}

/** What the node still references: the peak of heap and buffers right after full collections (no target). */
function inUseRow(run: MemoryResult, unitBytes: number): Row {
	const label = `${ITEMS} items again, memory still referenced (V8 heap and buffers right after a full collection, every 50 ms)`;
	if (run.problem || run.peakLive === undefined || run.baselineLive === undefined) return row(S, label, `run failed: ${run.problem?.split('\n')[0] ?? 'no figures'}`);
	const live = run.peakLive - run.baselineLive;
	return row(S, label, `${mbChange(live)} = ${(live / unitBytes).toFixed(2)}x one request's images`);
}

export async function memoryBench(): Promise<Row[]> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'kling-bench-'));
	try {
		const write = (name: string, png: Buffer) => {
			const file = path.join(dir, name);
			writeFileSync(file, png);
			return { file, size: png.length };
		};
		// Four different real PNGs of about 9.7 MB each (2000 x 1700 RGB noise): a little under Kling's 10 MB.
		const images = Array.from({ length: IMAGES }, (_, i) => write(`upload-${i}.png`, makePng(2000, 1700, { noise: true })));
		const tooBig = images.find((image) => image.size > IMAGE_MAX_BYTES);
		if (tooBig) throw new Error(`the test PNG is ${tooBig.size} bytes, above Kling's 10 MB`);
		const small = write('small.png', makePng(320, 320)).file;
		const requestBytes = images.reduce((sum, image) => sum + image.size, 0);
		const elements = (items: number, collectEveryMs?: number) =>
			withSimulator({ timing: FAST }, async (sim) => {
				const args: ElementsArgs = { scenario: 'elements', simUrl: sim.url, warmUp: images.map(() => small), files: images.map((image) => image.file), items, collectEveryMs };
				return await runChild(args);
			});

		const one: MemoryResult[] = [];
		const many: MemoryResult[] = [];
		for (let run = 0; run < RUNS; run++) {
			one.push(await elements(1));
			many.push(await elements(ITEMS));
		}
		const inUse = await elements(ITEMS, 50);
		const download = await withSimulator({ timing: FAST }, (smallVideoSim) =>
			withSimulator({ timing: FAST, videoBytes: VIDEO_BYTES }, async (bigVideoSim) =>
				runChild({
					scenario: 'download',
					warmUp: { simUrl: smallVideoSim.url, taskId: await finishedVideoTask(smallVideoSim) },
					big: { simUrl: bigVideoSim.url, taskId: await finishedVideoTask(bigVideoSim) },
					bytes: VIDEO_BYTES,
				}),
			),
		);
		const what = `four ${mb(images[0].size)} PNGs (binary) each`;
		const unit = "one request's images";
		return [
			peakRow(`Element > Create, 1 item with ${what}, median of ${RUNS} runs`, one, requestBytes, unit, MAX_PER_REQUEST_IMAGES),
			peakRow(`Element > Create, ${ITEMS} items with ${what}, sent back to back (Max Concurrent Tasks ${ITEMS}), median of ${RUNS} runs`, many, requestBytes, unit, MAX_PER_REQUEST_IMAGES),
			alikeRow(one, many),
			atPeakRow('1 item: where the growth is at the highest RSS sample (median run)', one),
			atPeakRow(`${ITEMS} items: where the growth is at the highest RSS sample (median run)`, many),
			inUseRow(inUse, requestBytes),
			peakRow('Video > Get with Download, 100 MB mp4', [download], VIDEO_BYTES, 'the video', 2.5),
		];
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}
