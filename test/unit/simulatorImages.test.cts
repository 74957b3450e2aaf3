/** The simulator's image products (kling-api.md §7a): omni image and image generation, their results and checks. */
import { makePng, parseLossless, PRODUCT_NAMES, SERIES_AUTO_AMOUNT, type KlingSimulator } from '../simulator/index.cts';
import { call, callbackReceiver, ELEMENTS, FAST, imageElement, simulatorStarter, statusOf } from './simulatorKit.cts';

const start = simulatorStarter(FAST);

const OMNI = '/v1/images/omni-image';
const GENERATIONS = '/v1/images/generations';
const PNG = makePng().toString('base64');

async function finished(sim: KlingSimulator, path: string, id: string) {
	await sim.idle();
	return (await call(sim, 'GET', `${path}/${id}`)).json.data;
}

async function download(url: string): Promise<Buffer> {
	const res = await fetch(url);
	expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/png']);
	return Buffer.from(await res.arrayBuffer());
}

interface ImageEntry {
	index: number;
	url: string;
	watermark_url?: string;
}

/** Every URL of the entries serves exactly the PNG makePng draws at that size. */
async function expectPngs(images: ImageEntry[], width: number, height: number): Promise<void> {
	for (const image of images) {
		for (const url of [image.url, image.watermark_url].filter((u) => u !== undefined)) {
			expect((await download(url)).equals(makePng(width, height))).toBe(true);
		}
	}
}

describe('omni image results', () => {
	it('single: n images with watermark URLs, each a PNG of the requested shape, found by external id', async () => {
		const sim = await start();
		const elementId = sim.seedElement();
		const body =
			`{"prompt":"<<<element_1>>> in <<<image_1>>>","image_list":[{"image":"${PNG}"}],"element_list":[{"element_id":${elementId}}],` +
			'"n":3,"aspect_ratio":"16:9","watermark_info":{"enabled":true},"external_task_id":"img-1"}';
		const created = await call(sim, 'POST', OMNI, body);
		expect(created.json.data).toMatchObject({ task_status: 'submitted', task_info: { external_task_id: 'img-1' } });
		const task = await finished(sim, OMNI, 'img-1');
		expect(task).toMatchObject({ task_id: created.json.data.task_id, task_status: 'succeed', final_unit_deduction: '24' });
		expect(Object.keys(task.task_result)).toEqual(['result_type', 'images']);
		expect(task.task_result.result_type).toBe('single');
		const images: ImageEntry[] = task.task_result.images;
		expect(images.map((i) => i.index)).toEqual([0, 1, 2]);
		for (const image of images) expect(Object.keys(image).sort()).toEqual(['index', 'url', 'watermark_url']);
		expect(new Set(images.flatMap((i) => [i.url, i.watermark_url])).size).toBe(6);
		await expectPngs(images, 569, 320);
	});

	it('defaults: one square image without watermark_url, listed, counted under omni-image', async () => {
		const sim = await start();
		const id = (await call(sim, 'POST', OMNI, { prompt: 'a cat', watermark_info: { enabled: false } })).json.data.task_id;
		const task = await finished(sim, OMNI, id);
		expect(task.task_result).toEqual({ result_type: 'single', images: [{ index: 0, url: expect.stringMatching(`^${sim.origin}/files/`) }] });
		expect(task.final_unit_deduction).toBe('8');
		await expectPngs(task.task_result.images, 320, 320);
		expect((await call(sim, 'GET', `${OMNI}?pageNum=1&pageSize=10`)).json.data.map((t: { task_id: string }) => t.task_id)).toEqual([id]);
		expect([sim.createdTaskCount('omni-image'), sim.createdTaskCount('generations')]).toEqual([1, 0]);
		expect(sim.tasks('omni-image').map((t) => t.taskId)).toEqual([id]);
		expect(PRODUCT_NAMES).toEqual(expect.arrayContaining(['omni-image', 'generations']));
	});

	it('series: series_amount images in series_images, none in images, n ignored; 4K costs 16 units an image', async () => {
		const sim = await start();
		const request = { model_name: 'kling-v3-omni', prompt: 'a story', result_type: 'series', series_amount: 5, n: 2 };
		const body = { ...request, resolution: '4k', aspect_ratio: '9:16', watermark_info: { enabled: true } };
		const task = await finished(sim, OMNI, (await call(sim, 'POST', OMNI, body)).json.data.task_id);
		expect(task.task_result).toMatchObject({ result_type: 'series', images: [] });
		const series: ImageEntry[] = task.task_result.series_images;
		expect(series.map((i) => i.index)).toEqual([0, 1, 2, 3, 4]);
		expect(series.every((i) => i.watermark_url !== undefined)).toBe(true);
		await expectPngs(series, 320, 569);
		expect(task.final_unit_deduction).toBe('80');
	});

	it.each([
		['absent (the vendor default)', undefined, 4],
		['"auto" (the simulator\'s fixed choice)', 'auto', SERIES_AUTO_AMOUNT],
		['2', 2, 2],
		['9', 9, 9],
	])('series_amount %s makes that many images', async (_title, amount, count) => {
		const sim = await start();
		const body = { model_name: 'kling-v3-omni', prompt: 'a story', result_type: 'series', series_amount: amount };
		const task = await finished(sim, OMNI, (await call(sim, 'POST', OMNI, body)).json.data.task_id);
		expect(task.task_result.series_images).toHaveLength(count);
		expect(task.final_unit_deduction).toBe(String(count * 8));
	});

	it('ignores series_amount for a single result', async () => {
		const sim = await start();
		const task = await finished(sim, OMNI, (await call(sim, 'POST', OMNI, { prompt: 'x', n: 2, series_amount: 6 })).json.data.task_id);
		expect(task.task_result.images).toHaveLength(2);
		expect(task.task_result.series_images).toBeUndefined();
	});
});

describe('image generation results', () => {
	it('kling-v3: n images with watermark URLs and no result_type; 8 units an image', async () => {
		const sim = await start();
		const body = { prompt: 'a fox', n: 2, aspect_ratio: '3:4', watermark_info: { enabled: true }, external_task_id: 'gen-1' };
		expect((await call(sim, 'POST', GENERATIONS, body)).json.code).toBe(0);
		const task = await finished(sim, GENERATIONS, 'gen-1');
		expect(Object.keys(task.task_result)).toEqual(['images']);
		expect(task.task_result.images.map((i: ImageEntry) => Object.keys(i).sort())).toEqual([
			['index', 'url', 'watermark_url'],
			['index', 'url', 'watermark_url'],
		]);
		await expectPngs(task.task_result.images, 320, 427);
		expect(task.final_unit_deduction).toBe('16');
	});

	it('kling-v2-1: face and subject reference with fidelities; 4 units for text-to-image, 8 with an image', async () => {
		const sim = await start();
		const withImage = { model_name: 'kling-v2-1', prompt: 'a face', image: PNG, image_reference: 'subject', image_fidelity: 0.7, human_fidelity: 0, n: 3 };
		const textOnly = { model_name: 'kling-v2-1', prompt: 'a portrait', negative_prompt: 'blur' };
		const a = (await call(sim, 'POST', GENERATIONS, withImage)).json.data.task_id;
		const b = (await call(sim, 'POST', GENERATIONS, textOnly)).json.data.task_id;
		expect((await finished(sim, GENERATIONS, a)).final_unit_deduction).toBe('24');
		const text = await finished(sim, GENERATIONS, b);
		expect([text.task_result.images.length, text.final_unit_deduction]).toEqual([1, '4']);
		expect(text.task_result.images[0].watermark_url).toBeUndefined();
	});
});

describe('image create validation', () => {
	type Case = [string, (elements: string[]) => Record<string, unknown>, string];
	const v3omni = { model_name: 'kling-v3-omni', prompt: 'x' };
	const images = (count: number) => Array.from({ length: count }, () => ({ image: 'https://cdn.example.com/ref.png' }));
	const elements = (ids: string[]) => ids.map((element_id) => ({ element_id }));
	const omniCases: Case[] = [
		['no prompt', () => ({ prompt: ' ' }), 'prompt'],
		['prompt over 2500', () => ({ prompt: 'x'.repeat(2501) }), 'prompt'],
		['unknown model', () => ({ model_name: 'kling-v3', prompt: 'x' }), 'model_name'],
		['image_url instead of image', () => ({ prompt: 'x', image_list: [{ image_url: 'https://a/b.png' }] }), 'image_list[0].image'],
		['data: prefix', () => ({ prompt: 'x', image_list: [{ image: `data:image/png;base64,${PNG}` }] }), 'image_list[0].image'],
		['base64 under 300 px', () => ({ prompt: 'x', image_list: [{ image: makePng(299, 400).toString('base64') }] }), 'image_list[0].image'],
		['base64 wider than 2.5:1', () => ({ prompt: 'x', image_list: [{ image: makePng(760, 300).toString('base64') }] }), 'image_list[0].image'],
		['base64 that is no image', () => ({ prompt: 'x', image_list: [{ image: 'QUJDRA==' }] }), 'image_list[0].image'],
		['11 images', () => ({ prompt: 'x', image_list: images(11) }), 'image_list'],
		['6 images + 5 elements', (ids) => ({ prompt: 'x', image_list: images(6), element_list: elements(ids.slice(0, 5)) }), 'element_list'],
		['unknown element', () => ({ prompt: 'x', element_list: [{ element_id: '835266081714884999' }] }), 'element_list[0].element_id'],
		['<<<image_2>>> with one image', () => ({ prompt: '<<<image_2>>>', image_list: images(1) }), '<<<image_2>>>'],
		['<<<element_1>>> without elements', () => ({ prompt: 'a <<<element_1>>>' }), '<<<element_1>>>'],
		['<<<image_0>>>', () => ({ prompt: '<<<image_0>>>', image_list: images(1) }), '<<<image_0>>>'],
		['4k on kling-image-o1', () => ({ prompt: 'x', resolution: '4k' }), 'resolution'],
		['resolution 8k', () => ({ ...v3omni, resolution: '8k' }), 'resolution'],
		['series on kling-image-o1', () => ({ prompt: 'x', result_type: 'series' }), 'result_type'],
		['unknown result_type', () => ({ ...v3omni, result_type: 'batch' }), 'result_type'],
		['n 0', () => ({ prompt: 'x', n: 0 }), 'n must'],
		['n 10', () => ({ prompt: 'x', n: 10 }), 'n must'],
		['n as a string', () => ({ prompt: 'x', n: '2' }), 'n must'],
		['series_amount 1', () => ({ ...v3omni, result_type: 'series', series_amount: 1 }), 'series_amount'],
		['series_amount 10', () => ({ ...v3omni, result_type: 'series', series_amount: 10 }), 'series_amount'],
		['series_amount "4"', () => ({ ...v3omni, result_type: 'series', series_amount: '4' }), 'series_amount'],
		['aspect_ratio 5:4', () => ({ prompt: 'x', aspect_ratio: '5:4' }), 'aspect_ratio'],
		['watermark enabled "yes"', () => ({ prompt: 'x', watermark_info: { enabled: 'yes' } }), 'watermark_info.enabled'],
		['callback_url not http', () => ({ prompt: 'x', callback_url: 'ftp://a/b' }), 'callback_url'],
	];
	const v21Subject = { model_name: 'kling-v2-1', prompt: 'x', image: 'https://a/b.png', image_reference: 'subject' };
	const generationCases: Case[] = [
		['no prompt', () => ({ image: 'https://a/b.png' }), 'prompt'],
		['unknown model', () => ({ model_name: 'kling-v2', prompt: 'x' }), 'model_name'],
		['negative_prompt with image', () => ({ prompt: 'x', negative_prompt: 'blur', image: 'https://a/b.png' }), 'negative_prompt'],
		['data: prefix', () => ({ prompt: 'x', image: `data:image/png;base64,${PNG}` }), 'image'],
		['image_reference on kling-v3', () => ({ prompt: 'x', image: 'https://a/b.png', image_reference: 'face' }), 'image_reference'],
		['image_reference without image', () => ({ model_name: 'kling-v2-1', prompt: 'x', image_reference: 'face' }), 'image is required'],
		['unknown image_reference', () => ({ model_name: 'kling-v2-1', prompt: 'x', image: 'https://a/b.png', image_reference: 'style' }), 'image_reference'],
		['image_fidelity on kling-v3', () => ({ prompt: 'x', image: 'https://a/b.png', image_fidelity: 0.5 }), 'image_fidelity'],
		['human_fidelity over 1', () => ({ ...v21Subject, human_fidelity: 1.5 }), 'human_fidelity'],
		['elements on kling-v2-1', (ids) => ({ model_name: 'kling-v2-1', prompt: 'x', element_list: [{ element_id: ids[0] }] }), 'element_list'],
		['10 elements + an image', (ids) => ({ prompt: 'x', image: 'https://a/b.png', element_list: elements(ids) }), 'element_list'],
		['unknown element', () => ({ prompt: 'x', element_list: [{ element_id: 1 }] }), 'element_list[0].element_id'],
		['resolution 4k', () => ({ prompt: 'x', resolution: '4k' }), 'resolution'],
		['aspect_ratio auto', () => ({ prompt: 'x', aspect_ratio: 'auto' }), 'aspect_ratio'],
		['n 10', () => ({ prompt: 'x', n: 10 }), 'n must'],
	];

	it.each([
		...omniCases.map(([title, body, field]): [string, string, Case[1], string] => [`omni-image: ${title}`, OMNI, body, field]),
		...generationCases.map(([title, body, field]): [string, string, Case[1], string] => [`generations: ${title}`, GENERATIONS, body, field]),
	])('%s -> 400 1201 naming the field, no task', async (_title, path, body, field) => {
		const sim = await start({ presetElements: 10 });
		const res = await call(sim, 'POST', path, body(sim.presetElementIds()));
		expect([res.status, res.json.code]).toEqual([400, 1201]);
		expect(res.json.message).toContain(field);
		expect(sim.createdTaskCount()).toBe(0);
	});

	it('accepts the limits those cases cross', async () => {
		const sim = await start({ presetElements: 10 });
		const ids = sim.presetElementIds();
		const accepted: Array<[string, Record<string, unknown>]> = [
			[OMNI, { prompt: '<<<image_5>>> and <<<element_5>>>', image_list: images(5), element_list: elements(ids.slice(0, 5)) }],
			[OMNI, { prompt: 'x', image_list: [{ image: makePng(750, 300).toString('base64') }, { image: makePng(300, 300).toString('base64') }] }],
			[OMNI, { ...v3omni, resolution: '4k', result_type: 'series', series_amount: 'auto', aspect_ratio: 'auto', n: 9 }],
			[OMNI, { prompt: 'x', n: 9, resolution: '2k', aspect_ratio: '21:9' }],
			[GENERATIONS, { prompt: 'x', element_list: elements(ids) }],
			[GENERATIONS, { prompt: 'x', image: PNG, element_list: elements(ids.slice(0, 9)) }],
			[GENERATIONS, { model_name: 'kling-v2-1', prompt: 'x', image: 'https://a/b.png', image_reference: 'face', image_fidelity: 1, resolution: '2k', n: 9 }],
		];
		for (const [path, body] of accepted) {
			const res = await call(sim, 'POST', path, body);
			expect([path, res.json.code, res.json.message]).toEqual([path, 0, 'SUCCEED']);
		}
	});

	it('refuses a deleted element and takes a preset', async () => {
		const sim = await start();
		const id = sim.seedElement();
		expect((await call(sim, 'POST', OMNI, { prompt: 'x', element_list: [{ element_id: id }] })).json.code).toBe(0);
		expect((await call(sim, 'POST', '/v1/general/delete-advanced-elements', { element_id: id })).json.code).toBe(0);
		for (const path of [OMNI, GENERATIONS]) {
			const res = await call(sim, 'POST', path, { prompt: 'x', element_list: [{ element_id: id }] });
			expect([res.status, res.json.code]).toEqual([400, 1201]);
			expect(res.json.message).toContain(`element_id ${id}`);
			expect((await call(sim, 'POST', path, { prompt: 'x', element_list: [{ element_id: sim.presetElementIds()[0] }] })).json.code).toBe(0);
		}
	});
});

describe('image element ids', () => {
	it('keeps a bare int64 element_id exact (JSON.parse would round it to an id that does not exist)', async () => {
		const sim = await start();
		const id = sim.seedElement();
		expect(Number(id).toString()).not.toBe(id);
		for (const path of [OMNI, GENERATIONS]) {
			const res = await call(sim, 'POST', path, `{"prompt":"<<<element_1>>>","element_list":[{"element_id":${id}}]}`);
			expect(res.json.code).toBe(0);
			expect(sim.apiRequests({ method: 'POST', pathIncludes: path }).at(-1)?.rawBody).toContain(`"element_id":${id}}`);
		}
		const sent = [...sim.tasks('omni-image'), ...sim.tasks('generations')].map((t) => (t.body.element_list as Array<{ element_id: unknown }>)[0]);
		expect(sent).toEqual([{ element_id: id }, { element_id: id }]);
	});

	it('plays an endpoint that takes only integers: a string id is refused with 1200, no task', async () => {
		const sim = await start({ elementIdForms: 'integer' });
		const id = sim.seedElement();
		for (const path of [OMNI, GENERATIONS]) {
			const refused = await call(sim, 'POST', path, `{"prompt":"x","element_list":[{"element_id":"${id}"}]}`);
			expect([refused.status, refused.json.code]).toEqual([400, 1200]);
			expect((await call(sim, 'POST', path, `{"prompt":"x","element_list":[{"element_id":${id}}]}`)).json.code).toBe(0);
		}
		expect(sim.createdTaskCount()).toBe(2);
	});
});

describe('image queries and lists', () => {
	it('answers an unknown id with HTTP 400, 1201, and finds a task only under its own product', async () => {
		const sim = await start();
		const id = (await call(sim, 'POST', OMNI, { prompt: 'x', external_task_id: 'mine' })).json.data.task_id;
		for (const [path, missing] of [[GENERATIONS, id], [GENERATIONS, 'mine'], [OMNI, '123'], [OMNI, 'nobody']]) {
			const res = await call(sim, 'GET', `${path}/${missing}`);
			expect([res.status, res.json.code, res.json.message]).toEqual([400, 1201, `Task not found by id/external id: ${missing}`]);
		}
		expect((await call(sim, 'GET', `${OMNI}/mine`)).json.data.task_id).toBe(id);
	});

	it('pages newest first and validates pageSize', async () => {
		const sim = await start();
		const ids: string[] = [];
		for (const prompt of ['a', 'b', 'c']) ids.push((await call(sim, 'POST', GENERATIONS, { prompt })).json.data.task_id);
		const page = await call(sim, 'GET', `${GENERATIONS}?pageNum=1&pageSize=2`);
		expect(page.json.data.map((t: { task_id: string }) => t.task_id)).toEqual([ids[2], ids[1]]);
		expect((await call(sim, 'GET', `${GENERATIONS}?pageNum=2&pageSize=2`)).json.data.map((t: { task_id: string }) => t.task_id)).toEqual([ids[0]]);
		const tooBig = await call(sim, 'GET', `${OMNI}?pageSize=501`);
		expect([tooBig.status, tooBig.json.code]).toEqual([400, 1201]);
	});
});

describe('image tasks with callbacks, failures and faults', () => {
	const receiver = callbackReceiver();

	it('calls back with the series result; with callbackResults "documented" only images[] is sent', async () => {
		const sim = await start();
		const body = { model_name: 'kling-v3-omni', prompt: 'x', result_type: 'series', callback_url: receiver.url };
		await call(sim, 'POST', OMNI, body);
		await sim.idle();
		expect(receiver.statuses()).toEqual(['processing', 'succeed']);
		const full = parseLossless(receiver.received[1].body) as { task_result: { series_images: unknown[]; images: unknown[] } };
		expect([full.task_result.series_images.length, full.task_result.images.length]).toEqual([4, 0]);

		sim.options.callbackResults = 'documented';
		await call(sim, 'POST', OMNI, body);
		await call(sim, 'POST', GENERATIONS, { prompt: 'x', n: 2, callback_url: receiver.url });
		await sim.idle();
		const finals = receiver.received.slice(2).map((r) => parseLossless(r.body) as { task_status: string; task_result: { images: unknown[] } });
		const results = finals.filter((r) => r.task_status === 'succeed').map((r) => r.task_result);
		const two = { images: [expect.objectContaining({ index: 0 }), expect.objectContaining({ index: 1 })] };
		expect(results).toEqual(expect.arrayContaining([{ images: [] }, two]));
		expect(results).toHaveLength(2);
	});

	it('failTaskWhen fails a chosen image task, which shows no result and costs nothing', async () => {
		const sim = await start();
		sim.failTaskWhen((product, body) => (product === 'generations' && body.prompt === 'forbidden' ? 'Content safety' : undefined));
		const failed = (await call(sim, 'POST', GENERATIONS, { prompt: 'forbidden' })).json.data.task_id;
		const other = (await call(sim, 'POST', OMNI, { prompt: 'forbidden' })).json.data.task_id;
		const task = await finished(sim, GENERATIONS, failed);
		expect(task).toMatchObject({ task_status: 'failed', task_status_msg: 'Content safety', task_result: {}, final_unit_deduction: '0' });
		expect(statusOf(sim, other)).toBe('succeed');
	});

	it('faults match the image products by name', async () => {
		const sim = await start();
		sim.injectFault({ when: { product: 'omni-image', operation: 'query' }, fault: { kind: 'error', code: 5000 } });
		sim.injectFault({ when: { product: 'generations' }, fault: { kind: 'stuck' } });
		const omni = (await call(sim, 'POST', OMNI, { prompt: 'x' })).json.data.task_id;
		const stuck = (await call(sim, 'POST', GENERATIONS, { prompt: 'x' })).json.data.task_id;
		const faulted = await call(sim, 'GET', `${OMNI}/${omni}`);
		expect([faulted.status, faulted.json.code]).toEqual([500, 5000]);
		expect((await call(sim, 'GET', `${OMNI}/${omni}`)).json.code).toBe(0);
		expect(sim.faultLog.map((f) => [f.kind, f.taskId ?? null])).toEqual([['stuck', stuck], ['error', null]]);
	});
});

describe('image slots and packs (kling-api.md §11)', () => {
	/** Keeps every task the product creates processing for good, so the slots it holds stay taken without timing. */
	function hold(sim: KlingSimulator, product: string): void {
		sim.injectFault({ when: { product, operation: 'create' }, fault: { kind: 'stuck' }, times: Infinity });
	}

	async function code(sim: KlingSimulator, path: string, body: unknown): Promise<[number, number]> {
		const res = await call(sim, 'POST', path, body);
		return [res.status, res.json.code];
	}

	it('an image task holds n slots; a create that would take them over imageConcurrencyLimit answers 1303', async () => {
		const sim = await start({ imageConcurrencyLimit: 5 });
		hold(sim, 'omni-image');
		hold(sim, 'generations');
		expect(await code(sim, OMNI, { prompt: 'x', n: 3 })).toEqual([200, 0]);
		const over = await call(sim, 'POST', GENERATIONS, { prompt: 'x', n: 3 });
		expect([over.status, over.json.code, over.json.message]).toEqual([429, 1303, 'parallel task over resource pack limit']);
		expect(await code(sim, GENERATIONS, { prompt: 'x', n: 2 })).toEqual([200, 0]);
		expect(await code(sim, OMNI, { prompt: 'x' })).toEqual([429, 1303]);
		expect([sim.createdTaskCount(), sim.maxImageSlotsSeen, sim.maxInFlightSeen]).toEqual([2, 5, 0]);
	});

	it('a task with more slots than the whole limit can never start', async () => {
		const sim = await start({ imageConcurrencyLimit: 5 });
		expect(await code(sim, GENERATIONS, { prompt: 'x', n: 6 })).toEqual([429, 1303]);
		expect(await code(sim, GENERATIONS, { prompt: 'x', n: 5 })).toEqual([200, 0]);
	});

	it('a series holds one slot per image it makes ("auto" included), whatever n says', async () => {
		const sim = await start({ imageConcurrencyLimit: 4 + SERIES_AUTO_AMOUNT });
		hold(sim, 'omni-image');
		const series = { model_name: 'kling-v3-omni', prompt: 'x', result_type: 'series' };
		expect(await code(sim, OMNI, { ...series, series_amount: 4, n: 9 })).toEqual([200, 0]);
		expect(await code(sim, OMNI, { ...series, series_amount: 'auto', n: 1 })).toEqual([200, 0]);
		expect(await code(sim, OMNI, { prompt: 'x' })).toEqual([429, 1303]);
		expect(sim.maxImageSlotsSeen).toBe(4 + SERIES_AUTO_AMOUNT);
	});

	it('image slots and the other tasks have separate limits', async () => {
		const sim = await start({ concurrencyLimit: 1, imageConcurrencyLimit: 2 });
		hold(sim, 'elements');
		hold(sim, 'omni-image');
		expect(await code(sim, ELEMENTS, imageElement())).toEqual([200, 0]);
		expect(await code(sim, ELEMENTS, imageElement())).toEqual([429, 1303]);
		expect(await code(sim, OMNI, { prompt: 'x', n: 2 })).toEqual([200, 0]);
		expect(await code(sim, OMNI, { prompt: 'x' })).toEqual([429, 1303]);
		// Shared, the element and the two image slots would already be 3.
		sim.options.concurrencyLimit = 2;
		expect(await code(sim, ELEMENTS, imageElement())).toEqual([200, 0]);
		expect([sim.maxInFlightSeen, sim.maxImageSlotsSeen]).toEqual([2, 2]);
	});

	it('slots come back when image tasks succeed or fail', async () => {
		// The first creates run until the test ends them, so the third one arrives while they hold their slots.
		const sim = await start({ imageConcurrencyLimit: 3, timing: { submittedMs: 3_600_000, processingMs: 3_600_000 } });
		sim.failTaskWhen((product) => (product === 'generations' ? 'Content safety' : undefined));
		const ok = (await call(sim, 'POST', OMNI, { prompt: 'x', n: 2 })).json.data.task_id;
		const failed = (await call(sim, 'POST', GENERATIONS, { prompt: 'x' })).json.data.task_id;
		expect(await code(sim, OMNI, { prompt: 'x' })).toEqual([429, 1303]);
		sim.finishTask(ok);
		sim.finishTask(failed);
		expect([statusOf(sim, ok), statusOf(sim, failed)]).toEqual(['succeed', 'failed']);
		expect(await code(sim, OMNI, { prompt: 'x', n: 3 })).toEqual([200, 0]);
		expect(sim.maxImageSlotsSeen).toBe(3);
	});

	it('without an image pack a valid image create answers 1102; validation comes first, other products are unaffected', async () => {
		const sim = await start({ imagePack: false });
		for (const path of [OMNI, GENERATIONS]) {
			const res = await call(sim, 'POST', path, { prompt: 'x' });
			expect([res.status, res.json.code, res.json.message]).toEqual([429, 1102, 'Account balance not enough']);
			expect(await code(sim, path, { prompt: 'x', n: 10 })).toEqual([400, 1201]);
		}
		expect(await code(sim, ELEMENTS, imageElement())).toEqual([200, 0]);
		expect([sim.createdTaskCount(), sim.createdTaskCount('omni-image'), sim.createdTaskCount('generations')]).toEqual([1, 0, 0]);
		sim.options.imagePack = true;
		expect(await code(sim, OMNI, { prompt: 'x' })).toEqual([200, 0]);
		expect(sim.maxImageSlotsSeen).toBe(1);
		// reset() restores the options the simulator started with, and clears the record.
		sim.reset();
		expect(sim.maxImageSlotsSeen).toBe(0);
		expect(await code(sim, GENERATIONS, { prompt: 'x' })).toEqual([429, 1102]);
	});
});
