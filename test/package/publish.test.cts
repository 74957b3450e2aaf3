/**
 * What n8n's verification sees: the tarball `npm pack` makes, linted the way `@n8n/scan-community-package`
 * lints a published package (its own `analyzePackage`, with the community-node rules including the n8n Cloud
 * ones), plus the source folders the scanner lints from the provenance checkout, and the node CLI's own verdict on
 * n8n Cloud eligibility.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { packPackage, type PackedPackage } from './tarball.cts';
import { PACKAGE_ROOT } from '../harness/workflow.cts';

function scan(dir: string, which: 'tarball' | 'sources'): { passed: boolean; message: string | null; details: string | null } {
	// Not NODE_ENV=test (set by jest): eslint-plugin-n8n-nodes-base then fakes every file name for its own tests.
	const env = { ...process.env, NODE_ENV: 'production' };
	const output = execFileSync(process.execPath, [path.join(__dirname, 'scan.mjs'), dir, which], { cwd: PACKAGE_ROOT, encoding: 'utf8', env });
	return JSON.parse(output);
}

let packed: PackedPackage;

beforeAll(() => {
	packed = packPackage();
});

describe('the published tarball', () => {
	it('holds the built package, README, LICENSE, CHANGELOG and package.json, and nothing else', () => {
		const unexpected = packed.files.filter(
			(file) => !file.startsWith('dist/') && !['README.md', 'LICENSE', 'CHANGELOG.md', 'package.json'].includes(file),
		);
		expect(unexpected).toEqual([]);
		expect(packed.files).toEqual(expect.arrayContaining([
			'dist/nodes/Kling/Kling.node.js',
			'dist/nodes/Kling/Kling.node.json',
			'dist/nodes/KlingTrigger/KlingTrigger.node.js',
			'dist/credentials/KlingApi.credentials.js',
			'dist/icons/kling.svg',
			'dist/icons/kling.dark.svg',
		]));
		// No tests, simulator, scripts or source maps ship.
		expect(packed.files.filter((file) => /(^|\/)test\/|simulator|\.map$|\.ts$(?<!\.d\.ts)/.test(file))).toEqual([]);
		process.stdout.write(`PACKED_SIZE ${packed.files.length} files, ${(packed.size / 1024).toFixed(1)} kB packed, ${(packed.unpackedSize / 1024).toFixed(1)} kB unpacked\n`);
	});

	it('passes the verification scanner on the shipped JavaScript and package.json', () => {
		const result = scan(packed.dir, 'tarball');
		expect(result.details ?? result.message ?? '').toBe('');
		expect(result.passed).toBe(true);
	});

	it('passes the verification scanner on the sources', () => {
		const result = scan(PACKAGE_ROOT, 'sources');
		expect(result.details ?? result.message ?? '').toBe('');
		expect(result.passed).toBe(true);
	});

	it('has no runtime dependencies and only n8n-workflow as a peer', () => {
		const manifest = require(`${packed.dir}/package.json`) as Record<string, Record<string, string> | undefined>;
		expect(manifest.dependencies ?? {}).toEqual({});
		expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(manifest.license).toBe('MIT');
	});
});

describe('the sources', () => {
	it('are eligible for n8n Cloud verification by the node CLI: strict mode with the default ESLint config', () => {
		const output = execFileSync(process.execPath, [path.join(PACKAGE_ROOT, 'node_modules/@n8n/node-cli/bin/n8n-node.mjs'), 'cloud-support'], {
			cwd: PACKAGE_ROOT,
			encoding: 'utf8',
			env: { ...process.env, NO_COLOR: '1' },
		});
		expect(output).toContain('Cloud support is ENABLED');
		expect(output).toContain('eligible for n8n Cloud verification');
	});
});
