import { createHmac } from 'crypto';
import { createServer, IncomingHttpHeaders, Server } from 'http';
import type { AddressInfo } from 'net';
import {
	ELEMENT_FAILURE_MESSAGE,
	KlingSimulator,
	makePng,
	parseLossless,
	signWebhook,
	startSimulator,
	stringifyJson,
} from '../simulator';
import { simulatorStarter } from './simulatorKit';

const API_KEY = 'test-api-key';
const FAST = { submittedMs: 15, processingMs: 30 };
const ELEMENTS = '/v1/general/advanced-custom-elements';

interface Envelope {
	code: number;
	message: string;
	request_id: string;
	data?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response shapes vary per endpoint
}

interface CallResult {
	status: number;
	text: string;
	json: Envelope;
}

const start = simulatorStarter(FAST);

/** body: an object is JSON-encoded, a string is sent verbatim (to test raw big integers and bad JSON). */
async function call(
	sim: KlingSimulator,
	method: string,
	path: string,
	body?: unknown,
	authorization: string | null = `Bearer ${API_KEY}`,
	base = sim.url,
): Promise<CallResult> {
	const headers: Record<string, string> = { 'content-type': 'application/json' };
	if (authorization !== null) headers.authorization = authorization;
	const response = await fetch(base + path, {
		method,
		headers,
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, text, json: parseLossless(text) as Envelope };
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

function b64url(data: string | Buffer): string {
	return Buffer.from(data).toString('base64url');
}

function jwt(accessKey: string, secretKey: string, claims: Record<string, number> = {}): string {
	const now = Math.floor(Date.now() / 1000);
	const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
	const payload = b64url(JSON.stringify({ iss: accessKey, exp: now + 1800, nbf: now - 5, ...claims }));
	const signature = b64url(createHmac('sha256', secretKey).update(`${header}.${payload}`).digest());
	return `${header}.${payload}.${signature}`;
}

function imageElement(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		element_name: 'Hero',
		element_description: 'A brave hero in a red cape',
		reference_type: 'image_refer',
		element_image_list: {
			frontal_image: 'https://cdn.example.com/front.png',
			refer_images: [{ image_url: 'https://cdn.example.com/side.png' }],
		},
		...overrides,
	};
}

function statusOf(sim: KlingSimulator, taskId: string): string | undefined {
	return sim.tasks().find((t) => t.taskId === taskId)?.status;
}

describe('simulator lifecycle', () => {
	it('starts on 127.0.0.1, serves requests and closes', async () => {
		const sim = await startSimulator();
		expect(sim.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(sim.url).toBe(sim.origin);
		expect(sim.options.timing).toEqual({ submittedMs: 30, processingMs: 60 });
		const res = await call(sim, 'GET', '/v1/general/advanced-presets-elements');
		expect(res.status).toBe(200);
		await sim.close();
		await expect(fetch(`${sim.origin}/v1/general/advanced-presets-elements`)).rejects.toThrow();
	});

	it('logs every request with lossless body, status and code', async () => {
		const sim = await start();
		await call(sim, 'POST', ELEMENTS, '{"element_name":"x","element_voice_id":835266081714884677}');
		const [logged] = sim.apiRequests({ method: 'POST', pathIncludes: 'advanced-custom-elements' });
		expect(logged.body).toEqual({ element_name: 'x', element_voice_id: '835266081714884677' });
		expect(logged.status).toBe(400);
		expect(logged.code).toBe(1201);
		expect(logged.headers.authorization).toBe(`Bearer ${API_KEY}`);
	});
});

describe('authentication', () => {
	let sim: KlingSimulator;
	beforeEach(async () => {
		sim = await start();
	});
	const presets = '/v1/general/advanced-presets-elements';

	it('accepts a listed API key and answers with a unique request_id', async () => {
		const a = await call(sim, 'GET', presets);
		const b = await call(sim, 'GET', presets);
		expect(a.status).toBe(200);
		expect(a.json.code).toBe(0);
		expect(a.json.request_id).toEqual(expect.any(String));
		expect(a.json.request_id).not.toBe(b.json.request_id);
	});

	it('accepts a valid HS256 JWT for a known access key', async () => {
		const res = await call(sim, 'GET', presets, undefined, `Bearer ${jwt('test-access-key', 'test-secret-key')}`);
		expect(res.status).toBe(200);
		expect(res.json.code).toBe(0);
	});

	it.each([
		['missing header', null, 1001],
		['empty header', '', 1001],
		['not Bearer form', `Basic ${API_KEY}`, 1002],
		['unknown key', 'Bearer nope', 1000],
		['bad signature', `Bearer ${jwt('test-access-key', 'wrong-secret')}`, 1000],
		['unknown iss', `Bearer ${jwt('other-key', 'test-secret-key')}`, 1000],
		['expired', `Bearer ${jwt('test-access-key', 'test-secret-key', { exp: Math.floor(Date.now() / 1000) - 10 })}`, 1004],
		['not yet valid', `Bearer ${jwt('test-access-key', 'test-secret-key', { nbf: Math.floor(Date.now() / 1000) + 60 })}`, 1003],
	])('rejects %s with HTTP 401', async (_label, header, code) => {
		const res = await call(sim, 'GET', presets, undefined, header);
		expect(res.status).toBe(401);
		expect(res.json.code).toBe(code);
		expect(res.json.request_id).toEqual(expect.any(String));
		expect(res.json.data).toBeUndefined();
	});
});

describe('routing and parsing', () => {
	it('answers 404 code 1202 for unknown paths and wrong methods', async () => {
		const sim = await start();
		const unknown = await call(sim, 'GET', '/v1/general/nothing-here');
		expect([unknown.status, unknown.json.code]).toEqual([404, 1202]);
		const wrongMethod = await call(sim, 'GET', '/v1/general/delete-advanced-elements');
		expect([wrongMethod.status, wrongMethod.json.code]).toEqual([404, 1202]);
		const putElement = await call(sim, 'PUT', ELEMENTS, imageElement());
		expect([putElement.status, putElement.json.code]).toEqual([404, 1202]);
	});

	it('answers 400 code 1200 for a body that is not a JSON object', async () => {
		const sim = await start();
		for (const body of ['{"element_name":', '[1,2]', '']) {
			const res = await call(sim, 'POST', ELEMENTS, body);
			expect([res.status, res.json.code]).toEqual([400, 1200]);
		}
		expect(sim.createdTaskCount()).toBe(0);
	});

	it('accepts the trailing slash of the vendor curl examples', async () => {
		const sim = await start();
		const res = await call(sim, 'POST', `${ELEMENTS}/`, imageElement());
		expect(res.json.code).toBe(0);
	});

	it('lives under a relay path prefix', async () => {
		const sim = await start({ pathPrefix: '/kling/' });
		expect(sim.url).toBe(`${sim.origin}/kling`);
		const ok = await call(sim, 'GET', '/v1/general/advanced-presets-elements');
		expect(ok.json.code).toBe(0);
		const bare = await call(sim, 'GET', '/v1/general/advanced-presets-elements', undefined, `Bearer ${API_KEY}`, sim.origin);
		expect([bare.status, bare.json.code]).toEqual([404, 1202]);
		expect(sim.apiRequests()[0].path).toBe('/kling/v1/general/advanced-presets-elements');
	});
});

describe('lossless JSON', () => {
	it('turns 16+ digit integers outside strings into strings and leaves the rest alone', () => {
		const text = '{"a":835266081714884677,"b":"835266081714884677 in text \\" 9999999999999999","c":1781080778802,"d":[-1234567890123456789,1.5e3,12345678901234567.5]}';
		expect(parseLossless(text)).toEqual({
			a: '835266081714884677',
			b: '835266081714884677 in text " 9999999999999999',
			c: 1781080778802,
			d: ['-1234567890123456789', 1500, 12345678901234567.5],
		});
	});

	it('writes bigint as bare digits', () => {
		expect(stringifyJson({ element_id: 835266081714884677n, s: 'x', u: undefined, n: [1, null] })).toBe(
			'{"element_id":835266081714884677,"s":"x","n":[1,null]}',
		);
	});
});

describe('element life cycle', () => {
	it('goes submitted -> processing -> succeed and then exposes a bare int64 element_id', async () => {
		// Long enough phases that each query lands in the phase it asserts, even on a loaded machine.
		const sim = await start({ timing: { submittedMs: 150, processingMs: 200 } });
		const voiceId = sim.presetVoiceIds()[0];
		const created = await call(sim, 'POST', ELEMENTS, imageElement({ element_voice_id: voiceId, tag_list: [{ tag_id: 'o_102' }], external_task_id: 'ext-1' }));
		expect(created.status).toBe(200);
		const data = created.json.data;
		expect(data).toEqual({
			task_id: expect.stringMatching(/^\d+$/),
			task_status: 'submitted',
			task_info: { external_task_id: 'ext-1' },
			created_at: expect.any(Number),
			updated_at: expect.any(Number),
		});
		const taskId: string = data.task_id;

		const early = await call(sim, 'GET', `${ELEMENTS}/${taskId}`);
		expect(early.json.data.task_status).toBe('submitted');
		expect(early.json.data.task_result).toEqual({});

		await waitFor(() => statusOf(sim, taskId) === 'processing');
		expect((await call(sim, 'GET', `${ELEMENTS}/${taskId}`)).json.data.task_status).toBe('processing');

		await waitFor(() => statusOf(sim, taskId) === 'succeed');
		const done = await call(sim, 'GET', `${ELEMENTS}/ext-1`);
		expect(done.text).toMatch(/"element_id":835266081714884677[,}]/);
		const task = done.json.data;
		expect(task).toMatchObject({
			task_id: taskId,
			task_status: 'succeed',
			task_status_msg: '',
			task_info: { external_task_id: 'ext-1' },
			final_unit_deduction: expect.any(String),
			final_balance_deduction: { quota: expect.any(String), list_price: expect.any(String) },
		});
		expect(task.updated_at).toBeGreaterThan(task.created_at);
		const [element] = task.task_result.elements;
		expect(element).toMatchObject({
			element_id: '835266081714884677',
			element_name: 'Hero',
			reference_type: 'image_refer',
			element_image_list: { frontal_image: 'https://cdn.example.com/front.png' },
			element_voice_info: { voice_id: voiceId, owned_by: 'kling' },
			tag_list: [{ tag_id: 'o_102', tag_name: 'Character' }],
			owned_by: expect.stringMatching(/^\d+$/),
			status: 'succeed',
		});
		expect(sim.createdTaskCount('elements')).toBe(1);
		expect(sim.createdTaskCount('advanced-custom-elements')).toBe(1);
	});

	it('fails an element whose description contains [fail]', async () => {
		const sim = await start();
		const created = await call(sim, 'POST', ELEMENTS, imageElement({ element_description: 'two people [fail]' }));
		const taskId = created.json.data.task_id;
		await waitFor(() => statusOf(sim, taskId) === 'failed');
		const res = await call(sim, 'GET', `${ELEMENTS}/${taskId}`);
		expect(res.json.data).toMatchObject({ task_status: 'failed', task_status_msg: ELEMENT_FAILURE_MESSAGE, task_result: {} });
	});

	it('creates and binds a voice for a video_refer element, re-hosting base64 images elsewhere', async () => {
		const sim = await start();
		const created = await call(sim, 'POST', ELEMENTS, {
			element_name: 'Anchor',
			element_description: 'A news anchor',
			reference_type: 'video_refer',
			element_video_list: { refer_videos: [{ video_url: 'https://cdn.example.com/anchor.mp4' }] },
		});
		await sim.idle();
		const task = (await call(sim, 'GET', `${ELEMENTS}/${created.json.data.task_id}`)).json.data;
		const voice = task.task_result.elements[0].element_voice_info;
		expect(voice).toMatchObject({ voice_id: expect.stringMatching(/^\d+$/), owned_by: expect.stringMatching(/^\d+$/) });
		const voices = (await call(sim, 'GET', '/v1/general/custom-voices')).json.data;
		expect(voices.map((t: { task_result: { voices: Array<{ voice_id: string }> } }) => t.task_result.voices[0].voice_id)).toEqual([voice.voice_id]);
		const trial = await fetch(voice.trial_url);
		expect(trial.status).toBe(200);
	});

	it('rejects a duplicate external_task_id with 1201 naming the field', async () => {
		const sim = await start();
		expect((await call(sim, 'POST', ELEMENTS, imageElement({ external_task_id: 'same' }))).json.code).toBe(0);
		const dup = await call(sim, 'POST', '/v1/general/custom-voices', { voice_name: 'v', voice_url: 'https://x.example/v.mp3', external_task_id: 'same' });
		expect([dup.status, dup.json.code]).toEqual([400, 1201]);
		expect(dup.json.message).toContain('external_task_id');
		expect(sim.createdTaskCount()).toBe(1);
	});

	it('answers an unknown task id with 1203', async () => {
		const sim = await start();
		const res = await call(sim, 'GET', `${ELEMENTS}/123`);
		expect([res.status, res.json.code]).toEqual([404, 1203]);
	});
});

describe('element create validation', () => {
	const png = makePng().toString('base64');
	const cases: Array<[string, Record<string, unknown>, string]> = [
		['missing name', { element_name: undefined }, 'element_name'],
		['long name', { element_name: 'x'.repeat(21) }, 'element_name'],
		['long description', { element_description: 'x'.repeat(101) }, 'element_description'],
		['bad reference_type', { reference_type: 'photo' }, 'reference_type'],
		['no image list', { element_image_list: undefined }, 'element_image_list'],
		['no frontal image', { element_image_list: { refer_images: [{ image_url: 'https://a/b.png' }] } }, 'frontal_image'],
		['four refer images', { element_image_list: { frontal_image: png, refer_images: Array(4).fill({ image_url: png }) } }, 'refer_images'],
		['zero refer images', { element_image_list: { frontal_image: png, refer_images: [] } }, 'refer_images'],
		['data: prefix', { element_image_list: { frontal_image: `data:image/png;base64,${png}`, refer_images: [{ image_url: png }] } }, 'frontal_image'],
		['tiny base64 image', { element_image_list: { frontal_image: makePng(100, 100).toString('base64'), refer_images: [{ image_url: png }] } }, 'frontal_image'],
		['bad tag', { tag_list: [{ tag_id: 'o_109' }] }, 'tag_id'],
		['unknown voice', { element_voice_id: '123' }, 'element_voice_id'],
		['video_refer without videos', { reference_type: 'video_refer' }, 'element_video_list'],
		['two videos', { reference_type: 'video_refer', element_video_list: { refer_videos: [{ video_url: 'https://a/1.mp4' }, { video_url: 'https://a/2.mp4' }] } }, 'refer_videos'],
		['empty video_url', { reference_type: 'video_refer', element_video_list: { refer_videos: [{ video_url: '' }] } }, 'video_url'],
	];

	it.each(cases)('%s -> 400 1201 naming the field', async (_label, overrides, field) => {
		const sim = await start();
		const res = await call(sim, 'POST', ELEMENTS, imageElement(overrides));
		expect([res.status, res.json.code]).toEqual([400, 1201]);
		expect(res.json.message).toContain(field);
		expect(sim.createdTaskCount()).toBe(0);
	});

	it('accepts valid raw base64 images', async () => {
		const sim = await start();
		const res = await call(sim, 'POST', ELEMENTS, imageElement({ element_image_list: { frontal_image: png, refer_images: [{ image_url: png }] } }));
		expect(res.json.code).toBe(0);
		await sim.idle();
		const element = (await call(sim, 'GET', `${ELEMENTS}/${res.json.data.task_id}`)).json.data.task_result.elements[0];
		const hosted = await fetch(element.element_image_list.frontal_image);
		expect(hosted.headers.get('content-type')).toBe('image/png');
		expect(Buffer.from(await hosted.arrayBuffer()).equals(makePng())).toBe(true);
	});
});

describe('concurrency', () => {
	it('answers 429 code 1303 at the limit without creating a task', async () => {
		const sim = await start({ concurrencyLimit: 2, timing: { submittedMs: 150, processingMs: 150 } });
		expect((await call(sim, 'POST', ELEMENTS, imageElement())).json.code).toBe(0);
		expect((await call(sim, 'POST', '/v1/general/ai-multi-shot', { element_frontal_image: 'https://a/b.png' })).json.code).toBe(0);
		const over = await call(sim, 'POST', ELEMENTS, imageElement());
		expect([over.status, over.json.code]).toEqual([429, 1303]);
		expect(over.json.message).toBe('parallel task over resource pack limit');
		expect(sim.createdTaskCount()).toBe(2);
		expect(sim.tasks()).toHaveLength(2);
		await sim.idle();
		expect((await call(sim, 'POST', ELEMENTS, imageElement())).json.code).toBe(0);
		expect(sim.maxInFlightSeen).toBe(2);
	});
});

describe('lists and pagination', () => {
	it('pages custom elements newest first and validates pageNum/pageSize', async () => {
		const sim = await start();
		const ids = [1, 2, 3, 4, 5].map((n) => sim.seedElement({ name: `E${n}` }));
		const page = async (query: string): Promise<string[]> =>
			(await call(sim, 'GET', `${ELEMENTS}?${query}`)).json.data.map(
				(t: { task_result: { elements: Array<{ element_id: string }> } }) => t.task_result.elements[0].element_id,
			);
		expect(await page('pageNum=1&pageSize=2')).toEqual([ids[4], ids[3]]);
		expect(await page('pageNum=3&pageSize=2')).toEqual([ids[0]]);
		expect(await page('pageNum=4&pageSize=2')).toEqual([]);
		expect(await page('')).toHaveLength(5);
		for (const query of ['pageNum=0', 'pageNum=1001', 'pageSize=0', 'pageSize=501', 'pageSize=abc']) {
			const res = await call(sim, 'GET', `${ELEMENTS}?${query}`);
			expect([res.status, res.json.code]).toEqual([400, 1201]);
			expect(res.json.message).toContain(query.split('=')[0]);
		}
	});

	it('allows voice pages up to 1000 and lists presets owned by kling', async () => {
		const sim = await start({ presetElements: 4 });
		expect((await call(sim, 'GET', '/v1/general/custom-voices?pageSize=1000')).json.code).toBe(0);
		expect((await call(sim, 'GET', '/v1/general/custom-voices?pageSize=1001')).json.code).toBe(1201);
		expect((await call(sim, 'GET', '/v1/general/presets-voices?pageSize=1000')).json.data.length).toBeGreaterThan(0);
		const presets = await call(sim, 'GET', '/v1/general/advanced-presets-elements?pageSize=500');
		expect(presets.json.data).toHaveLength(4);
		for (const task of presets.json.data) {
			expect(task.final_unit_deduction).toBeUndefined();
			expect(task.task_result.elements[0]).toMatchObject({ owned_by: 'kling', status: 'succeed' });
			expect(presets.text).toContain(`"element_id":${task.task_result.elements[0].element_id}`);
		}
		expect(sim.presetElementIds()).toHaveLength(4);
	});
});

describe('delete', () => {
	it.each(['/v1/general/delete-advanced-elements', '/v1/general/delete-elements'])('%s deletes a custom element', async (path) => {
		const sim = await start();
		const id = sim.seedElement({ name: 'Doomed' });
		const res = await call(sim, 'POST', path, { element_id: id });
		expect(res.json).toMatchObject({ code: 0, data: { task_id: expect.stringMatching(/^\d+$/), task_status: 'succeed' } });
		const listed = (await call(sim, 'GET', ELEMENTS)).json.data[0].task_result.elements[0];
		expect(listed).toMatchObject({ element_id: id, status: 'deleted' });
		const again = await call(sim, 'POST', path, { element_id: id });
		expect([again.status, again.json.code]).toEqual([400, 1201]);
	});

	it('accepts a bare big integer element_id and refuses unknown ids and presets', async () => {
		const sim = await start();
		const id = sim.seedElement();
		expect(id).toBe('835266081714884677');
		const bare = await call(sim, 'POST', '/v1/general/delete-advanced-elements', `{"element_id":${id}}`);
		expect(bare.json.code).toBe(0);
		const unknown = await call(sim, 'POST', '/v1/general/delete-advanced-elements', { element_id: '835266081714884999' });
		expect([unknown.status, unknown.json.code]).toEqual([400, 1201]);
		const preset = await call(sim, 'POST', '/v1/general/delete-elements', { element_id: sim.presetElementIds()[0] });
		expect([preset.status, preset.json.code]).toEqual([400, 1201]);
		expect(preset.json.message).toContain('element_id');
	});

	it('deletes custom voices, which then leave the voice library', async () => {
		const sim = await start();
		const voiceId = sim.seedVoice({ name: 'Temp' });
		expect((await call(sim, 'GET', '/v1/general/custom-voices')).json.data).toHaveLength(1);
		expect((await call(sim, 'POST', '/v1/general/delete-voices', { voice_id: voiceId })).json.data.task_status).toBe('succeed');
		expect((await call(sim, 'GET', '/v1/general/custom-voices')).json.data).toHaveLength(0);
		expect((await call(sim, 'POST', '/v1/general/delete-voices', { voice_id: voiceId })).json.code).toBe(1201);
		expect((await call(sim, 'POST', '/v1/general/delete-voices', { voice_id: sim.presetVoiceIds()[0] })).json.code).toBe(1201);
		expect((await call(sim, 'POST', ELEMENTS, imageElement({ element_voice_id: voiceId }))).json.code).toBe(1201);
	});
});

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
});

describe('callbacks', () => {
	const VECTOR_SECRET = 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0MTI=';

	interface Received {
		headers: IncomingHttpHeaders;
		body: string;
	}
	let receiver: Server;
	let received: Received[];
	let answer: number;
	let receiverUrl: string;

	beforeEach(async () => {
		received = [];
		answer = 200;
		receiver = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
				res.writeHead(answer).end();
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook?token=abc`;
	});
	afterEach(async () => {
		await new Promise<void>((resolve) => {
			receiver.close(() => resolve());
			receiver.closeAllConnections();
		});
	});

	it('signer reproduces the vendor test vector', () => {
		const body = '{"id":"1234567890","status":"succeeded","message":"","create_time":1781080778802,"update_time":1781080794151}';
		expect(signWebhook(VECTOR_SECRET, '9876543210', 1781080794, body)).toBe('v1,UsKlJP00XoQyOn410NM9xv34sP+Gl0jnOO9Lcpr7NJ4=');
	});

	it('posts signed legacy callbacks for processing and succeed', async () => {
		const sim = await start({ webhookSecret: VECTOR_SECRET });
		const created = await call(sim, 'POST', ELEMENTS, imageElement({ callback_url: receiverUrl, external_task_id: 'cb-1' }));
		await sim.idle();
		expect(received).toHaveLength(2);
		expect(sim.callbacks.map((c) => c.status)).toEqual([200, 200]);
		const statuses = received.map((r) => (parseLossless(r.body) as { task_status: string }).task_status);
		expect(statuses).toEqual(['processing', 'succeed']);
		const key = Buffer.from(VECTOR_SECRET.slice('whsec_'.length), 'base64');
		for (const { headers, body } of received) {
			expect(headers['content-type']).toBe('application/json; charset=utf-8');
			const id = String(headers['webhook-id']);
			const timestamp = String(headers['webhook-timestamp']);
			expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(300);
			const expected = 'v1,' + createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
			expect(String(headers['webhook-signature']).split(' ')).toContain(expected);
		}
		const final = received[1].body;
		expect(final).toMatch(/"element_id":835266081714884677[,}]/);
		expect(parseLossless(final)).toMatchObject({
			task_id: created.json.data.task_id,
			task_status: 'succeed',
			task_info: { external_task_id: 'cb-1' },
			task_result: { elements: [{ element_id: '835266081714884677' }] },
		});
		expect(sim.callbacks[1]).toMatchObject({ url: receiverUrl, body: final });
	});

	it('sends unsigned callbacks without a secret', async () => {
		const sim = await start();
		await call(sim, 'POST', '/v1/general/ai-multi-shot', { element_frontal_image: 'https://a/f.png', callback_url: receiverUrl });
		await sim.idle();
		expect(received).toHaveLength(2);
		expect(received[0].headers['webhook-signature']).toBeUndefined();
	});

	it('retries non-2xx answers callbackRetries times and survives an unreachable receiver', async () => {
		answer = 500;
		const sim = await start({ callbackRetries: 1 });
		await call(sim, 'POST', ELEMENTS, imageElement({ callback_url: receiverUrl, element_description: 'x [fail]' }));
		await sim.idle();
		expect(sim.callbacks.map((c) => c.status)).toEqual([500, 500, 500, 500]);
		const bodies = received.map((r) => (JSON.parse(r.body) as { task_status: string }).task_status);
		expect(bodies).toEqual(['processing', 'processing', 'failed', 'failed']);

		sim.reset();
		await call(sim, 'POST', ELEMENTS, imageElement({ callback_url: 'http://127.0.0.1:1/unreachable' }));
		await sim.idle();
		expect(sim.callbacks.map((c) => c.status)).toEqual(['error', 'error', 'error', 'error']);
		expect((await call(sim, 'GET', ELEMENTS)).json.code).toBe(0);
	});
});

describe('reset and idle helpers', () => {
	it('reset clears tasks, elements, log and counters but keeps presets', async () => {
		const sim = await start();
		await call(sim, 'POST', ELEMENTS, imageElement());
		sim.seedElement();
		sim.reset();
		expect(sim.requests).toHaveLength(0);
		expect(sim.tasks()).toHaveLength(0);
		expect(sim.createdTaskCount()).toBe(0);
		expect(sim.maxInFlightSeen).toBe(0);
		expect((await call(sim, 'GET', ELEMENTS)).json.data).toEqual([]);
		expect((await call(sim, 'GET', '/v1/general/advanced-presets-elements')).json.data).toHaveLength(3);
		expect(sim.seedElement()).toBe('835266081714884677');
	});

	it('applies runtime option changes', async () => {
		const sim = await start();
		sim.options.apiKeys.push('second-key');
		sim.options.timing = { submittedMs: 0, processingMs: 0 };
		const res = await call(sim, 'POST', ELEMENTS, imageElement(), 'Bearer second-key');
		expect(res.json.code).toBe(0);
		await waitFor(() => statusOf(sim, res.json.data.task_id) === 'succeed', 1000);
	});
});
