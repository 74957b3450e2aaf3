/** jest globalTeardown of the e2e project: removes the folder globalSetup packed the tarball into. */
import { rmSync } from 'node:fs';
import path from 'node:path';

export default async function globalTeardown(): Promise<void> {
	const tarball = process.env.KLING_E2E_TARBALL;
	if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
}
