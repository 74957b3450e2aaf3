/** The simulator's elements: life cycle, create validation, concurrency, lists and delete. */
import { ELEMENT_FAILURE_MESSAGE, makePng } from '../simulator/index.cts';
import { call, ELEMENTS, FAST, imageElement, simulatorStarter, statusOf, waitFor } from './simulatorKit.cts';

const start = simulatorStarter(FAST);

describe('element life cycle', () => {
	it('goes submitted -> processing -> succeed and then exposes a bare int64 element_id', async () => {
		// Phases of an hour each: the test moves the task on itself, so each query lands in the phase it asserts.
		const sim = await start({ timing: { submittedMs: 3_600_000, processingMs: 3_600_000 } });
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

		sim.advanceTask(taskId);
		expect((await call(sim, 'GET', `${ELEMENTS}/${taskId}`)).json.data.task_status).toBe('processing');

		sim.advanceTask(taskId);
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

	it('with automaticVoice, creates and binds a voice for a video_refer element', async () => {
		const sim = await start({ automaticVoice: true });
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

	it.each([
		['empty', { element_voice_info: {} }],
		['null', { element_voice_info: null }],
		['absent', {}],
	] as const)('by default makes no voice for a video element; element_voice_info %s as configured', async (missingVoiceInfo, shown) => {
		const sim = await start({ missingVoiceInfo });
		const created = await call(sim, 'POST', ELEMENTS, {
			element_name: 'Anchor',
			element_description: 'A news anchor',
			reference_type: 'video_refer',
			element_video_list: { refer_videos: [{ video_url: 'https://cdn.example.com/anchor.mp4' }] },
		});
		await sim.idle();
		const [element] = (await call(sim, 'GET', `${ELEMENTS}/${created.json.data.task_id}`)).json.data.task_result.elements;
		expect(Object.fromEntries(Object.entries(element).filter(([key]) => key === 'element_voice_info'))).toEqual(shown);
		expect((await call(sim, 'GET', '/v1/general/custom-voices')).json.data).toHaveLength(0);
	});

	it.each(['element_type', 'none'] as const)('can name the element kind %s instead of reference_type', async (elementKindKey) => {
		const sim = await start({ elementKindKey });
		sim.seedElement({ referenceType: 'video_refer' });
		const [element] = (await call(sim, 'GET', ELEMENTS)).json.data[0].task_result.elements;
		expect(element.reference_type).toBeUndefined();
		expect(element.element_type).toBe(elementKindKey === 'none' ? undefined : 'video_refer');
	});

	it('seeds an element with a chosen id of 19 digits and answers it as bare digits', async () => {
		const sim = await start();
		const id = sim.seedElement({ id: '9123456789012345678' });
		expect(id).toBe('9123456789012345678');
		const { text } = await call(sim, 'GET', ELEMENTS);
		expect(text).toContain('"element_id":9123456789012345678');
	});

	it('rejects a duplicate external_task_id with 1201 naming the field', async () => {
		const sim = await start();
		expect((await call(sim, 'POST', ELEMENTS, imageElement({ external_task_id: 'same' }))).json.code).toBe(0);
		const dup = await call(sim, 'POST', '/v1/general/custom-voices', { voice_name: 'v', voice_url: 'https://x.example/v.mp3', external_task_id: 'same' });
		expect([dup.status, dup.json.code]).toEqual([400, 1201]);
		expect(dup.json.message).toContain('external_task_id');
		expect(sim.createdTaskCount()).toBe(1);
	});

	it('answers an unknown task id or external id with HTTP 400, 1201, as Kling does live', async () => {
		const sim = await start();
		for (const id of ['123', 'my-missing-task']) {
			const res = await call(sim, 'GET', `${ELEMENTS}/${id}`);
			expect([res.status, res.json.code, res.json.message]).toEqual([400, 1201, `Task not found by id/external id: ${id}`]);
		}
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
		// The first two tasks run until the test ends them, so their slots stay taken without timing.
		const sim = await start({ concurrencyLimit: 2, timing: { submittedMs: 3_600_000, processingMs: 3_600_000 } });
		const element = await call(sim, 'POST', ELEMENTS, imageElement());
		const views = await call(sim, 'POST', '/v1/general/ai-multi-shot', { element_frontal_image: 'https://a/b.png' });
		expect([element.json.code, views.json.code]).toEqual([0, 0]);
		const over = await call(sim, 'POST', ELEMENTS, imageElement());
		expect([over.status, over.json.code]).toEqual([429, 1303]);
		expect(over.json.message).toBe('parallel task over resource pack limit');
		expect(sim.createdTaskCount()).toBe(2);
		expect(sim.tasks()).toHaveLength(2);
		sim.finishTask(element.json.data.task_id);
		sim.finishTask(views.json.data.task_id);
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
