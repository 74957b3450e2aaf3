import { chain, runWorkflow } from '../harness/workflow';
import { apiKeyCredential, klingNode, useSimulator } from './helpers';
import { imageToVideoNode } from './videoHelpers';

const ctx = useSimulator({ timing: { submittedMs: 20, processingMs: 40 } });

describe('Video → Get', () => {
	it('returns a running task as it is, and the finished video with its binary once done', async () => {
		const { sim } = ctx;
		const created = await runWorkflow({ ...chain(imageToVideoNode({ completion: 'returnTask' })), credentials: apiKeyCredential(sim) });
		const taskId = created.output('Image to Video')[0].json.taskId as string;
		const get = (name: string) =>
			runWorkflow({
				...chain(klingNode(name, { resource: 'video', operation: 'get', kind: 'imageToVideo', taskId, downloadVideo: true, binaryPropertyName: 'video' })),
				credentials: apiKeyCredential(sim),
			});
		const early = await get('Get Early');
		expect(early.output('Get Early')[0].json).toMatchObject({ taskId, status: expect.stringMatching(/^(submitted|processing)$/) });
		expect(early.output('Get Early')[0].binary).toBeUndefined();

		await sim.idle();
		const done = await get('Get Done');
		const [item] = done.output('Get Done');
		expect(item.json).toMatchObject({ taskId, status: 'succeed', videoId: expect.any(String) });
		expect(item.binary?.video.fileName).toBe(`kling-${item.json.videoId}.mp4`);
		expect(sim.requests.at(-1)?.path).toMatch(/^\/files\/.*\.mp4$/);
		// Media URLs are public: the download carries no credentials.
		expect(sim.requests.at(-1)?.headers.authorization).toBeUndefined();
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
