/** What every e2e test file shares: a real n8n of its own (fresh user folder, free port) for the whole file. */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { launchInstance, type Instance } from './runtime/instance.cts';
import { REPO_ROOT, type Runtime } from './runtime/runtime.cts';
import { freePort } from './runtime/wait.cts';

/** The runtime and tarball that globalSetup prepared. */
export function prepared(): { runtime: Runtime; tarball: string } {
	const runtime = process.env.KLING_E2E_RUNTIME;
	const tarball = process.env.KLING_E2E_TARBALL;
	if (!runtime || !tarball) throw new Error('Run the e2e tests through jest (npx jest --selectProjects e2e): globalSetup prepares n8n');
	return { runtime: JSON.parse(runtime) as Runtime, tarball };
}

/**
 * Launches n8n before the file's tests and stops it afterwards. n8n's log is copied to
 * test-results/e2e/<name>.log either way.
 */
export function useN8n(name: string): { readonly instance: Instance } {
	const holder = {} as { instance: Instance };
	let userFolder = '';
	beforeAll(async () => {
		userFolder = mkdtempSync(path.join(tmpdir(), `kling-e2e-${name}-`));
		holder.instance = await launchInstance({ ...prepared(), userFolder, port: await freePort() });
	});
	afterAll(async () => {
		await holder.instance?.stop();
		if (!userFolder) return;
		const logDir = path.join(REPO_ROOT, 'test-results', 'e2e');
		mkdirSync(logDir, { recursive: true });
		try {
			copyFileSync(path.join(userFolder, 'n8n.log'), path.join(logDir, `${name}.log`));
		} catch {
			// n8n never started: launchInstance's error has the log tail
		}
		rmSync(userFolder, { recursive: true, force: true });
	});
	return holder;
}
