/** What the benchmarks share: the workflows they run, reading the simulator's request log, and small statistics. */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { RunResult } from '../harness/workflow.cts';
import type { KlingSimulator, LoggedRequest, TaskSnapshot } from '../simulator/index.cts';
import { klingNode } from '../workflow/helpers.cts';

export const ELEMENTS_PATH = '/v1/general/advanced-custom-elements';

/** Simulator timing for a task that takes `klingMs`: a tenth submitted, the rest processing. */
export function taskTiming(klingMs: number) {
	return { submittedMs: Math.round(klingMs * 0.1), processingMs: Math.round(klingMs * 0.9) };
}

/** Create Element from image URLs, one per input item (items as `emptyItems` makes them, JSON { index }). */
export function createElement(options: IDataObject = {}) {
	return klingNode('Create Element', {
		resource: 'element',
		operation: 'create',
		elementName: '={{ "Copy of " + ($json.index ?? "one") }}',
		elementDescription: 'A benchmark element',
		referenceType: 'image_refer',
		frontalImageSource: 'url',
		frontalImageUrl: 'https://cdn.example.com/front.png',
		additionalImages: { image: [{ source: 'url', url: 'https://cdn.example.com/side.png' }] },
		options,
	});
}

/** The tasks of the benchmark's own creates (createElement names them "Copy of ..."). */
export const ownTasks = (sim: KlingSimulator) => sim.tasks('elements').filter((task) => String(task.body.element_name).startsWith('Copy of'));

/** How long a node's first run took, as n8n itself records it (ms). */
export function nodeExecutionMs(result: RunResult, nodeName: string): number {
	const run = result.run?.data.resultData.runData[nodeName]?.[0];
	if (!run) throw new Error(`${nodeName} did not run: ${result.error?.message ?? result.status}`);
	return run.executionTime;
}

export const failedItems = (items: INodeExecutionData[], expected: number, key = 'elementId') =>
	expected - items.filter((item) => typeof item.json[key] === 'string' && !item.json.error).length;

/** Status reads of element tasks: a single-task read or a list read, from the first create on. */
export function statusReads(sim: KlingSimulator): LoggedRequest[] {
	const firstCreate = sim.apiRequests({ method: 'POST' })[0]?.receivedAt ?? 0;
	return sim.apiRequests({ method: 'GET', pathIncludes: ELEMENTS_PATH }).filter((r) => r.receivedAt >= firstCreate);
}

/** The first read that saw `task` final: a read of the task itself or a list read, at or after Kling finished it. */
export function readThatSawFinal(task: TaskSnapshot, reads: LoggedRequest[]): LoggedRequest | undefined {
	return reads.find((r) => r.receivedAt >= task.updatedAt && (r.path.endsWith(ELEMENTS_PATH) || r.path.endsWith(task.taskId)));
}

/** Bursts of requests: a new round starts after a quiet gap of at least `gapMs` (real ms). */
export function rounds(requests: LoggedRequest[], gapMs: number): LoggedRequest[][] {
	const out: LoggedRequest[][] = [];
	let last = -Infinity;
	for (const request of requests) {
		if (request.receivedAt - last >= gapMs || !out.length) out.push([]);
		out[out.length - 1].push(request);
		last = request.receivedAt;
	}
	return out;
}

export const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds with one decimal, or ms below a second. */
export function duration(ms: number): string {
	if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
	return ms < 120_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;
}

export const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;

/** A change, with its sign: +1.5 or -0.3 (`digits` decimals). */
export const signed = (value: number, digits = 1) => `${value < 0 ? '-' : '+'}${Math.abs(value).toFixed(digits)}`;

/** A change in memory, with its sign: +12.0 MB or -4.1 MB. */
export const mbChange = (bytes: number) => `${signed(bytes / 1024 ** 2)} MB`;

/** One line of the report: what was measured, the result, the target and whether it was met. */
export interface Row {
	section: string;
	scenario: string;
	result: string;
	target: string;
	/** undefined: informational, no target. */
	pass?: boolean;
}

export function row(section: string, scenario: string, result: string, target = '', pass?: boolean): Row {
	return { section, scenario, result, target, pass };
}
