/** Locates (installing when needed) the real-n8n runtime: n8n 2.41.1 on Node 24, in a cache outside the clone. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const PACKAGE_NAME = 'n8n-nodes-kling-elements';

export interface Runtime {
	/** The cache folder install-n8n.sh printed. */
	home: string;
	/** Node 24's bin folder: first on PATH for everything n8n runs. */
	nodeBinDir: string;
	node: string;
	/** n8n's CLI entry script (run with `node`, so no shebang lookup picks another Node). */
	n8nBin: string;
}

function runtimeAt(home: string): Runtime {
	const nodeBinDir = path.join(home, 'node_modules', 'node', 'bin');
	return { home, nodeBinDir, node: path.join(nodeBinDir, 'node'), n8nBin: path.join(home, 'node_modules', 'n8n', 'bin', 'n8n') };
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
