/**
 * The real-n8n runtime cache's stamp (test/e2e/install-n8n.sh): what decides whether a clone reinstalls n8n. npm and
 * Node are stood in for by small scripts (the real install takes minutes and is the e2e suite's globalSetup); the
 * stand-in npm rewrites its copy of the lockfile, as npm does on this registry. The installer runs for n8n 1.x, whose
 * runtime is the machine's Node (here the stand-in), so no Node download is involved.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '../..');
const INPUTS = ['test/e2e/n8n-lock-1/package.json', 'test/e2e/n8n-lock-1/package-lock.json'];

let work: string;
let stubs: string;
let npmLog: string;

beforeEach(() => {
	work = mkdtempSync(path.join(tmpdir(), 'kling-install-stamp-'));
	stubs = path.join(work, 'stubs');
	npmLog = path.join(work, 'npm.log');
	mkdirSync(path.join(stubs, 'bin'), { recursive: true });
	mkdirSync(path.join(stubs, 'include', 'node'), { recursive: true });
	writeFileSync(path.join(stubs, 'include', 'node', 'node_version.h'), '');
	// npm: records each call; `install` rewrites the lockfile it was given and lays out what the installer checks.
	script('npm', [
		'echo "$*" >>"$STUB_NPM_LOG"',
		'if [[ $1 == install ]]; then',
		'	sed -i \'1a\\  "rewrittenBy": "npm on this registry",\' package-lock.json',
		'	mkdir -p node_modules/.bin node_modules/n8n node_modules/sqlite3/build/Release',
		'	printf \'#!/usr/bin/env bash\\necho 1.123.81\\n\' >node_modules/.bin/n8n && chmod +x node_modules/.bin/n8n',
		'	echo \'{"version":"1.123.81"}\' >node_modules/n8n/package.json',
		'	touch node_modules/sqlite3/build/Release/node_sqlite3.node',
		'fi',
	]);
	// The machine's Node 20: its version, and success for the installer's own checks.
	script('node', ['if [[ $1 == --version ]]; then echo v20.0.0; fi']);
});

afterEach(() => rmSync(work, { recursive: true, force: true }));

function script(name: string, lines: string[]) {
	const file = path.join(stubs, 'bin', name);
	writeFileSync(file, ['#!/usr/bin/env bash', ...lines, ''].join('\n'));
	chmodSync(file, 0o755);
}

/** A clone: the installer and its inputs, as committed. */
function clone(name: string): string {
	const root = path.join(work, name);
	cpSync(path.join(REPO, 'test/e2e/install-n8n.sh'), path.join(root, 'test/e2e/install-n8n.sh'));
	for (const input of INPUTS) cpSync(path.join(REPO, input), path.join(root, input));
	return root;
}

/** Every file under `root` with its content. */
function snapshot(root: string): Record<string, string> {
	const files = readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
	return Object.fromEntries(files.map((entry) => {
		const file = path.join(entry.parentPath, entry.name);
		return [path.relative(root, file), readFileSync(file, 'latin1')];
	}));
}

/** Runs the clone's installer on the shared cache; returns its exit code, output and the npm calls it made. */
function install(root: string) {
	writeFileSync(npmLog, '');
	const result = spawnSync('bash', [path.join(root, 'test/e2e/install-n8n.sh')], {
		cwd: root,
		encoding: 'utf8',
		env: {
			PATH: `${path.join(stubs, 'bin')}:${process.env.PATH}`,
			HOME: work,
			KLING_N8N_CACHE: path.join(work, 'cache'),
			KLING_N8N_VERSION: '1.123.81',
			STUB_NPM_LOG: npmLog,
		},
	});
	const npmCalls = readFileSync(npmLog, 'utf8').split('\n').filter(Boolean);
	return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr, npmCalls };
}

const cacheRoot = () => path.join(work, 'cache', 'n8n-1.123.81');

describe('install-n8n.sh: the runtime cache stamp', () => {
	it('installs into the cache and writes nothing into the clone, although npm rewrites the lockfile', () => {
		const a = clone('a');
		const before = snapshot(a);
		const result = install(a);

		expect(result.stderr).not.toMatch(/ERROR/);
		expect(result.status).toBe(0);
		expect(result.stdout).toBe(cacheRoot());
		expect(result.npmCalls[0]).toMatch(/^install /);
		expect(readFileSync(path.join(cacheRoot(), 'package-lock.json'), 'utf8')).toContain('rewrittenBy');
		expect(snapshot(a)).toEqual(before);
	});

	it('is keyed on the versions and the inputs as committed, so a second clone reuses the install', () => {
		const a = clone('a');
		expect(install(a).status).toBe(0);
		const committed = createHash('sha256')
			.update(Buffer.concat(INPUTS.map((input) => readFileSync(path.join(REPO, input)))))
			.digest('hex');
		expect(readFileSync(path.join(cacheRoot(), '.install-stamp'), 'utf8')).toBe(
			`script_version=1\nn8n_version=1.123.81\nnode_major=20\ninputs_sha256=${committed}\n`,
		);

		const b = clone('b');
		const again = install(b);
		expect(again.status).toBe(0);
		expect(again.stderr).toMatch(/stamp matches/);
		expect(again.npmCalls).toEqual([]);
		expect(install(a).npmCalls).toEqual([]);
	});

	it('installs again when an input changes', () => {
		expect(install(clone('a')).status).toBe(0);
		const b = clone('b');
		const pkg = path.join(b, INPUTS[0]);
		writeFileSync(pkg, readFileSync(pkg, 'utf8').replace('{', '{\n  "description": "a changed input",'));
		const result = install(b);
		expect(result.status).toBe(0);
		expect(result.npmCalls[0]).toMatch(/^install /);
	});
});
