/** The simulator's other products: voices, AI multi-shot, videos, and the callbacks they send. */
import { createHmac } from 'crypto';
import { parseLossless, signWebhook } from '../simulator/index.cts';
import { call, callbackReceiver, ELEMENTS, FAST, imageElement, simulatorStarter, statusOf } from './simulatorKit.cts';

const start = simulatorStarter(FAST);

describe('voices and ai multi-shot', () => {
	it('creates a custom voice from voice_url and validates exclusivity', async () => {
		const sim = await start();
		const both = await call(sim, 'POST', '/v1/general/custom-voices', { voice_name: 'v', voice_url: 'https://a/v.mp3', video_id: '1' });
		expect(both.json.code).toBe(1201);
		const none = await call(sim, 'POST', '/v1/general/custom-voices', { voice_name: 'v', voice_url: '', video_id: '' });
		expect(none.json.message).toContain('voice_url');
		const created = await call(sim, 'POST', '/v1/general/custom-voices', { voice_name: 'Narrator', voice_url: 'https://a/v.mp3' });
		await sim.idle();
		const task = (await call(sim, 'GET', `/v1/general/custom-voices/${created.json.data.task_id}`)).json.data;
		expect(task.task_result.voices[0]).toMatchObject({ voice_name: 'Narrator', owned_by: expect.stringMatching(/^\d+$/) });
		expect(task.final_unit_deduction).toBe('0.05');
	});

	it('returns three candidate image sets', async () => {
		const sim = await start();
		const bad = await call(sim, 'POST', '/v1/general/ai-multi-shot', { element_frontal_image: 'data:image/png;base64,AAAA' });
		expect(bad.json.message).toContain('element_frontal_image');
		const created = await call(sim, 'POST', '/v1/general/ai-multi-shot', { element_frontal_image: 'https://a/front.png' });
		await sim.idle();
		const images = (await call(sim, 'GET', `/v1/general/ai-multi-shot/${created.json.data.task_id}`)).json.data.task_result.images;
		expect(images.map((i: { index: number }) => i.index)).toEqual([0, 1, 2]);
		expect((await fetch(images[2].url_3)).status).toBe(200);
	});
});

describe('video products', () => {
	it('omni-video succeeds with an element and serves a fake mp4 of the configured size', async () => {
		const sim = await start({ videoBytes: 5000 });
		const elementId = sim.seedElement();
		const created = await call(
			sim,
			'POST',
			'/v1/videos/omni-video',
			`{"model_name":"kling-v3-omni","prompt":"<<<element_1>>> waves","element_list":[{"element_id":${elementId}}],"aspect_ratio":"16:9","duration":"7","mode":"pro"}`,
		);
		expect(created.json.code).toBe(0);
		await sim.idle();
		const task = (await call(sim, 'GET', `/v1/videos/omni-video/${created.json.data.task_id}`)).json.data;
		const [video] = task.task_result.videos;
		expect(video).toEqual({ id: expect.any(String), url: `${sim.origin}/files/${video.id}.mp4`, duration: '7' });
		const file = Buffer.from(await (await fetch(video.url)).arrayBuffer());
		expect(file.length).toBe(5000);
		expect(file.subarray(4, 8).toString('latin1')).toBe('ftyp');
		expect(sim.requests.at(-1)).toMatchObject({ path: `/files/${video.id}.mp4`, status: 200 });
		expect(sim.apiRequests().every((r) => !r.path.startsWith('/files/'))).toBe(true);
	});

	it.each([
		['omni without prompt', '/v1/videos/omni-video', { aspect_ratio: '16:9' }, 'prompt'],
		['omni without aspect_ratio', '/v1/videos/omni-video', { prompt: 'x' }, 'aspect_ratio'],
		['omni o1 6s text-only', '/v1/videos/omni-video', { prompt: 'x', aspect_ratio: '16:9', duration: '6' }, 'duration'],
		['omni unknown element', '/v1/videos/omni-video', { prompt: 'x', aspect_ratio: '1:1', element_list: [{ element_id: '1' }] }, 'element_id'],
		['omni sound with video', '/v1/videos/omni-video', { prompt: 'x', video_list: [{ video_url: 'https://a/v.mp4' }], sound: 'on' }, 'sound'],
		['i2v without image', '/v1/videos/image2video', { model_name: 'kling-v3' }, 'image'],
		['i2v elements on v2-6', '/v1/videos/image2video', { model_name: 'kling-v2-6', image: 'https://a/i.png', element_list: [{ element_id: '835266081700000001' }] }, 'element_list'],
		['i2v elements and voices', '/v1/videos/image2video', { model_name: 'kling-v3', image: 'https://a/i.png', element_list: [{ element_id: '835266081700000001' }], voice_list: [{ voice_id: '829824295735410001' }], sound: 'on' }, 'voice_list'],
		['i2v duration number', '/v1/videos/image2video', { model_name: 'kling-v3', image: 'https://a/i.png', duration: 5 }, 'duration'],
		['motion without orientation', '/v1/videos/motion-control', { image_url: 'https://a/i.png', video_url: 'https://a/v.mp4', mode: 'std' }, 'character_orientation'],
		['motion bad sound', '/v1/videos/motion-control', { image_url: 'https://a/i.png', video_url: 'https://a/v.mp4', mode: 'std', character_orientation: 'video', keep_original_sound: true }, 'keep_original_sound'],
		['motion element on v2-6', '/v1/videos/motion-control', { image_url: 'https://a/i.png', video_url: 'https://a/v.mp4', mode: 'pro', character_orientation: 'image', element_list: [{ element_id: '835266081700000001' }] }, 'element_list'],
	])('%s -> 1201 naming the field', async (_label, path, body, field) => {
		const sim = await start();
		const res = await call(sim, 'POST', path, body);
		expect([res.status, res.json.code]).toEqual([400, 1201]);
		expect(res.json.message).toContain(field);
	});

	it('motion-control and image2video accept valid requests; failTaskWhen fails chosen tasks', async () => {
		const sim = await start();
		const remove = sim.failTaskWhen((product, body) => (product === 'motion-control' && body.prompt === 'boom' ? 'Content safety' : undefined));
		const motion = await call(sim, 'POST', '/v1/videos/motion-control', {
			model_name: 'kling-v3',
			prompt: 'boom',
			image_url: 'https://a/i.png',
			video_url: 'https://a/v.mp4',
			character_orientation: 'video',
			mode: 'std',
			element_list: [{ element_id: sim.presetElementIds()[0] }],
		});
		const i2v = await call(sim, 'POST', '/v1/videos/image2video', {
			model_name: 'kling-v3',
			image: 'https://a/i.png',
			element_list: [{ element_id: sim.presetElementIds()[1] }],
			duration: '10',
			mode: 'std',
		});
		await sim.idle();
		expect((await call(sim, 'GET', `/v1/videos/motion-control/${motion.json.data.task_id}`)).json.data).toMatchObject({ task_status: 'failed', task_status_msg: 'Content safety' });
		const i2vTask = (await call(sim, 'GET', `/v1/videos/image2video/${i2v.json.data.task_id}`)).json.data;
		expect(i2vTask.task_result.videos[0].duration).toBe('10');
		expect(sim.createdTaskCount('motion-control')).toBe(1);
		remove();
		const again = await call(sim, 'POST', '/v1/videos/motion-control', { prompt: 'boom', image_url: 'https://a/i.png', video_url: 'https://a/v.mp4', character_orientation: 'video', mode: 'std' });
		await sim.idle();
		expect(statusOf(sim, again.json.data.task_id)).toBe('succeed');
	});

	it.each([
		['string ids, with a 1200 that names no field', 'integer', (id: string) => `"${id}"`, [400, 1200]],
		['bare integer ids, with a 1201', 'string', (id: string) => id, [400, 1201]],
	] as const)('can play an endpoint that refuses %s, and takes the other form', async (_title, forms, refusedForm, answer) => {
		const sim = await start({ elementIdForms: forms });
		const id = sim.seedElement({ name: 'Prop' });
		const body = (elementId: string) =>
			`{"model_name":"kling-v3","image_url":"https://a/i.png","video_url":"https://a/v.mp4","character_orientation":"video","mode":"std","element_list":[{"element_id":${elementId}}]}`;
		const refused = await call(sim, 'POST', '/v1/videos/motion-control', body(refusedForm(id)));
		expect([refused.status, refused.json.code]).toEqual(answer);
		expect(refused.json.message).not.toMatch(/element_id/);
		expect(sim.createdTaskCount()).toBe(0);
		const accepted = forms === 'integer' ? id : `"${id}"`;
		expect((await call(sim, 'POST', '/v1/videos/motion-control', body(accepted))).json.code).toBe(0);
	});

	it('takes both id forms by default', async () => {
		const sim = await start();
		const id = sim.seedElement({ name: 'Prop' });
		for (const form of [id, `"${id}"`]) {
			const body = `{"model_name":"kling-v3","image_url":"https://a/i.png","video_url":"https://a/v.mp4","character_orientation":"video","mode":"std","element_list":[{"element_id":${form}}]}`;
			expect((await call(sim, 'POST', '/v1/videos/motion-control', body)).json.code).toBe(0);
		}
	});
});

describe('callbacks', () => {
	const VECTOR_SECRET = 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0MTI=';

	const receiver = callbackReceiver('/hook?token=abc');

	it('signer reproduces the vendor test vector', () => {
		const body = '{"id":"1234567890","status":"succeeded","message":"","create_time":1781080778802,"update_time":1781080794151}';
		expect(signWebhook(VECTOR_SECRET, '9876543210', 1781080794, body)).toBe('v1,UsKlJP00XoQyOn410NM9xv34sP+Gl0jnOO9Lcpr7NJ4=');
	});

	it('posts signed legacy callbacks for processing and succeed', async () => {
		const sim = await start({ webhookSecret: VECTOR_SECRET });
		const created = await call(sim, 'POST', ELEMENTS, imageElement({ callback_url: receiver.url, external_task_id: 'cb-1' }));
		await sim.idle();
		expect(receiver.received).toHaveLength(2);
		expect(sim.callbacks.map((c) => c.status)).toEqual([200, 200]);
		expect(receiver.statuses()).toEqual(['processing', 'succeed']);
		const key = Buffer.from(VECTOR_SECRET.slice('whsec_'.length), 'base64');
		for (const { headers, body } of receiver.received) {
			expect(headers['content-type']).toBe('application/json; charset=utf-8');
			const id = String(headers['webhook-id']);
			const timestamp = String(headers['webhook-timestamp']);
			expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(300);
			const expected = 'v1,' + createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
			expect(String(headers['webhook-signature']).split(' ')).toContain(expected);
		}
		const final = receiver.received[1].body;
		expect(final).toMatch(/"element_id":835266081714884677[,}]/);
		expect(parseLossless(final)).toMatchObject({
			task_id: created.json.data.task_id,
			task_status: 'succeed',
			task_info: { external_task_id: 'cb-1' },
			task_result: { elements: [{ element_id: '835266081714884677' }] },
		});
		expect(sim.callbacks[1]).toMatchObject({ url: receiver.url, body: final });
	});

	it('sends unsigned callbacks without a secret', async () => {
		const sim = await start();
		await call(sim, 'POST', '/v1/general/ai-multi-shot', { element_frontal_image: 'https://a/f.png', callback_url: receiver.url });
		await sim.idle();
		expect(receiver.received).toHaveLength(2);
		expect(receiver.received[0].headers['webhook-signature']).toBeUndefined();
	});

	it('retries non-2xx answers callbackRetries times and survives an unreachable receiver', async () => {
		receiver.answer = 500;
		const sim = await start({ callbackRetries: 1 });
		await call(sim, 'POST', ELEMENTS, imageElement({ callback_url: receiver.url, element_description: 'x [fail]' }));
		await sim.idle();
		expect(sim.callbacks.map((c) => c.status)).toEqual([500, 500, 500, 500]);
		expect(receiver.statuses()).toEqual(['processing', 'processing', 'failed', 'failed']);

		sim.reset();
		await call(sim, 'POST', ELEMENTS, imageElement({ callback_url: 'http://127.0.0.1:1/unreachable' }));
		await sim.idle();
		expect(sim.callbacks.map((c) => c.status)).toEqual(['error', 'error', 'error', 'error']);
		expect((await call(sim, 'GET', ELEMENTS)).json.code).toBe(0);
	});
});

describe('account costs', () => {
	it('lists the packs valid in the window, filters by name, needs both times, and takes one query a second', async () => {
		const sim = await start();
		const now = Date.now();
		const missing = await call(sim, 'GET', `/account/costs?start_time=${now}`);
		expect([missing.status, missing.json.code]).toEqual([400, 1201]);
		const all = await call(sim, 'GET', `/account/costs?start_time=${now - 365 * 86_400_000}&end_time=${now}`);
		expect([all.status, all.json.code]).toEqual([429, 1302]);
		sim.reset();
		const listed = await call(sim, 'GET', `/account/costs?start_time=${now - 365 * 86_400_000}&end_time=${now}`);
		expect(listed.json.data.resource_pack_subscribe_infos.map((pack: { status: string }) => pack.status)).toEqual(['online', 'runOut', 'online', 'expired']);
		sim.reset();
		const recent = await call(sim, 'GET', `/account/costs?start_time=${now - 86_400_000}&end_time=${now}&resource_pack_name=Video%20Pack%203000`);
		expect(recent.json.data).toMatchObject({ code: 0, resource_pack_subscribe_infos: [{ resource_pack_name: 'Video Pack 3000', remaining_quantity: 2210 }] });
	});
});
