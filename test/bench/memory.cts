/**
 * 3. Memory: 20 items each carrying a 10 MB PNG create elements; Download Video fetches a 100 MB result. Each runs
 * in a child process (memoryChild.cts) so that only the node's memory is measured: the simulator stays here. The
 * element run is repeated, and run once more with frequent full garbage collections to show what is still in use.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { makePng, startSimulator, type KlingSimulator } from '../simulator/index.cts';
import { API_KEY } from '../workflow/helpers.cts';
import { mb, median, row, type Row } from './lib.cts';
import type { DownloadArgs, ElementsArgs, MemoryResult } from './memoryChild.cts';

const ITEMS = 20;
/**
 * Runs of the element scenario: its peak depends on how many of the file chunks already sent are still waiting for
 * V8's next collection, which varies from run to run.
 */
const RUNS = 5;
const VIDEO_BYTES = 100 * 1024 ** 2;
const S = '3. Memory (peak RSS growth of the n8n process while the Kling node runs, after a warm-up run)';

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

/** The median run against the target, every run listed (a run that failed fails the row). */
function verdict(label: string, runs: MemoryResult[], largestInput: number, target = '<= 2.5x'): Row {
	const failed = runs.find((run) => run.problem);
	if (failed) return row(S, label, `run failed: ${failed.problem!.split('\n')[0]}`, target, false);
	const typical = median(runs.map(growth));
	const ratio = typical / largestInput;
	const result = `+${mb(typical)} = ${ratio.toFixed(2)}x the largest input (${mb(largestInput)})`;
	const each = runs.length > 1 ? `; ${runs.length} runs: ${runs.map((run) => `${(growth(run) / largestInput).toFixed(2)}x`).join(', ')}` : '';
	return row(S, label, `${result}${each}; baseline ${mb(median(runs.map((run) => run.baselineRss)))}`, target, target ? ratio <= 2.5 : undefined);
}

/** What the node still references: the peak of heap and buffers right after full collections (no target). */
function inUseRow(run: MemoryResult, largestInput: number): Row {
	const label = 'The same, memory still referenced (V8 heap and buffers right after a full collection, every 50 ms)';
	if (run.problem || run.peakLive === undefined || run.baselineLive === undefined) return row(S, label, `run failed: ${run.problem?.split('\n')[0] ?? 'no figures'}`);
	const growth = run.peakLive - run.baselineLive;
	return row(S, label, `+${mb(growth)} = ${(growth / largestInput).toFixed(2)}x the largest input`);
}

export async function memoryBench(): Promise<Row[]> {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'kling-bench-'));
	const fast = { submittedMs: 5, processingMs: 20 };
	const sims: KlingSimulator[] = [];
	try {
		const files = Array.from({ length: ITEMS }, (_, i) => {
			const file = path.join(dir, `upload-${i}.png`);
			// A real PNG of about 10 MB (2000 x 1700 RGB noise), at most Kling's 10 MB.
			const png = makePng(2000, 1700, { noise: true });
			if (png.length > 10 * 1024 ** 2) throw new Error(`the test PNG is ${png.length} bytes, above Kling's 10 MB`);
			writeFileSync(file, png);
			return { file, size: png.length };
		});
		const small = path.join(dir, 'small.png');
		writeFileSync(small, makePng(320, 320));

		const elementsSim = await startSimulator({ timing: fast });
		sims.push(elementsSim);
		const elementsArgs: ElementsArgs = { scenario: 'elements', simUrl: elementsSim.url, warmUp: [small], files: files.map((f) => f.file) };
		const elements: MemoryResult[] = [];
		for (let run = 0; run < RUNS; run++) elements.push(await runChild(elementsArgs));
		const inUse = await runChild({ ...elementsArgs, collectEveryMs: 50 });

		const smallVideoSim = await startSimulator({ timing: fast });
		const bigVideoSim = await startSimulator({ timing: fast, videoBytes: VIDEO_BYTES });
		sims.push(smallVideoSim, bigVideoSim);
		const download = await runChild({
			scenario: 'download',
			warmUp: { simUrl: smallVideoSim.url, taskId: await finishedVideoTask(smallVideoSim) },
			big: { simUrl: bigVideoSim.url, taskId: await finishedVideoTask(bigVideoSim) },
			bytes: VIDEO_BYTES,
		});
		const largest = Math.max(...files.map((f) => f.size));
		const label = `Create Element, ${ITEMS} items each with a ${mb(files[0].size)} PNG (binary)`;
		return [
			verdict(`${label}, median of ${RUNS} runs`, elements, largest),
			inUseRow(inUse, largest),
			verdict('Video > Get with Download Video, 100 MB mp4', [download], VIDEO_BYTES),
		];
	} finally {
		await Promise.all(sims.map((sim) => sim.close()));
		rmSync(dir, { recursive: true, force: true });
	}
}
