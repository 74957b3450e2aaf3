/**
 * Writes the README's figures from what the last test and benchmark runs recorded in test-results/:
 * `npm test` (reliability, bad input, secrets) and `npm run bench`. Run with `npm run figures`.
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
		`| Requests sent for them (element-list reads needed by a few element-kind rules included) | ${lookups} |`,
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

/**
 * The last `npm run bench` report without its own title (the README section has one). A run of some sections only
 * (`npm run bench -- memory`) would drop the others' figures from the README, so it is not copied.
 */
function benchTable(): string | undefined {
	const file = path.join(results, 'bench.md');
	if (!existsSync(file)) return undefined;
	const report = readFileSync(file, 'utf8');
	const partial = /^Command: `npm run bench -- ([^`]*)`/m.exec(report);
	if (partial) {
		process.stderr.write(`The last bench ran only "${partial[1]}": run the whole \`npm run bench\` first.\n`);
		return undefined;
	}
	return report.replace(/^# .*\n+/, '').trim();
}

const readmePath = path.join(root, 'README.md');
const before = readFileSync(readmePath, 'utf8');
const readme = replaceSection(replaceSection(before, 'reliability', reliabilityTable()), 'bench', benchTable());
writeFileSync(readmePath, readme);
process.stdout.write(readme === before ? 'README.md unchanged.\n' : 'README.md figures updated from test-results/.\n');
