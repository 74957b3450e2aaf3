/**
 * `npm run bench`: the package's benchmarks against the Kling simulator, printed as a Markdown table and written
 * to test-results/bench.md. Not a test: nothing here runs under jest. `npm run bench -- polling memory` runs only
 * the named sections (batch, polling, pause, memory, load). on-n8n-node.sh runs this on n8n 2.41.1's Node 24.
 */
import '../harness/setup.cts';

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { PACKAGE_ROOT } from '../harness/workflow.cts';
import { batchBench } from './batch.cts';
import { row, type Row } from './lib.cts';
import { loadTimeBench } from './loadTime.cts';
import { memoryBench } from './memory.cts';
import { pauseBench } from './pause.cts';
import { pollingBench } from './polling.cts';

/** In the order of the report. */
const SECTIONS: Record<string, () => Promise<Row[]>> = {
	batch: batchBench,
	polling: pollingBench,
	pause: pauseBench,
	memory: memoryBench,
	load: loadTimeBench,
};
/** Load time runs first: it times process start-up, which the memory runs' gigabyte of file writes would slow. */
const RUN_ORDER = ['load', 'batch', 'polling', 'pause', 'memory'];

function machine(): string {
	const cpus = os.cpus();
	return [
		`CPU: ${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} cores`,
		`RAM: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GB`,
		`Node ${process.version} on ${os.type()} ${os.release()} (${os.arch()})`,
	].join('; ');
}

function table(rows: Row[]): string {
	const cell = (text: string) => text.replace(/\|/g, '\\|');
	const lines = ['| Scenario | Result | Target | |', '|---|---|---|---|'];
	let section = '';
	for (const r of rows) {
		if (r.section !== section) {
			section = r.section;
			lines.push(`| **${cell(section)}** | | | |`);
		}
		const verdict = r.pass === undefined ? '' : r.pass ? 'pass' : '**MISS**';
		lines.push(`| ${cell(r.scenario)} | ${cell(r.result)} | ${cell(r.target)} | ${verdict} |`);
	}
	return lines.join('\n');
}

/** The machine's load (1-minute average, the bench's own included): other work slows the real-time figures (batch, load time). */
const loadAverage = () => os.loadavg()[0].toFixed(1);

async function main() {
	const wanted = process.argv.slice(2);
	const unknown = wanted.filter((name) => !SECTIONS[name]);
	if (unknown.length) throw new Error(`Unknown section(s) ${unknown.join(', ')}; pick from ${Object.keys(SECTIONS).join(', ')}`);
	const started = Date.now();
	const loadBefore = loadAverage();
	const results = new Map<string, Row[]>();
	for (const name of RUN_ORDER) {
		if (wanted.length && !wanted.includes(name)) continue;
		const sectionStarted = Date.now();
		process.stderr.write(`bench: ${name} ...`);
		try {
			results.set(name, await SECTIONS[name]());
		} catch (error) {
			// One broken section (e.g. dist/ rebuilt underneath it) should not cost the others' results.
			results.set(name, [row(name, 'The section failed', String((error as Error).message).split('\n')[0], '', false)]);
		}
		process.stderr.write(` ${((Date.now() - sectionStarted) / 1000).toFixed(0)} s\n`);
	}
	const rows = Object.keys(SECTIONS).flatMap((name) => results.get(name) ?? []);
	const missed = rows.filter((r) => r.pass === false).length;
	const report = [
		'# Benchmarks',
		'',
		`Machine: ${machine()}`,
		'',
		`Load average (1 min, the bench included): ${loadBefore} at the start, ${loadAverage()} at the end`,
		'',
		`Command: \`${wanted.length ? `npm run bench -- ${wanted.join(' ')}` : 'npm run bench'}\` (${new Date().toISOString().slice(0, 10)}, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
		'',
		table(rows),
		'',
		missed ? `${missed} target(s) missed.` : 'All targets met.',
		'',
	].join('\n');
	process.stdout.write(report);
	const out = path.join(PACKAGE_ROOT, 'test-results', 'bench.md');
	mkdirSync(path.dirname(out), { recursive: true });
	writeFileSync(out, report);
	process.stderr.write(`bench: written to ${path.relative(process.cwd(), out)}\n`);
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(`\n${(error as Error).stack ?? error}\n`);
		process.exit(1);
	},
);
