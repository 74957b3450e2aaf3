/**
 * Figures for the README come from the test run, not from hand: suites record what they tried here and
 * `npm run figures` (test/tools/figures.cts) turns test-results/ into the README's tables.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { PACKAGE_ROOT } from './workflow.cts';

export const RESULTS_DIR = path.join(PACKAGE_ROOT, 'test-results');

export interface BadInputRecord {
	operation: string;
	input: string;
	/** Requests the simulator received for it (creates and anything else). */
	requests: number;
	/** Creates among them: what would have cost credits. */
	creates: number;
}

/** Collects the bad inputs a test file tried and writes them when the file is done. */
export function badInputRecorder(fileLabel: string) {
	const records: BadInputRecord[] = [];
	afterAll(() => {
		const dir = path.join(RESULTS_DIR, 'bad-input');
		mkdirSync(dir, { recursive: true });
		writeFileSync(path.join(dir, `${fileLabel}.json`), JSON.stringify(records, null, 1));
	});
	return (record: BadInputRecord) => records.push(record);
}
