/**
 * The package as a user gets it: `npm pack` makes the tarball that npm would publish, and installTarball puts it
 * into an n8n user folder the way n8n's community-package installer does (CommunityPackagesService.downloadPackage
 * in n8n 2.41): unpack into <user>/.n8n/nodes/node_modules/<name>, drop dev/peer/optional dependencies from its
 * package.json, install only `dependencies`, and list the package in nodes/package.json. Nothing else from the
 * clone is visible to n8n: zod and n8n-workflow resolve from n8n's own node_modules at run time.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { PACKAGE_NAME, REPO_ROOT } from './runtime.cts';

const run = promisify(execFile);

/** Packs the built package (run `npm run build` first) into `destDir`; returns the tarball's path. */
export async function packPackage(destDir: string): Promise<string> {
	const built = path.join(REPO_ROOT, 'dist', 'nodes', 'Kling', 'Kling.node.js');
	if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
	mkdirSync(destDir, { recursive: true });
	const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destDir], {
		cwd: REPO_ROOT,
		maxBuffer: 16 * 1024 * 1024,
	});
	const [info] = JSON.parse(stdout) as Array<{ filename: string }>;
	return path.join(destDir, info.filename);
}

export function nodesFolder(userFolder: string): string {
	return path.join(userFolder, '.n8n', 'nodes');
}

/** Installs the tarball into the user folder as a community package; returns the installed package.json. */
export async function installTarball(tarball: string, userFolder: string): Promise<{ name: string; version: string }> {
	const nodesDir = nodesFolder(userFolder);
	const packageDir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	rmSync(packageDir, { recursive: true, force: true });
	mkdirSync(packageDir, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);

	const manifestPath = path.join(packageDir, 'package.json');
	const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown> & { name: string; version: string };
	const { devDependencies, peerDependencies, optionalDependencies, ...kept } = manifest;
	void devDependencies, void peerDependencies, void optionalDependencies;
	writeFileSync(manifestPath, JSON.stringify(kept, null, 2));
	if (Object.keys((kept.dependencies as object | undefined) ?? {}).length > 0) {
		await run(
			'npm',
			['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false'],
			{ cwd: packageDir },
		);
	}
	// n8n's ledger of installed packages; others the user installed from the editor (npm start) are kept.
	const ledgerPath = path.join(nodesDir, 'package.json');
	type Ledger = { name: string; private: boolean; dependencies?: Record<string, string> };
	const ledger: Ledger = existsSync(ledgerPath) ? JSON.parse(readFileSync(ledgerPath, 'utf8')) : { name: 'installed-nodes', private: true };
	ledger.dependencies = { ...ledger.dependencies, [manifest.name]: manifest.version };
	writeFileSync(ledgerPath, JSON.stringify(ledger, null, 2));
	return { name: manifest.name, version: manifest.version };
}
