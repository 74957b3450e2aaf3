/**
 * Writes the README's figures from what the last test and benchmark runs recorded in test-results/:
 * `npm test` (reliability, bad input, secrets; the queue-mode suite's batch and trigger races), `npm run bench` and
 * `npm run bench:queue`. Run with `npm run figures`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const results = path.join(root, 'test-results');
const readJson = <T,>(file: string): T | undefined =>
	existsSync(path.join(results, file)) ? (JSON.parse(readFileSync(path.join(results, file), 'utf8')) as T) : undefined;

/** Every JSON file in a folder of test-results/ (one per test file that writes there). */
function readAll<T>(folder: string): T[] {
	const dir = path.join(results, folder);
	if (!existsSync(dir)) return [];
	return readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.map((file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as T);
}

interface ReliabilityTotals {
	tests: number;
	faultKinds: string[];
	items: number;
	lostItems: number;
	duplicateTasks: number;
}

/** The reliability suite's parts, added up. */
function addUp(parts: ReliabilityTotals[]): ReliabilityTotals {
	const sum = (key: 'tests' | 'items' | 'lostItems' | 'duplicateTasks') => parts.reduce((total, part) => total + part[key], 0);
	return {
		tests: sum('tests'),
		faultKinds: [...new Set(parts.flatMap((part) => part.faultKinds))].sort(),
		items: sum('items'),
		lostItems: sum('lostItems'),
		duplicateTasks: sum('duplicateTasks'),
	};
}

function reliabilityTable(): string | undefined {
	const parts = readAll<{ totals: ReliabilityTotals }>('reliability');
	const secrets = readJson<{ runs: number; leaks: number }>('secrets.json');
	const badInputs = readAll<Array<{ operation: string; requests: number; creates: number }>>('bad-input').flat();
	if (!parts.length || !secrets || !badInputs.length) return undefined;
	const totals = addUp(parts.map((part) => part.totals));
	const operations = new Set(badInputs.map((input) => input.operation));
	const lookups = badInputs.reduce((sum, input) => sum + input.requests, 0);
	const creates = badInputs.reduce((sum, input) => sum + input.creates, 0);
	return [
		'| What the suite did | Result |',
		'|---|---|',
		`| Fault scenarios injected (${totals.faultKinds.length} kinds: ${totals.faultKinds.join(', ')}) | ${totals.tests} |`,
		`| Items run through them | ${totals.items} |`,
		`| Items lost | ${totals.lostItems} |`,
		`| Duplicate tasks created | ${totals.duplicateTasks} |`,
		`| Bad inputs tried (across ${operations.size} operations) | ${badInputs.length} |`,
		`| Requests sent for them (creates Kling refuses at no cost, and element-list reads for @names, included) | ${lookups} |`,
		`| Tasks created for them (credits spent) | ${creates} |`,
		`| Runs scanned for secrets (API key, key pair, signed JWTs) | ${secrets.runs} |`,
		`| Secret leaks found | ${secrets.leaks} |`,
	].join('\n');
}

function replaceSection(readme: string, name: string, content: string | undefined): string {
	if (content === undefined) {
		process.stderr.write(`No recorded results for "${name}": run the suite first; the README keeps its current figures.\n`);
		return readme;
	}
	const pattern = new RegExp(`(<!-- START:${name} -->\\n)[\\s\\S]*?(\\n<!-- END:${name} -->)`);
	if (!pattern.test(readme)) throw new Error(`README.md has no ${name} section markers`);
	return readme.replace(pattern, `$1${content}$2`);
}

/** A benchmark report without its own title (the README section has one). */
function reportTable(name: string): string | undefined {
	const file = path.join(results, name);
	return existsSync(file) ? readFileSync(file, 'utf8').replace(/^# .*\n+/, '').trim() : undefined;
}

/** The last `npm run bench` report. One of some sections only (`npm run bench -- memory`) is not copied: it lacks the others. */
function benchTable(): string | undefined {
	const report = reportTable('bench.md');
	const partial = report && /^Command: `npm run bench -- ([^`]*)`/m.exec(report);
	if (partial) {
		process.stderr.write(`The last bench ran only "${partial[1]}": run the whole \`npm run bench\` first.\n`);
		return undefined;
	}
	return report;
}

/** What the queue-mode suite (and the regular one, for the trigger) recorded: the shared-account batch and the trigger's races. */
function queueSuiteTable(): string | undefined {
	const batch = readJson<{ executions: number; items: number; failed: number; duplicates: number; answers1303: number; seconds: number }>('e2e-queue/batch.json');
	const races = [...(readJson<RaceFigures[]>('e2e/trigger-races.json') ?? []), ...(readJson<RaceFigures[]>('e2e-queue/trigger-races.json') ?? [])];
	if (!batch || !races.length) return undefined;
	return [
		'| What the suite did | Result |',
		'|---|---|',
		`| ${batch.executions} executions of ${batch.items / batch.executions} items at once on 2 workers, Max Concurrent Tasks 3 each, account limit 5 | ${batch.items - batch.failed} of ${batch.items} items done, ${batch.failed} failed, ${batch.duplicates} tasks made twice, ${batch.answers1303} answers 1303 waited out (${Math.round(batch.seconds)} s) |`,
		...races.map((race) => `| Kling Trigger, one delivery sent twice: ${race.how} | ${race.tasksStartedTwice} of ${race.tasks} tasks started two executions |`),
	].join('\n');
}

interface RaceFigures {
	how: string;
	tasks: number;
	tasksStartedTwice: number;
}

const readmePath = path.join(root, 'README.md');
const before = readFileSync(readmePath, 'utf8');
let readme = replaceSection(before, 'reliability', reliabilityTable());
readme = replaceSection(readme, 'bench', benchTable());
readme = replaceSection(readme, 'bench-queue', reportTable('bench-queue.md'));
readme = replaceSection(readme, 'queue-suite', queueSuiteTable());
writeFileSync(readmePath, readme);
process.stdout.write(readme === before ? 'README.md unchanged.\n' : 'README.md figures updated from test-results/.\n');
