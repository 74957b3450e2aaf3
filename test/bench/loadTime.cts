/**
 * 5. Load time: what n8n pays to load the package, measured in fresh processes as the time to require
 * n8n-workflow alone, against n8n-workflow plus the built nodes and credential. Many alternating runs.
 */
import { execFileSync } from 'node:child_process';

import { PACKAGE_ROOT } from '../harness/workflow.cts';
import { median, row, signed, type Row } from './lib.cts';

const RUNS = 25;
const PACKAGE_FILES = [
	'./dist/nodes/Kling/Kling.node.js',
	'./dist/nodes/KlingTrigger/KlingTrigger.node.js',
	'./dist/credentials/KlingApi.credentials.js',
];

/** Milliseconds a fresh Node process spends requiring `modules`, in order. */
function requireMs(modules: string[]): number {
	const script = `const t = process.hrtime.bigint(); ${modules.map((m) => `require(${JSON.stringify(m)});`).join(' ')} process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
	return Number(execFileSync(process.execPath, ['-e', script], { cwd: PACKAGE_ROOT, encoding: 'utf8' }));
}

export async function loadTimeBench(): Promise<Row[]> {
	const alone: number[] = [];
	const withPackage: number[] = [];
	requireMs(['n8n-workflow', ...PACKAGE_FILES]); // a first run warms the file system cache
	for (let i = 0; i < RUNS; i++) {
		alone.push(requireMs(['n8n-workflow']));
		withPackage.push(requireMs(['n8n-workflow', ...PACKAGE_FILES]));
	}
	const base = median(alone);
	// The median of each pair's difference, not the difference of the medians: a pair runs back to back, so whatever
	// else slows the machine for a while (another process, disk write-back) weighs on both of its runs alike.
	const added = median(withPackage.map((ms, i) => ms - alone[i]));
	const total = base + added;
	const extra = (100 * added) / base;
	const S = `5. Load time (median of ${RUNS} fresh processes each)`;
	return [
		row(S, "require('n8n-workflow')", `${base.toFixed(0)} ms`),
		row(S, '+ Kling node, Kling Trigger node, Kling API credential', `${total.toFixed(0)} ms = ${signed(extra)} %`, '<= +15 %', extra <= 15),
	];
}
