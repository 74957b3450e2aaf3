import { chain, runWorkflow } from '../harness/workflow.cts';
import { apiKeyCredential, klingNode, useSimulator } from './helpers.cts';
import { imageToVideoNode } from './videoHelpers.cts';

const ctx = useSimulator({ timing: { submittedMs: 20, processingMs: 40 } });

/** Waits on simulator state, not on the clock. */
async function until(condition: () => boolean) {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('Video → Get', () => {
	it('returns a running task as it is, and the finished video with its binary once done', async () => {
		const { sim } = ctx;
		const create = async () => {
			const created = await runWorkflow({ ...chain(imageToVideoNode({ options: { completion: 'returnTask' } })), credentials: apiKeyCredential(sim) });
			return created.output('Image to Video')[0].json.taskId as string;
		};
		const get = (name: string, taskId: string) =>
			runWorkflow({
				...chain(klingNode(name, { resource: 'video', operation: 'get', kind: 'imageToVideo', taskId, options: { download: true, binaryPropertyName: 'video' } })),
				credentials: apiKeyCredential(sim),
			});
		// A task that is certainly still running when it is read: it takes an hour (of virtual time, which nothing waits out).
		sim.options.timing = { submittedMs: 20, processingMs: 3_600_000 };
		const running = await create();
		const early = await get('Get Early', running);
		expect(early.output('Get Early')[0].json).toMatchObject({ taskId: running, status: expect.stringMatching(/^(submitted|processing)$/) });
		expect(early.output('Get Early')[0].binary).toBeUndefined();

		sim.options.timing = { submittedMs: 20, processingMs: 40 };
		const taskId = await create();
		await until(() => sim.tasks().find((task) => task.taskId === taskId)?.status === 'succeed');
		const done = await get('Get Done', taskId);
		const [item] = done.output('Get Done');
		expect(item.json).toMatchObject({ taskId, status: 'succeed', videoId: expect.any(String) });
		expect(item.binary?.video.fileName).toBe(`kling-${item.json.videoId}.mp4`);
		expect(sim.requests.at(-1)?.path).toMatch(/^\/files\/.*\.mp4$/);
		// Media URLs are public: the download carries no credentials.
		expect(sim.requests.at(-1)?.headers.authorization).toBeUndefined();
	});

	it.each([
		['the download of the video stops half way', 'cutFile', 'it did not arrive whole or could not be stored (aborted)'],
		['a page comes instead of the video (200, text/html)', 'pageInsteadOfFile', 'the server sent text/html, not the file'],
		['an empty body comes instead of the video (200, Content-Length: 0)', 'emptyFile', 'the server sent an empty file'],
		['an empty body comes instead of the video (200, chunked, no bytes)', 'emptyChunkedFile', 'the server sent an empty file'],
	] as const)('fails the item, with no binary passed on, when %s', async (_when, kind, reason) => {
		const { sim } = ctx;
		const created = await runWorkflow({ ...chain(imageToVideoNode({ options: { completion: 'returnTask' } })), credentials: apiKeyCredential(sim) });
		const taskId = created.output('Image to Video')[0].json.taskId as string;
		await until(() => sim.tasks().find((task) => task.taskId === taskId)?.status === 'succeed');
		sim.injectFault({ when: { pathIncludes: '/files/' }, fault: { kind } });
		const result = await runWorkflow({
			...chain(klingNode('Get Video', { resource: 'video', operation: 'get', kind: 'imageToVideo', taskId, options: { download: true } })),
			credentials: apiKeyCredential(sim),
		});
		expect(sim.faultLog.map((fault) => fault.kind)).toEqual([kind]);
		expect(result.error?.message).toBe(`Could not download the file from Kling: ${reason}`);
		expect(result.output('Get Video')).toEqual([]);
	});

	it('says which list it looked in when the kind is wrong', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({
			...chain(klingNode('Get Video', { resource: 'video', operation: 'get', kind: 'motionControl', taskId: '123' })),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error?.message).toMatch(/no motion control task with ID "123"/);
	});
});
