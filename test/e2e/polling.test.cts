/**
 * Wait Until Done's promises about waiting, in a real n8n (`n8n execute` on a workflow imported with n8n's CLI,
 * against the simulator): at most Max Concurrent Tasks slots are taken on Kling at once (one per image); a task is first checked 3 s after
 * its create, then at growing intervals, and no more once it is seen final; a timed-out task keeps its slot for one
 * more Timeout and no longer; and downloads go to the binary fields the options name.
 */
import type { KlingSimulator } from '../simulator/index.cts';
import { CREATE, createEach } from './cases/elements.cts';
import { useSimulatedKling } from './helpers.cts';
import { chainWorkflow, KLING_NODE, nodeItems, type WorkflowJson } from './runtime/workflows.cts';

const kling = useSimulatedKling('polling');
let sim: KlingSimulator;
const run = (workflow: WorkflowJson) => kling.run(workflow);

beforeAll(() => {
	sim = kling.sim;
});

/** The most tasks that ran on Kling at one moment (a task runs from its create until its final status). */
function mostAtOnce(tasks: Array<{ createdAt: number; updatedAt: number }>): number {
	return Math.max(...tasks.map((task) => tasks.filter((other) => other.createdAt <= task.createdAt && task.createdAt < other.updatedAt).length));
}

describe('Wait Until Done in a real n8n: slots and cadence', () => {
	it('keeps at most Max Concurrent Tasks tasks running on Kling, and finishes every item', async () => {
		sim.options.timing = { submittedMs: 100, processingMs: 2_000 };
		const names = ['Mira', 'Fox', 'Owl', 'Bear', 'Lynx'];
		const result = await run(createEach(names, { maxConcurrentTasks: 2 }));

		expect(result.data?.resultData?.error).toBeUndefined();
		const tasks = sim.tasks('elements');
		expect(tasks.map((task) => task.body.element_name)).toEqual(names);
		expect(mostAtOnce(tasks)).toBe(2);
		expect(nodeItems(result, CREATE).map((item) => item.json.elementId)).toEqual(tasks.map((task) => task.outputId));
	});

	it("counts an image task's images as slots: with Max Concurrent Tasks 3, two tasks of two images never run at once", async () => {
		sim.options.timing = { submittedMs: 100, processingMs: 2_000 };
		const prompts = ['A lighthouse poster', 'A harbour poster', 'A dune poster'];
		const result = await run(
			chainWorkflow('Generate two images per prompt', [
				{ name: 'Prompts', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify({ items: prompts.map((prompt) => ({ prompt })) }), options: {} } },
				{ name: 'Split Out', type: 'n8n-nodes-base.splitOut', parameters: { fieldToSplitOut: 'items', options: {} } },
				{ name: 'Generate Images', type: KLING_NODE, parameters: { resource: 'image', operation: 'generate', prompt: '={{ $json.prompt }}', n: 2, options: { maxConcurrentTasks: 3 } } },
			]),
		);

		expect(result.data?.resultData?.error).toBeUndefined();
		const tasks = sim.tasks('generations');
		expect(tasks.map((task) => task.body.prompt)).toEqual(prompts);
		expect(mostAtOnce(tasks)).toBe(1);
		expect(nodeItems(result, 'Generate Images').map((item) => item.json.images.length)).toEqual([2, 2, 2]);
	});

	it('checks a task 3 s after its create, then each time half as long again, and not once it is seen finished', async () => {
		sim.options.timing = { submittedMs: 100, processingMs: 20_000 };
		const result = await run(createEach(['Mira'], {}));

		expect(result.data?.resultData?.error).toBeUndefined();
		const [task] = sim.tasks('elements');
		const [create] = sim.apiRequests({ method: 'POST' });
		const reads = sim.apiRequests({ method: 'GET' });
		expect(reads.map((read) => read.path)).toEqual(reads.map(() => `/v1/general/advanced-custom-elements/${task.taskId}`));
		// The node sets each next check from the start of the last one (tasks/poll.ts): 3 s, 4.5 s, 6.75 s, … Measured
		// here as the reads arrive, so one read's own delay on the way may shorten the next gap by that much.
		const arrivals = [create.receivedAt, ...reads.map((read) => read.receivedAt)];
		const gaps = arrivals.slice(1).map((at, index) => at - arrivals[index]);
		const scheduled = gaps.map((_, index) => 3_000 * 1.5 ** index);
		expect(gaps[0]).toBeGreaterThanOrEqual(3_000);
		expect(gaps.filter((gap, index) => gap < scheduled[index] - 250)).toEqual([]);
		// Only the last read came after Kling finished the task: it saw the result, and the node stopped checking.
		expect(reads.filter((read) => read.receivedAt >= task.updatedAt)).toEqual([reads[reads.length - 1]]);
		expect(nodeItems(result, CREATE).map((item) => item.json.elementId)).toEqual([task.outputId]);
	});

	it('keeps a timed-out task\'s slot for one more Timeout, then runs the next item in it, though the task never ends', async () => {
		sim.injectFault({ when: { product: 'elements', operation: 'create', bodyIncludes: '"Stuck"' }, fault: { kind: 'stuck' } });
		const result = await run(createEach(['Stuck', 'Next'], { maxConcurrentTasks: 1, timeoutMinutes: 0.1 }, { onError: 'continueRegularOutput' }));

		const [stuck, next] = sim.tasks('elements');
		expect([stuck.status, next.status]).toEqual(['processing', 'succeed']);
		expect(nodeItems(result, CREATE).map((item) => item.json)).toEqual([
			expect.objectContaining({ error: `Kling task ${stuck.taskId} is still processing after 0.1 minutes` }),
			expect.objectContaining({ taskId: next.taskId, elementId: next.outputId }),
		]);
		// Timeout is 6 s: the stuck task held the only slot for twice that from its create.
		expect(next.createdAt - stuck.createdAt).toBeGreaterThanOrEqual(12_000);
	});
});

describe('Downloads in a real n8n: binary field names', () => {
	it('stores the video under Binary Field Name and the images under Binary Field Prefix and their index', async () => {
		const result = await run(
			chainWorkflow('Make a video and images, downloaded to fields of our own', [
				{
					name: 'Image to Video',
					type: KLING_NODE,
					parameters: { resource: 'video', operation: 'imageToVideo', firstFrameUrl: 'https://example.com/start.png', prompt: 'The keeper waves', options: { download: true, binaryPropertyName: 'clip' } },
				},
				{ name: 'Generate Images', type: KLING_NODE, parameters: { resource: 'image', operation: 'generate', prompt: 'A lighthouse poster', n: 2, options: { download: true, binaryPropertyName: 'poster_' } } },
			]),
		);

		expect(result.data?.resultData?.error).toBeUndefined();
		const [video] = nodeItems(result, 'Image to Video');
		expect(Object.keys(video.binary ?? {})).toEqual(['clip']);
		expect(video.binary.clip).toMatchObject({ fileName: `kling-${video.json.videoId}.mp4`, mimeType: 'video/mp4' });
		const [images] = nodeItems(result, 'Generate Images');
		const [imageTask] = sim.tasks('generations');
		expect(images.binary).toEqual({
			poster_0: expect.objectContaining({ fileName: `kling-${imageTask.taskId}-0.png`, mimeType: 'image/png' }),
			poster_1: expect.objectContaining({ fileName: `kling-${imageTask.taskId}-1.png`, mimeType: 'image/png' }),
		});
	});
});
