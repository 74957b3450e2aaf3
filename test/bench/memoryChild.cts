/**
 * One memory scenario in a process of its own (started by memory.cts with --expose-gc): load the package, run the
 * scenario once on a small input so every code path is loaded, then run it on the big input and report the peak
 * RSS above a baseline taken, after a full garbage collection, right before the Kling node starts.
 */
import '../harness/setup.cts';

import { closeSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';

import { chain, loadPackage, runWorkflow, type RunResult } from '../harness/workflow.cts';
import { apiKeyCredential, klingNode } from '../workflow/helpers.cts';
import type { KlingSimulator } from '../simulator/index.cts';
import { failedItems, sleep } from './lib.cts';

export interface ElementsArgs {
	scenario: 'elements';
	simUrl: string;
	/** The four images of one request (frontal, then the additional ones), for the warm-up and for the measured run. */
	warmUp: string[];
	files: string[];
	/** Items of the measured run, each with its own copy of the four images in n8n's binary data store. */
	items: number;
	/** Also runs a full garbage collection this often and reports the peak of what survives it (`peakLive`). */
	collectEveryMs?: number;
}

export interface DownloadArgs {
	scenario: 'download';
	warmUp: { simUrl: string; taskId: string };
	big: { simUrl: string; taskId: string };
	bytes: number;
}

/** The parts of process.memoryUsage() the report shows: the RSS, V8's heap in use, and memory outside it (buffers). */
export type MemoryUse = Pick<NodeJS.MemoryUsage, 'rss' | 'heapUsed' | 'external' | 'arrayBuffers'>;

export interface MemoryResult {
	baselineRss: number;
	/** V8 heap in use plus memory outside it (buffers), right after a full collection: what is still referenced. */
	baselineLive?: number;
	peakLive?: number;
	peakRss: number;
	/** Where the memory was at the baseline and at the highest RSS sample (the kernel's peak may lie between samples). */
	atBaseline?: MemoryUse;
	atPeak?: MemoryUse;
	problem?: string;
}

const FILE_SOURCE = 'bench.fileSource';

/** Each item's binary fields: the frontal image, then the three additional ones (Element → Create takes four). */
const IMAGE_FIELDS = ['front', 'side1', 'side2', 'side3'];

/**
 * Like n8n's Read Files from Disk: `items` items, each with the four files in its binary fields, stored in n8n's
 * binary data store. Each file is read into one reused buffer and stored from it, not streamed: streaming would
 * leave tens of MB of freed chunks in the allocator right before the baseline, which the Kling node would then
 * reuse without growing RSS, so the peak would understate what the node itself needs.
 */
const fileSource: INodeType = {
	description: {
		displayName: 'File Source',
		name: 'fileSource',
		group: ['transform'],
		version: 1,
		description: '',
		defaults: { name: 'File Source' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{ displayName: 'Paths', name: 'paths', type: 'json', default: '[]' },
			{ displayName: 'Items', name: 'items', type: 'number', default: 1 },
		],
	},
	async execute(this: IExecuteFunctions) {
		const paths = JSON.parse(this.getNodeParameter('paths', 0) as string) as string[];
		const out = await storeFiles.call(this, paths, this.getNodeParameter('items', 0) as number);
		// The files are in n8n's binary data store now, and the buffer they were read into is garbage: what follows is
		// the Kling node's own memory.
		if (meter.armed) await meter.start();
		return [out];
	},
};

async function storeFiles(this: IExecuteFunctions, paths: string[], items: number): Promise<INodeExecutionData[]> {
	const out: INodeExecutionData[] = [];
	const buffer = Buffer.allocUnsafe(Math.max(...paths.map((file) => statSync(file).size)));
	for (let index = 0; index < items; index++) {
		const binary: INodeExecutionData['binary'] = {};
		for (const [n, file] of paths.entries()) {
			const fd = openSync(file, 'r');
			const size = readSync(fd, buffer, 0, buffer.length, 0);
			closeSync(fd);
			binary[IMAGE_FIELDS[n]] = await this.helpers.prepareBinaryData(buffer.subarray(0, size), path.basename(file), 'image/png');
		}
		out.push({ json: { index }, binary, pairedItem: { item: 0 } });
	}
	return out;
}

async function registerFileSource() {
	const { nodeTypes } = await loadPackage();
	const { getByName, getByNameAndVersion } = nodeTypes;
	nodeTypes.getByName = (name) => (name === FILE_SOURCE ? fileSource : getByName(name));
	nodeTypes.getByNameAndVersion = (name, version) => (name === FILE_SOURCE ? fileSource : getByNameAndVersion(name, version));
}

const credentialFor = (simUrl: string) => apiKeyCredential({ url: simUrl } as KlingSimulator);

/** Element → Create with its four images from binary fields; all items' creates are sent back to back. */
function createElements(simUrl: string, files: string[], items: number): Promise<RunResult> {
	const [front, ...additional] = IMAGE_FIELDS.slice(0, files.length);
	const workflow = chain(
		{ name: 'Files', type: FILE_SOURCE, parameters: { paths: JSON.stringify(files), items } },
		klingNode('Create Element', {
			resource: 'element',
			operation: 'create',
			elementName: '={{ "Upload " + $json.index }}',
			elementDescription: 'A benchmark element from four 10 MB PNGs',
			referenceType: 'image_refer',
			frontalImageSource: 'binary',
			frontalImageBinaryProperty: front,
			additionalImages: { image: additional.map((binaryProperty) => ({ source: 'binary', binaryProperty })) },
			options: { maxConcurrentTasks: items },
		}),
	);
	return runWorkflow({ ...workflow, credentials: credentialFor(simUrl) });
}

function downloadVideo(target: { simUrl: string; taskId: string }): Promise<RunResult> {
	const workflow = chain(
		klingNode('Get Video', { resource: 'video', operation: 'get', kind: 'imageToVideo', taskId: target.taskId, options: { download: true } }),
	);
	return runWorkflow({ ...workflow, credentials: credentialFor(target.simUrl) });
}

/** The kernel's own peak RSS since the last reset (Linux), next to the sampled one. */
const peakFromKernel = () => {
	try {
		return Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
	} catch {
		return 0;
	}
};

const live = () => {
	const { heapUsed, external } = process.memoryUsage();
	return heapUsed + external;
};

const memoryUse = (): MemoryUse => {
	const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
	return { rss, heapUsed, external, arrayBuffers };
};

/** Peak RSS above a baseline taken after a full garbage collection, sampled every 5 ms. */
const meter = {
	armed: false,
	baselineRss: 0,
	peakRss: 0,
	atBaseline: undefined as MemoryUse | undefined,
	atPeak: undefined as MemoryUse | undefined,
	sampler: undefined as NodeJS.Timeout | undefined,
	collector: undefined as NodeJS.Timeout | undefined,
	collectEveryMs: undefined as number | undefined,
	baselineLive: 0,
	peakLive: 0,
	async start() {
		const gc = (globalThis as { gc?: () => void }).gc;
		if (!gc) throw new Error('run with node --expose-gc');
		gc();
		await sleep(200);
		gc();
		this.atBaseline = this.atPeak = memoryUse();
		this.baselineRss = this.peakRss = this.atBaseline.rss;
		try {
			writeFileSync('/proc/self/clear_refs', '5'); // resets the kernel's peak (VmHWM) to the current RSS
		} catch {
			// not Linux: the samples alone
		}
		this.sampler ??= setInterval(() => {
			const rss = process.memoryUsage.rss();
			if (rss <= this.peakRss) return;
			this.peakRss = rss;
			this.atPeak = memoryUse(); // where it is, when it is highest (the heap figures cost more to read than rss)
		}, 5);
		if (this.collectEveryMs) {
			gc();
			this.baselineLive = this.peakLive = live();
			// Timed from the end of the last collection, not on an interval: full collections can take longer than
			// the interval, and back-to-back ones would starve the run being measured.
			const collect = () => {
				// Twice: V8 frees dead buffers' memory after a collection, on another thread; the next one waits for that.
				gc();
				gc();
				this.peakLive = Math.max(this.peakLive, live());
				this.collector = setTimeout(collect, this.collectEveryMs);
			};
			this.collector ??= setTimeout(collect, this.collectEveryMs);
		}
	},
	stop(): Omit<MemoryResult, 'problem'> {
		clearInterval(this.sampler);
		clearTimeout(this.collector);
		this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss(), peakFromKernel());
		const { baselineRss, peakRss, baselineLive, peakLive, atBaseline, atPeak } = this;
		return { baselineRss, peakRss, atBaseline, atPeak, ...(this.collectEveryMs ? { baselineLive, peakLive } : {}) };
	},
};

async function main(args: ElementsArgs | DownloadArgs): Promise<MemoryResult> {
	await registerFileSource();
	if (args.scenario === 'elements') {
		const check = (result: RunResult, n: number) => {
			const failed = failedItems(result.output('Create Element'), n);
			return failed ? `${failed} of ${n} items failed: ${result.error?.message ?? JSON.stringify(result.output('Create Element')[0]?.json)}` : undefined;
		};
		const warm = check(await createElements(args.simUrl, args.warmUp, 1), 1);
		if (warm) return { baselineRss: 0, peakRss: 0, problem: `warm-up: ${warm}` };
		meter.armed = true; // the baseline is taken when the File Source has stored the files
		meter.collectEveryMs = args.collectEveryMs;
		const problem = check(await createElements(args.simUrl, args.files, args.items), args.items);
		return { ...meter.stop(), problem };
	}
	const check = (result: RunResult, bytes?: number) => {
		const binary = result.output('Get Video')[0]?.binary?.data;
		if (!binary) return `no video: ${result.error?.message ?? result.status}`;
		if (bytes !== undefined && binary.bytes !== bytes) return `downloaded ${binary.bytes} bytes, expected ${bytes}`;
		return undefined;
	};
	const warm = check(await downloadVideo(args.warmUp));
	if (warm) return { baselineRss: 0, peakRss: 0, problem: `warm-up: ${warm}` };
	await meter.start();
	const problem = check(await downloadVideo(args.big), args.bytes);
	return { ...meter.stop(), problem };
}

const send = (message: MemoryResult) => {
	// The binary data store lives in the harness's temporary n8n user folder: hundreds of MB after this run.
	rmSync(process.env.N8N_USER_FOLDER!, { recursive: true, force: true });
	return new Promise<void>((resolve) => process.send!(message, () => resolve()));
};
main(JSON.parse(process.argv[2]) as ElementsArgs | DownloadArgs).then(
	async (result) => {
		await send(result);
		process.exit(0);
	},
	async (error: Error) => {
		await send({ baselineRss: 0, peakRss: 0, problem: error.stack ?? String(error) });
		process.exit(1);
	},
);
