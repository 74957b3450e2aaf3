/** Packs the built package exactly as `npm publish` would, and unpacks it, once per test file. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { PACKAGE_ROOT } from '../harness/workflow.cts';

export interface PackedPackage {
	tarball: string;
	/** The unpacked tarball's `package/` folder. */
	dir: string;
	/** Paths inside the tarball, relative to `package/`, sorted. */
	files: string[];
	size: number;
	unpackedSize: number;
}

export function packPackage(): PackedPackage {
	const out = mkdtempSync(path.join(tmpdir(), 'kling-pack-'));
	const [report] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: PACKAGE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
	) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>;
	const tarball = path.join(out, report.filename);
	execFileSync('tar', ['-xzf', tarball, '-C', out]);
	return {
		tarball,
		dir: path.join(out, 'package'),
		files: report.files.map((file) => file.path).sort(),
		size: report.size,
		unpackedSize: report.unpackedSize,
	};
}

export const listFiles = (dir: string): string[] => readdirSync(dir, { recursive: true }).map(String);
