/**
 * jest globalSetup of the e2e project: makes sure the n8n runtime is installed (minutes on a cold machine, instant
 * afterwards) and packs the built package once; test files read both from the environment.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { packPackage } from './runtime/pack.cts';
import { ensureRuntime } from './runtime/runtime.cts';

export default async function globalSetup(): Promise<void> {
	// The e2e and e2e-queue projects share this setup: when jest runs both, the second finds it done.
	if (process.env.KLING_E2E_TARBALL && existsSync(process.env.KLING_E2E_TARBALL)) return;
	const runtime = await ensureRuntime();
	const tarball = await packPackage(mkdtempSync(path.join(tmpdir(), 'kling-e2e-pack-')));
	process.env.KLING_E2E_RUNTIME = JSON.stringify(runtime);
	process.env.KLING_E2E_TARBALL = tarball;
}
