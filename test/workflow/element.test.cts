import { createHmac } from 'node:crypto';

import { binaryFile, makeJpeg, makePng } from '../fixtures/images.cts';
import { chain, emptyItems, runWorkflow, sourceItems } from '../harness/workflow.cts';
import type { FaultRule } from '../simulator/index.cts';
import { apiKeyCredential, createMiraElement, keyPairCredential, klingNode, useSimulator } from './helpers.cts';

const ctx = useSimulator({ timing: { submittedMs: 20, processingMs: 40 } });

const createImageElement = (extra: Record<string, unknown> = {}) => createMiraElement({ tags: ['o_102'], ...extra });

/** Runs Create Element with its frontal image from the binary field "front" of one input item. */
const createWithBinaryFront = (front: ReturnType<typeof binaryFile>) =>
	runWorkflow({
		...chain(
			sourceItems([{ front }]),
			createImageElement({ frontalImageSource: 'binary', frontalImageBinaryProperty: 'front' }),
		),
		credentials: apiKeyCredential(ctx.sim),
	});

describe('Element → Create', () => {
	it('takes a name and description that an expression gives as a number (a SKU column) as their text', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({
			...chain(emptyItems(1), createMiraElement({ elementName: '={{ $json.index + 40125 }}', elementDescription: '={{ $json.index + 7 }}' })),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		expect(sim.apiRequests({ method: 'POST' })[0].body).toMatchObject({ element_name: '40125', element_description: '7' });
	});

	it('creates an element from image URLs and waits for its id, exact to the last digit', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(createImageElement()), credentials: apiKeyCredential(sim) });

		expect(result.error).toBeUndefined();
		const [item] = result.output('Create Element');
		const [task] = sim.tasks('elements');
		expect(typeof item.json.elementId).toBe('string');
		expect(item.json.elementId).toBe(task.outputId);
		expect(BigInt(item.json.elementId as string)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
		expect(item.json).toMatchObject({ elementName: 'Captain Mira', referenceType: 'image_refer', status: 'succeed', taskId: task.taskId, tags: ['o_102'] });
		expect(item.pairedItem).toEqual({ item: 0 });

		const [create] = sim.apiRequests({ method: 'POST' });
		expect(create.body).toMatchObject({
			element_name: 'Captain Mira',
			element_description: 'A tall woman in a red pilot jacket',
			reference_type: 'image_refer',
			element_image_list: {
				frontal_image: 'https://cdn.example.com/mira-front.png',
				refer_images: [{ image_url: 'https://cdn.example.com/mira-left.png' }, { image_url: 'https://cdn.example.com/mira-back.png' }],
			},
			tag_list: [{ tag_id: 'o_102' }],
		});
		// A unique external task id is always sent: it is how a create whose answer got lost is found again.
		expect((create.body as { external_task_id: string }).external_task_id).toMatch(/^n8n-/);
	});

	it('sends binary JPEG and PNG images as raw Base64', async () => {
		const { sim } = ctx;
		const front = makeJpeg(768, 1024);
		const side = makePng(600, 800);
		const result = await runWorkflow({
			...chain(
				sourceItems([{ front: binaryFile(front, 'front.jpg', 'image/jpeg'), side: binaryFile(side, 'side.png', 'image/png') }]),
				createImageElement({
					frontalImageSource: 'binary',
					frontalImageBinaryProperty: 'front',
					additionalImages: { image: [{ source: 'binary', binaryProperty: 'side' }] },
				}),
			),
			credentials: apiKeyCredential(sim),
		});

		expect(result.error).toBeUndefined();
		expect(result.output('Create Element')[0].json.elementId).toBe(sim.tasks('elements')[0].outputId);
		const [create] = sim.apiRequests({ method: 'POST' });
		const images = (create.body as { element_image_list: { frontal_image: string; refer_images: Array<{ image_url: string }> } }).element_image_list;
		expect(images.frontal_image).toBe(front.toString('base64'));
		expect(images.refer_images[0].image_url).toBe(side.toString('base64'));
	});

	it('sends a binary image again, whole, when Kling refused the token of the first try for its timing', async () => {
		const { sim } = ctx;
		const front = makePng(640, 960);
		sim.injectFault({ when: { operation: 'create' }, fault: { kind: 'error', code: 1004 } });
		const result = await createWithBinaryFront(binaryFile(front, 'front.png', 'image/png'));

		expect(result.error).toBeUndefined();
		const creates = sim.apiRequests({ method: 'POST' });
		expect(creates.map((create) => create.code)).toEqual([1004, 0]);
		for (const create of creates) {
			expect((create.body as { element_image_list: { frontal_image: string } }).element_image_list.frontal_image).toBe(front.toString('base64'));
		}
		expect(sim.createdTaskCount('elements')).toBe(1);
	});

	it('gives a binary upload time on top of the request timeout, so a slow answer is not taken for a lost one', async () => {
		const { sim } = ctx;
		// 70 s of Kling's time (1.4 s on the virtual clock): past the 60 s request timeout.
		const slowAnswer: FaultRule = { when: { operation: 'create' }, fault: { kind: 'delay', ms: 70_000 } };
		const lookupsOf = (externalTaskId: string) => sim.apiRequests({ method: 'GET' }).filter((request) => request.path.endsWith(externalTaskId));

		// Without images, the create is given up at 60 s and its task looked for by its external task id.
		sim.injectFault(slowAnswer);
		const plain = await runWorkflow({ ...chain(createImageElement()), credentials: apiKeyCredential(sim) });
		expect(plain.error).toBeUndefined();
		const [given] = sim.apiRequests({ method: 'POST' });
		expect(given.status).toBe(0);
		expect(lookupsOf((given.body as { external_task_id: string }).external_task_id)).toHaveLength(1);

		// 5.3 MB of Base64: about 42 s more than the 60 s timeout, at the slowest upload the transport allows for.
		sim.reset();
		sim.injectFault(slowAnswer);
		const result = await createWithBinaryFront(binaryFile(makeJpeg(768, 1024, 4_000_000), 'front.jpg', 'image/jpeg'));
		expect(result.error).toBeUndefined();
		const creates = sim.apiRequests({ method: 'POST' });
		expect(creates).toHaveLength(1);
		// Answered while the node still listened: no lookup by external task id was needed.
		expect(creates[0].fault?.answered).toBe(true);
		expect(creates[0].status).toBe(200);
		expect(lookupsOf((creates[0].body as { external_task_id: string }).external_task_id)).toEqual([]);
	});

	it("sends a phone's JPEG that goes on after its end marker (a Motion Photo's video), whole", async () => {
		const { sim } = ctx;
		const front = Buffer.concat([makeJpeg(768, 1024, 300_000), Buffer.from('MotionPhoto_Data'), Buffer.alloc(200_000, 0x42)]);
		const result = await createWithBinaryFront(binaryFile(front, 'front.jpg', 'image/jpeg'));

		expect(result.error).toBeUndefined();
		const [create] = sim.apiRequests({ method: 'POST' });
		expect((create.body as { element_image_list: { frontal_image: string } }).element_image_list.frontal_image).toBe(front.toString('base64'));
	});

	it("finds a binary image where the workflow's binary mode keeps it: in the item's JSON when it is combined", async () => {
		const { sim } = ctx;
		const front = makePng(640, 640);
		const result = await runWorkflow({
			...chain(
				sourceItems([{ front: binaryFile(front, 'front.png', 'image/png') }]),
				// n8n moves the file to `_files.front` of the item's JSON, and the user names that path.
				createImageElement({ frontalImageSource: 'binary', frontalImageBinaryProperty: '_files.front' }),
			),
			credentials: apiKeyCredential(sim),
			settings: { binaryMode: 'combined' },
		});

		expect(result.error).toBeUndefined();
		const [create] = sim.apiRequests({ method: 'POST' });
		expect((create.body as { element_image_list: { frontal_image: string } }).element_image_list.frontal_image).toBe(front.toString('base64'));
	});

	it.each([
		['a comma-separated list of names and ids', '={{ "Character, o_103" }}', ['o_102', 'o_103']],
		['an array, names in any case, each tag once', '={{ ["animal", "Character", "o_102"] }}', ['o_103', 'o_102']],
	])('takes the tags from an expression: %s', async (_title, tags, ids) => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(createImageElement({ tags })), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		expect((sim.apiRequests({ method: 'POST' })[0].body as { tag_list: unknown }).tag_list).toEqual(ids.map((id) => ({ tag_id: id })));
	});

	it('creates a video element from one video URL', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({
			...chain(
				klingNode('Create Element', {
					resource: 'element',
					operation: 'create',
					elementName: 'Host',
					elementDescription: 'Presenter talking to camera',
					referenceType: 'video_refer',
					videoUrl: 'https://cdn.example.com/host.mp4',
				}),
			),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		expect(result.output('Create Element')[0].json).toMatchObject({ referenceType: 'video_refer', elementId: sim.tasks('elements')[0].outputId });
		const [create] = sim.apiRequests({ method: 'POST' });
		expect(create.body).toMatchObject({ reference_type: 'video_refer', element_video_list: { refer_videos: [{ video_url: 'https://cdn.example.com/host.mp4' }] } });
		expect(create.body).not.toHaveProperty('element_image_list');
	});

	it('returns the task at once, and Get Creation Task reads it through an expression', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({
			...chain(
				createImageElement({ options: { completion: 'returnTask' } }),
				klingNode('Get Creation Task', { resource: 'element', operation: 'getTask', taskId: '={{ $json.taskId }}' }),
			),
			credentials: keyPairCredential(sim),
		});
		expect(result.error).toBeUndefined();
		const [task] = result.output('Create Element');
		expect(task.json).toMatchObject({ taskId: sim.tasks('elements')[0].taskId, status: 'submitted' });
		expect(task.json.externalTaskId).toMatch(/^n8n-/);
		expect(task.json).not.toHaveProperty('elementId');
		const [got] = result.output('Get Creation Task');
		expect(got.json).toMatchObject({ taskId: task.json.taskId, externalTaskId: task.json.externalTaskId });
		expect(sim.apiRequests({ method: 'GET' }).map((request) => request.path)).toEqual([`/v1/general/advanced-custom-elements/${task.json.taskId}`]);
	});

	it('reads the creation task by external task id once it is done', async () => {
		const { sim } = ctx;
		const created = await runWorkflow({ ...chain(createImageElement({ options: { externalTaskId: 'campaign-7-mira' } })), credentials: apiKeyCredential(sim) });
		expect(created.error).toBeUndefined();
		const result = await runWorkflow({
			...chain(klingNode('Get Creation Task', { resource: 'element', operation: 'getTask', taskId: 'campaign-7-mira' })),
			credentials: apiKeyCredential(sim),
		});
		expect(result.output('Get Creation Task')[0].json).toMatchObject({
			elementId: created.output('Create Element')[0].json.elementId,
			externalTaskId: 'campaign-7-mira',
			status: 'succeed',
		});
	});

	it('signs a fresh JWT for every request in key-pair mode', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(createImageElement()), credentials: keyPairCredential(sim) });
		expect(result.error).toBeUndefined();
		const requests = sim.apiRequests();
		expect(requests.length).toBeGreaterThanOrEqual(2);
		for (const request of requests) {
			const token = String(request.headers.authorization).replace(/^Bearer /, '');
			const [header, payload, signature] = token.split('.');
			expect(createHmac('sha256', 'test-secret-key').update(`${header}.${payload}`).digest('base64url')).toBe(signature);
			const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
			expect(claims.iss).toBe('test-access-key');
			expect(claims.exp - claims.nbf).toBe(1805);
		}
	});

	it('fails with a clear message when the key is wrong', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(createImageElement()), credentials: apiKeyCredential(sim, 'not-a-key') });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/Authentication failed/);
		expect(result.error?.description).toMatch(/region/);
		expect(result.error?.description).toMatch(/Kling code 1002/);
		expect(sim.createdTaskCount()).toBe(0);
	});

	it("fails with Kling's reason when the task fails, or outputs it with Continue On Fail", async () => {
		const { sim } = ctx;
		const failing = createImageElement({ elementDescription: 'Two different people [fail]' });
		const stopped = await runWorkflow({ ...chain(failing), credentials: apiKeyCredential(sim) });
		expect(stopped.status).toBe('error');
		expect(stopped.error?.message).toMatch(/Kling could not create the element: .*different subjects/);
		expect(stopped.error?.description).toContain(sim.tasks('elements')[0].taskId);

		const continued = await runWorkflow({ ...chain({ ...failing, continueOnFail: true }), credentials: apiKeyCredential(sim) });
		expect(continued.status).toBe('success');
		const [item] = continued.output('Create Element');
		expect(item.json.error).toMatch(/different subjects/);
		expect(item.json.taskId).toBe(sim.tasks('elements')[1].taskId);
	});

	it('works through a relay base URL with a path prefix and a trailing slash', async () => {
		const { startSimulator } = await import('../simulator/index.cts');
		const relay = await startSimulator({ pathPrefix: '/kling', timing: { submittedMs: 10, processingMs: 10 } });
		try {
			const result = await runWorkflow({ ...chain(createImageElement()), credentials: keyPairCredential(relay) });
			expect(result.error).toBeUndefined();
			expect(result.output('Create Element')[0].json.elementId).toBe(relay.tasks('elements')[0].outputId);
			expect(relay.apiRequests()[0].path).toBe('/kling/v1/general/advanced-custom-elements');
		} finally {
			await relay.close();
		}
	});

	it('reports a 1201 naming external_task_id, for an ID an earlier run used, as a probable duplicate', async () => {
		const { sim } = ctx;
		const create = { ...createImageElement({ options: { externalTaskId: 'campaign-7' } }), continueOnFail: true };
		const first = await runWorkflow({ ...chain(create), credentials: apiKeyCredential(sim) });
		const again = await runWorkflow({ ...chain(create), credentials: apiKeyCredential(sim) });
		expect(first.output('Create Element')[0].json.elementId).toBe(sim.tasks('elements')[0].outputId);
		expect(JSON.stringify(again.output('Create Element')[0].json)).toContain('Probably a duplicate: this external task ID was used before');
		expect(sim.createdTaskCount('elements')).toBe(1);
	});

	it('refuses the same External Task ID on two items of a run before sending anything for the second', async () => {
		const { sim } = ctx;
		const twice = { ...createImageElement({ options: { externalTaskId: 'campaign-7' } }), continueOnFail: true };
		const result = await runWorkflow({ ...chain(emptyItems(2), twice), credentials: apiKeyCredential(sim) });
		const [first, second] = result.output('Create Element');
		expect(first.json.elementId).toBe(sim.tasks('elements')[0].outputId);
		expect(second.json.error).toBe('Options → External Task ID "campaign-7" is item 0\'s too: Kling takes each external task ID once');
		expect(sim.apiRequests({ method: 'POST' })).toHaveLength(1);
	});
});
