/**
 * tasks/runKey.ts: the digests external task ids are made of. A second try of a run (n8n's Retry On Fail, same
 * process) gets the same digests however much else ran meanwhile; another run, or another tool call, gets others.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { runDigest } from '../../../nodes/Kling/tasks/runKey';

const PATH = '0:/v1/videos/omni-video';

const contextOf = (executionId: string, { runIndex = 0, type = 'n8n-nodes-kling-elements.kling' } = {}) =>
	({
		getNode: () => ({ id: 'node-1', name: 'Create Video', type }),
		getExecutionId: () => executionId,
		getWorkflowDataProxy: () => ({ $runIndex: runIndex }),
	}) as unknown as IExecuteFunctions;

it('gives a second try of a run the same digest, however many other runs the process made meanwhile', () => {
	const firstTry = runDigest(contextOf('100'), PATH, 12);
	// A first try may poll for its whole Timeout while the instance runs the node in many other executions.
	for (let n = 0; n < 5000; n++) runDigest(contextOf(`other-${n}`), PATH, 12);
	expect(runDigest(contextOf('100'), PATH, 12)).toBe(firstTry);
});

it('gives another execution, another run of the node in a loop, or another item a digest of its own', () => {
	const digests = [runDigest(contextOf('100'), PATH, 12), runDigest(contextOf('101'), PATH, 12), runDigest(contextOf('100', { runIndex: 1 }), PATH, 12), runDigest(contextOf('100'), `1${PATH.slice(1)}`, 12)];
	expect(new Set(digests).size).toBe(4);
});

it('gives each tool call a digest of its own, also with the same execution and run index, and keeps it for that call', () => {
	const tool = { type: 'n8n-nodes-kling-elements.klingTool' };
	const [first, second] = [contextOf('100', tool), contextOf('100', tool)];
	expect(runDigest(first, PATH, 12)).not.toBe(runDigest(second, PATH, 12));
	expect(runDigest(first, PATH, 12)).toBe(runDigest(first, PATH, 12));
});
