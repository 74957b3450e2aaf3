/**
 * Image → Omni Image, Generate and Get (docs/kling-api.md §7a): elements by ID as bare integers, reference images as
 * URLs or binary files, placeholders and @mentions, single images and series, downloads into binary data, and the
 * image pack's slots (an image task takes one per image, §11).
 */
import { binaryFile, makePng } from '../fixtures/images.cts';
import { chain, emptyItems, runWorkflow, sourceItems } from '../harness/workflow.cts';
import { apiKeyCredential, klingNode, useSimulator } from './helpers.cts';
import { binaryBytes, elementList, seedElements } from './videoHelpers.cts';

const ctx = useSimulator({ timing: { submittedMs: 20, processingMs: 40 } });

const urlImage = (url: string) => ({ source: 'url', url });
const omniImage = (parameters: Record<string, unknown>) =>
	klingNode('Omni Image', { resource: 'image', operation: 'omniImage', model: 'kling-v3-omni', prompt: 'A poster', ...parameters });
const generate = (parameters: Record<string, unknown>) => klingNode('Generate', { resource: 'image', operation: 'generate', prompt: 'A poster', ...parameters });

describe('Image → Omni Image', () => {
	it('makes single images from an element and two reference images, the element id a bare integer, and downloads them', async () => {
		const { sim } = ctx;
		const [bottle] = seedElements(sim, 1);
		const result = await runWorkflow({
			...chain(
				sourceItems([{ rock: binaryFile(makePng(640, 480), 'rock.png', 'image/png') }]),
				omniImage({
					prompt: '@Prop 1 standing on <<<image_2>>>, lit like <<<image_1>>>',
					elements: elementList(bottle),
					images: { image: [urlImage('https://cdn.example.com/light.png'), { source: 'binary', binaryProperty: 'rock' }] },
					n: 2,
					aspectRatio: '4:3',
					options: { download: true },
				}),
			),
			credentials: apiKeyCredential(sim),
		});

		expect(result.error).toBeUndefined();
		const [create] = sim.apiRequests({ method: 'POST' });
		expect(create.rawBody).toContain(`"element_list":[{"element_id":${bottle}}]`);
		expect(create.body).toMatchObject({
			model_name: 'kling-v3-omni',
			prompt: '<<<element_1>>> standing on <<<image_2>>>, lit like <<<image_1>>>',
			image_list: [{ image: 'https://cdn.example.com/light.png' }, { image: makePng(640, 480).toString('base64') }],
			result_type: 'single',
			n: 2,
			resolution: '1k',
			aspect_ratio: '4:3',
		});
		const [item] = result.output('Omni Image');
		expect(item.json).toMatchObject({ status: 'succeed', images: [{ index: 0, url: expect.stringContaining('/files/') }, { index: 1 }] });
		expect(Object.keys(item.binary ?? {})).toEqual(['image_0', 'image_1']);
		expect((await binaryBytes(item.binary!.image_1)).subarray(1, 4).toString()).toBe('PNG');
	});

	it('makes a series of 4 with Kling 3.0 Omni and downloads every image under a prefix', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({
			...chain(omniImage({ resultType: 'series', seriesAmount: '4', options: { download: true, binaryPropertyName: 'poster_' } })),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		expect(sim.apiRequests({ method: 'POST' })[0].body).toMatchObject({ result_type: 'series', series_amount: 4 });
		const [item] = result.output('Omni Image');
		expect(item.json.images).toHaveLength(4);
		expect(Object.keys(item.binary ?? {})).toEqual(['poster_0', 'poster_1', 'poster_2', 'poster_3']);
	});

	it.each([
		['more than 10 references', (ids: string[]) => omniImage({ elements: elementList(...ids), images: { image: [urlImage('https://cdn.example.com/a.png')] } }), 10, /Images plus Elements must be at most 10 \(there are 11\)/],
		['a placeholder past its list', () => omniImage({ prompt: 'Like <<<image_2>>>', images: { image: [urlImage('https://cdn.example.com/a.png')] } }), 0, /<<<image_2>>>, but Images holds 1 entry/],
		['a video placeholder (an image has no videos)', () => omniImage({ prompt: 'In the style of <<<video_1>>>' }), 0, /<<<video_1>>>, but this operation takes no videos/],
		['a voice placeholder in Generate', () => generate({ prompt: 'A poster of <<<voice_1>>>' }), 0, /<<<voice_1>>>, but this operation takes no voices/],
		['4K with Kling Image O1', () => omniImage({ model: 'kling-image-o1', resolution: '4k' }), 0, /Resolution must be 1K, 2K for this model \(it is 4K\)/],
		// With the model from an expression the editor shows Result Type for both models: a series is refused, not made single.
		['a series with Kling Image O1 from an expression', () => omniImage({ model: '={{ "kling-image-o1" }}', resultType: 'series', seriesAmount: '4' }), 0, /Series needs the Kling 3.0 Omni model/],
	] as const)('refuses %s before any request', async (_title, node, elements, message) => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(node(seedElements(sim, elements))), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toMatch(message);
		expect(sim.apiRequests({ method: 'POST' })).toHaveLength(0);
	});

	it('keeps the image pack within Max Concurrent Tasks counted in slots: three items of two images with 4 slots', async () => {
		const { sim } = ctx;
		sim.options.imageConcurrencyLimit = 4;
		// Tasks long enough (virtual seconds) that two run at once, as on Kling.
		sim.options.timing = { submittedMs: 1_000, processingMs: 10_000 };
		const result = await runWorkflow({ ...chain(emptyItems(3), omniImage({ n: 2, options: { maxConcurrentTasks: 4 } })), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		expect(result.output('Omni Image').map((item) => (item.json.images as unknown[]).length)).toEqual([2, 2, 2]);
		expect(sim.maxImageSlotsSeen).toBe(4);
		expect(sim.apiRequests({ method: 'POST' }).map((request) => request.code)).toEqual([0, 0, 0]);
	});

	it('absorbs the 1303 of an image pack smaller than Max Concurrent Tasks, and makes every image once', async () => {
		const { sim } = ctx;
		sim.options.imageConcurrencyLimit = 4;
		sim.options.timing = { submittedMs: 1_000, processingMs: 10_000 };
		const result = await runWorkflow({ ...chain(emptyItems(3), omniImage({ n: 2, options: { maxConcurrentTasks: 6 } })), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		expect(result.output('Omni Image').map((item) => item.json.status)).toEqual(['succeed', 'succeed', 'succeed']);
		expect(sim.apiRequests({ method: 'POST' }).map((request) => request.code)).toContain(1303);
		expect(sim.createdTaskCount()).toBe(3);
		expect(sim.maxImageSlotsSeen).toBe(4);
	});

	it('makes single images with Kling Image O1 whatever a hidden Result Type holds: O1 makes no series', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(omniImage({ model: 'kling-image-o1', resultType: 'series', resolution: '2k' })), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		expect(sim.apiRequests({ method: 'POST' })[0].body).toMatchObject({ model_name: 'kling-image-o1', result_type: 'single', n: 1, resolution: '2k' });
	});

	it('says so when the prompt fits as typed but not once its @names are placeholders, before any create', async () => {
		const { sim } = ctx;
		const [bottle] = seedElements(sim, 1);
		const result = await runWorkflow({ ...chain(omniImage({ prompt: `@Prop 1 ${'x'.repeat(2492)}`, elements: elementList(bottle) })), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toBe('Prompt (with its @names written as <<<element_N>>>) must be at most 2500 characters (it has 2508)');
		expect(sim.apiRequests({ method: 'POST' })).toHaveLength(0);
	});

	it('says the image pack is missing: a video pack does not pay for images (1102)', async () => {
		const { sim } = ctx;
		sim.options.imagePack = false;
		const result = await runWorkflow({ ...chain(omniImage({})), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toMatch(/resource pack is exhausted or expired/i);
		expect(sim.createdTaskCount()).toBe(0);
	});
});

describe('Image → Generate and Get', () => {
	it('generates with Kling 3.0 and an element, then Get reads the task and downloads its images', async () => {
		const { sim } = ctx;
		const [bottle] = seedElements(sim, 1);
		const result = await runWorkflow({
			...chain(
				generate({ prompt: '<<<element_1>>> on a beach', elements: elementList(bottle), n: 3, aspectRatio: '9:16', options: { completion: 'returnTask' } }),
				klingNode('Get Images', { resource: 'image', operation: 'get', kind: 'generate', taskId: '={{ $json.taskId }}', options: { download: true } }),
			),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		expect(sim.apiRequests({ method: 'POST' })[0].body).toMatchObject({ model_name: 'kling-v3', n: 3, aspect_ratio: '9:16', resolution: '1k' });
		const [got] = result.output('Get Images');
		expect(got.json.status).toBe('succeed');
		expect(Object.keys(got.binary ?? {})).toEqual(['image_0', 'image_1', 'image_2']);
	});

	it('refuses a negative prompt with a reference image from an expression before any request (the editor hides the field otherwise)', async () => {
		const { sim } = ctx;
		const node = generate({ negativePrompt: 'blur', useReferenceImage: '={{ true }}', referenceImageSource: 'url', referenceImageUrl: 'https://cdn.example.com/a.png' });
		const result = await runWorkflow({ ...chain(node), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toMatch(/Negative Prompt cannot be used with a reference image/);
		expect(sim.apiRequests({ method: 'POST' })).toHaveLength(0);
	});
});
