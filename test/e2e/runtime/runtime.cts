/**
 * Locates (installing when needed) the real-n8n runtime, in a cache outside the clone: n8n 2.41.1 on Node 24 by
 * default, or the one KLING_N8N_VERSION names (1.123.81: latest n8n 1.x on the machine's Node 20).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const PACKAGE_NAME = 'n8n-nodes-kling-elements';

export interface Runtime {
	/** The cache folder install-n8n.sh printed. */
	home: string;
	/** The runtime's Node bin folder: first on PATH for everything n8n runs. */
	nodeBinDir: string;
	node: string;
	/** n8n's CLI entry script (run with `node`, so no shebang lookup picks another Node). */
	n8nBin: string;
	/** The installed n8n's version, e.g. "2.41.1" or "1.123.81". */
	n8nVersion: string;
}

/** n8n's major version, for the few places where 1.x and 2.x differ. */
export function n8nMajor(runtime: Pick<Runtime, 'n8nVersion'>): number {
	return Number(runtime.n8nVersion.split('.')[0]);
}

function runtimeAt(home: string): Runtime {
	// 2.x: Node 24 from the npm `node` package; 1.x: a link to the machine's Node in <home>/bin.
	const ownNode = path.join(home, 'node_modules', 'node', 'bin');
	const nodeBinDir = existsSync(path.join(ownNode, 'node')) ? ownNode : path.join(home, 'bin');
	const n8nDir = path.join(home, 'node_modules', 'n8n');
	const n8nVersion = (JSON.parse(readFileSync(path.join(n8nDir, 'package.json'), 'utf8')) as { version: string }).version;
	return { home, nodeBinDir, node: path.join(nodeBinDir, 'node'), n8nBin: path.join(n8nDir, 'bin', 'n8n'), n8nVersion };
}

/**
 * Runs test/e2e/install-n8n.sh (instant when its stamp matches, minutes when cold). Its progress goes to our
 * stderr; its only stdout line is the runtime's folder.
 */
export async function ensureRuntime(): Promise<Runtime> {
	const script = path.join(REPO_ROOT, 'test', 'e2e', 'install-n8n.sh');
	const home = await new Promise<string>((resolve, reject) => {
		const child = spawn('bash', [script], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
		let out = '';
		child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
		child.once('error', reject);
		child.once('exit', (code) => {
			const lines = out.trim().split('\n');
			if (code === 0 && lines.length > 0) resolve(lines[lines.length - 1].trim());
			else reject(new Error(`install-n8n.sh failed with exit code ${code}`));
		});
	});
	const runtime = runtimeAt(home);
	for (const file of [runtime.node, runtime.n8nBin]) {
		if (!existsSync(file)) throw new Error(`install-n8n.sh reported ${home}, but ${file} is missing`);
	}
	return runtime;
}
