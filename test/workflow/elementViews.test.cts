import { binaryFile, makeJpeg } from '../fixtures/images.cts';
import { chain, emptyItems, runWorkflow, sourceItems } from '../harness/workflow.cts';
import { apiKeyCredential, imageUrls, klingNode, useSimulator } from './helpers.cts';

const ctx = useSimulator({ timing: { submittedMs: 20, processingMs: 40 } });

const FRONT = 'https://cdn.example.com/mira-front.png';

const createWithViews = (extra: Record<string, unknown> = {}) =>
	klingNode('Create Element', {
		resource: 'element',
		operation: 'create',
		elementName: 'Captain Mira',
		elementDescription: 'A tall woman in a red pilot jacket',
		referenceType: 'image_refer',
		frontalImageSource: 'url',
		frontalImageUrl: FRONT,
		generateViews: true,
		...extra,
	});

describe('Element → Generate Views', () => {
	it('outputs the three candidate sets of views', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({
			...chain(klingNode('Views', { resource: 'element', operation: 'generateViews', frontalImageSource: 'url', frontalImageUrl: FRONT })),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		expect(sim.apiRequests({ method: 'POST' })[0].body).toEqual({ element_frontal_image: FRONT, external_task_id: expect.stringMatching(/^n8n-/) });
		const { json } = result.output('Views')[0];
		expect(json.images).toEqual([0, 1, 2].map((index) => ({ index, url_1: expect.any(String), url_2: expect.any(String), url_3: expect.any(String) })));
		expect((json.views as string[][])[0]).toHaveLength(3);
		expect(json).toMatchObject({ taskId: sim.tasks('ai-multi-shot')[0].taskId, status: 'succeed' });
	});

	it('sends a binary frontal image as raw Base64', async () => {
		const { sim } = ctx;
		const front = makeJpeg(600, 900);
		const result = await runWorkflow({
			...chain(
				sourceItems([{ data: binaryFile(front, 'front.jpg', 'image/jpeg') }]),
				klingNode('Views', { resource: 'element', operation: 'generateViews', frontalImageSource: 'binary' }),
			),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		expect((sim.apiRequests({ method: 'POST' })[0].body as Record<string, unknown>).element_frontal_image).toBe(front.toString('base64'));
	});
});

describe('Element → Get Generated Views', () => {
	it('reads a Generate Views task that was returned at once, by task ID and by external task ID', async () => {
		const { sim } = ctx;
		const started = await runWorkflow({
			...chain(klingNode('Views', { resource: 'element', operation: 'generateViews', frontalImageSource: 'url', frontalImageUrl: FRONT, options: { completion: 'returnTask', externalTaskId: 'mira-views' } })),
			credentials: apiKeyCredential(sim),
		});
		const { taskId } = started.output('Views')[0].json;
		await sim.idle();
		for (const id of [taskId, 'mira-views']) {
			const result = await runWorkflow({ ...chain(klingNode('Get Views', { resource: 'element', operation: 'getViews', taskId: id })), credentials: apiKeyCredential(sim) });
			expect(result.error).toBeUndefined();
			const { json } = result.output('Get Views')[0];
			expect(json).toMatchObject({ taskId, status: 'succeed', externalTaskId: 'mira-views' });
			expect(json.views).toHaveLength(3);
		}
	});
});

describe('Element → Create with Generate Additional Views', () => {
	it('draws the views first and uses the first candidate set as the additional images', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(createWithViews()), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		const posts = sim.apiRequests({ method: 'POST' });
		expect(posts.map((request) => request.path)).toEqual(['/v1/general/ai-multi-shot', '/v1/general/advanced-custom-elements']);
		const views = await viewsOf(sim.tasks('ai-multi-shot')[0].taskId);
		expect(posts[1].body).toMatchObject({
			element_image_list: { frontal_image: FRONT, refer_images: [{ image_url: views.url_1 }, { image_url: views.url_2 }, { image_url: views.url_3 }] },
		});
		expect(result.output('Create Element')[0].json.elementId).toBe(sim.tasks('elements')[0].outputId);
	});

	it('uses the given additional images and draws nothing when there are some', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(createWithViews({ additionalImages: imageUrls.additionalImages })), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		expect(sim.createdTaskCount('ai-multi-shot')).toBe(0);
	});

	it('checks the rest of the element before paying for views', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(createWithViews({ elementName: 'A name that is far too long' })), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toMatch(/Name must be at most 20 characters/);
		expect(sim.requests).toHaveLength(0);
	});

	it("checks every item before paying for any item's views", async () => {
		const { sim } = ctx;
		const elementName = '={{ $itemIndex === 1 ? "A name that is far too long" : "Captain Mira" }}';
		const result = await runWorkflow({ ...chain(emptyItems(2), createWithViews({ elementName })), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toMatch(/Name must be at most 20 characters/);
		expect(sim.requests).toHaveLength(0);
	});

	it("names the views paid for when the element fails, its own and the other items'", async () => {
		const { sim } = ctx;
		sim.failTaskWhen((product, body) => (product === 'advanced-custom-elements' && body.element_name === 'Broken' ? 'Face not detected' : undefined));
		const elementName = '={{ $itemIndex === 1 ? "Broken" : "Captain Mira" }}';
		const result = await runWorkflow({ ...chain(emptyItems(2), createWithViews({ elementName })), credentials: apiKeyCredential(sim) });
		const [views0, views1] = sim.tasks('ai-multi-shot').map((task) => task.taskId);
		expect(result.error?.message).toBe('Kling could not create the element: Face not detected');
		expect(result.error?.description).toContain(`This item's views task ${views1} was paid for first.`);
		expect(result.error?.description).toContain(`Tasks already created for other items: ${views0} (views), `);
		expect(result.error?.description).toContain('fetch them with Element → Get Creation Task or Element → Get Generated Views rather than');
	});

	it('takes "false" from an expression as off: no views are paid for, and the missing images are said', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(createWithViews({ generateViews: '={{ "false" }}' })), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toMatch(/^Additional Images needs 1 to 3 images/);
		expect(sim.requests).toHaveLength(0);
	});

	it('refuses a value that is not yes or no, naming the field, before anything is paid for', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(createWithViews({ generateViews: '={{ "maybe" }}' })), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toMatch(/Generate Additional Views/);
		expect(sim.requests).toHaveLength(0);
	});

	it('creates no element when the views cannot be drawn', async () => {
		const { sim } = ctx;
		sim.failTaskWhen((product) => (product === 'ai-multi-shot' ? 'No clear subject in the frontal image' : undefined));
		const result = await runWorkflow({ ...chain(createWithViews()), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toMatch(/^Kling could not create the set of element views: No clear subject/);
		expect(result.error?.description).toContain(sim.tasks('ai-multi-shot')[0].taskId);
		expect(sim.createdTaskCount('elements')).toBe(0);
	});
});

/** The first candidate set of a finished multi-shot task, read straight from the simulator's API. */
async function viewsOf(taskId: string): Promise<Record<string, string>> {
	const response = await fetch(`${ctx.sim.url}/v1/general/ai-multi-shot/${taskId}`, { headers: { authorization: 'Bearer test-api-key' } });
	const { data } = (await response.json()) as { data: { task_result: { images: Array<Record<string, string>> } } };
	return data.task_result.images[0];
}
