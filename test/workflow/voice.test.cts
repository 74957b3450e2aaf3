import { runListSearch } from '../harness/listSearch.cts';
import { chain, emptyItems, runWorkflow } from '../harness/workflow.cts';
import { apiKeyCredential, createMiraElement, klingNode, useSimulator } from './helpers.cts';
import { byId, motionNode } from './videoHelpers.cts';

const ctx = useSimulator({ timing: { submittedMs: 20, processingMs: 40 } });

const createVoice = (parameters: Record<string, unknown> = {}) =>
	klingNode('Create Voice', { resource: 'voice', operation: 'create', voiceName: 'Mira calm', voiceUrl: 'https://cdn.example.com/mira.mp3', ...parameters });

describe('Voice → Create', () => {
	it.each(['portrait.png', 'clip.webm', 'memo.m4a'])('refuses a URL of %s, clearly no MP3, WAV, MP4 or MOV, before any request', async (file) => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(createVoice({ voiceUrl: `https://cdn.example.com/${file}` })), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toMatch(new RegExp(`Audio or Video URL must point to an MP3, WAV, MP4 or MOV file, not \\.${file.split('.')[1]}`));
		expect(sim.requests).toEqual([]);
	});

	it('takes a name that an expression gives as a number as its text', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(emptyItems(1), createVoice({ voiceName: '={{ $json.index + 7 }}' })), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		expect(sim.apiRequests({ method: 'POST' })[0].body).toMatchObject({ voice_name: '7' });
	});

	it('creates a voice from a recording and waits for its id', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(createVoice()), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		const [task] = sim.tasks('voices');
		expect(result.output('Create Voice')[0].json).toMatchObject({ voiceId: task.outputId, voiceName: 'Mira calm', trialUrl: expect.stringMatching(/\.mp3$/), status: 'succeed', taskId: task.taskId });
		expect(sim.apiRequests({ method: 'POST' })[0].body).toEqual({
			voice_name: 'Mira calm',
			voice_url: 'https://cdn.example.com/mira.mp3',
			external_task_id: expect.stringMatching(/^n8n-/),
		});
	});

	it('creates a voice from the speech in a Kling video, sending only the video id', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({
			...chain(motionNode({ model: 'kling-v2-6' }), createVoice({ voiceSource: 'video', videoId: '={{ $json.videoId }}' })),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		const videoId = result.output('Motion Control')[0].json.videoId as string;
		expect(BigInt(videoId)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
		const [create] = sim.apiRequests({ method: 'POST', pathIncludes: 'custom-voices' });
		expect(create.body).toEqual({ voice_name: 'Mira calm', video_id: videoId, external_task_id: expect.stringMatching(/^n8n-/) });
		expect(create.rawBody).toContain(`"video_id":"${videoId}"`);
	});

	it('sends a video ID in the UUID form that older Kling answers and relays give, as it is', async () => {
		const { sim } = ctx;
		const videoId = 'b39fd23a-58fb-4ca7-8f99-20d98f06639d';
		await runWorkflow({ ...chain(createVoice({ voiceSource: 'video', videoId })), credentials: apiKeyCredential(sim) });
		const [create] = sim.apiRequests({ method: 'POST', pathIncludes: 'custom-voices' });
		expect(create.rawBody).toContain(`"video_id":"${videoId}"`);
	});

	it.each([
		['a name over 20 characters', { voiceName: 'A voice name far too long' }, /Name must be at most 20 characters \(it has 25\)/],
		['no recording URL', { voiceUrl: '' }, /"Audio or Video URL" is required/],
		['a recording that is not an http URL', { voiceUrl: 'file:///tmp/a.mp3' }, /Audio or Video URL must be an http\(s\) URL/],
		['a video URL given as the video ID', { voiceSource: 'video', videoId: 'https://cdn.example.com/clip.mp4' }, /Video ID must be a Kling video ID/],
	])('refuses %s before any request', async (_title, parameters, message) => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(createVoice(parameters)), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toMatch(message);
		expect(sim.requests).toHaveLength(0);
	});
});

const getVoice = (voice: unknown) => klingNode('Get Voice', { resource: 'voice', operation: 'get', voice: voice as Record<string, unknown> });

describe('Voice → Get', () => {
	const reads = () => ctx.sim.apiRequests({ method: 'GET' }).map((request) => request.path);

	it('gets one of your voices, by ID or picked from the list, without reading the presets', async () => {
		const { sim } = ctx;
		sim.seedVoice({ name: 'Rex' });
		const voiceId = sim.seedVoice({ name: 'Mira calm' });
		for (const voice of [byId(voiceId), { __rl: true, mode: 'list', value: voiceId, cachedResultName: 'Mira calm' }]) {
			sim.requests.length = 0;
			const result = await runWorkflow({ ...chain(getVoice(voice)), credentials: apiKeyCredential(sim) });
			expect(result.error).toBeUndefined();
			expect(result.output('Get Voice').map((item) => item.json)).toEqual([{ voiceId, voiceName: 'Mira calm', trialUrl: expect.stringMatching(/\.mp3$/), ownedBy: expect.any(String) }]);
			expect(reads()).toEqual(['/v1/general/custom-voices']);
		}
	});

	it('gets a Kling preset after looking through your voices', async () => {
		const { sim } = ctx;
		const [, bright] = sim.presetVoiceIds();
		const result = await runWorkflow({ ...chain(getVoice(byId(bright))), credentials: apiKeyCredential(sim) });
		expect(result.output('Get Voice')[0].json).toMatchObject({ voiceId: bright, voiceName: 'Bright Girl', ownedBy: 'kling' });
		expect(reads()).toEqual(['/v1/general/custom-voices', '/v1/general/presets-voices']);
	});

	it('says Kling has no voice with an unknown ID', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(getVoice(byId('850087542757530000'))), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toBe('Kling has no voice with ID 850087542757530000');
		expect(reads()).toEqual(['/v1/general/custom-voices', '/v1/general/presets-voices']);
	});

	it("gives the voice's ID when its name was given instead of its ID", async () => {
		const { sim } = ctx;
		const voiceId = sim.seedVoice({ name: 'Narrator' });
		const result = await runWorkflow({ ...chain(getVoice(byId('Narrator'))), credentials: apiKeyCredential(sim) });
		expect(result.error?.message).toBe('Kling has no voice with ID Narrator');
		expect(result.error?.description).toBe(`That is the name of the voice with ID ${voiceId}: pick it from the list or give its ID.`);
	});
});

describe('Voice → Get Creation Task, Get Many, Delete', () => {
	it('reads the creation task by task id and by external task id', async () => {
		const { sim } = ctx;
		const created = await runWorkflow({ ...chain(createVoice({ options: { completion: 'returnTask', externalTaskId: 'voice-7' } })), credentials: apiKeyCredential(sim) });
		expect(created.output('Create Voice')[0].json).toMatchObject({ status: 'submitted', externalTaskId: 'voice-7' });
		await sim.idle();
		const taskId = created.output('Create Voice')[0].json.taskId as string;
		for (const id of [taskId, 'voice-7']) {
			const result = await runWorkflow({ ...chain(klingNode('Get Task', { resource: 'voice', operation: 'getTask', taskId: id })), credentials: apiKeyCredential(sim) });
			expect(result.output('Get Task')[0].json).toMatchObject({ taskId, externalTaskId: 'voice-7', status: 'succeed', voiceId: sim.tasks('voices')[0].outputId, voiceName: 'Mira calm' });
		}
	});

	it('lists custom voices with a limit and a name filter, and the presets', async () => {
		const { sim } = ctx;
		const ids = ['Mira', 'Rex', 'Mira loud'].map((name) => sim.seedVoice({ name }));
		const list = async (parameters: Record<string, unknown>) => {
			const result = await runWorkflow({ ...chain(klingNode('Voices', { resource: 'voice', operation: 'getAll', ...parameters })), credentials: apiKeyCredential(sim) });
			expect(result.error).toBeUndefined();
			return result.output('Voices').map((item) => item.json);
		};
		expect((await list({ returnAll: true })).map((voice) => voice.voiceId).sort()).toEqual([...ids].sort());
		expect(await list({ limit: 2 })).toHaveLength(2);
		expect((await list({ returnAll: true, filters: { nameContains: 'mira' } })).map((voice) => voice.voiceName).sort()).toEqual(['Mira', 'Mira loud']);
		const presets = await list({ library: 'preset', returnAll: true });
		expect(presets.map((voice) => voice.voiceId)).toEqual(sim.presetVoiceIds());
		expect(presets[0]).toMatchObject({ ownedBy: 'kling' });
		// Voice lists take pages of up to 1000.
		expect(sim.apiRequests({ pathIncludes: 'custom-voices' })[0].query.pageSize).toBe('1000');
	});

	it('deletes a voice picked by id, after which it is no longer listed', async () => {
		const { sim } = ctx;
		const voiceId = sim.seedVoice({ name: 'Old' });
		const result = await runWorkflow({
			...chain(
				klingNode('Delete Voice', { resource: 'voice', operation: 'delete', voice: byId(voiceId) }),
				klingNode('Voices', { resource: 'voice', operation: 'getAll', returnAll: true }),
			),
			credentials: apiKeyCredential(sim),
		});
		expect(result.output('Delete Voice')[0].json).toEqual({ deleted: true, voiceId });
		expect(sim.apiRequests({ method: 'POST' })[0].body).toEqual({ voice_id: voiceId });
		expect(result.output('Voices')).toHaveLength(0);
	});

	it("says a deleted voice's creation task may no longer show it, not only to read the task again", async () => {
		const { sim } = ctx;
		const created = await runWorkflow({ ...chain(createVoice()), credentials: apiKeyCredential(sim) });
		const { voiceId, taskId } = created.output('Create Voice')[0].json as { voiceId: string; taskId: string };
		const result = await runWorkflow({
			...chain(
				klingNode('Delete Voice', { resource: 'voice', operation: 'delete', voice: byId(voiceId) }),
				klingNode('Get Task', { resource: 'voice', operation: 'getTask', taskId }),
			),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error?.message).toBe(`Kling reports task ${taskId} succeeded, but its answer holds no voice ID`);
		expect(result.error?.description).toMatch(/A voice deleted since is no longer shown/);
	});
});

describe('Voice picker', () => {
	it('finds a voice, and an element, by the ID typed into the search box', async () => {
		const { sim } = ctx;
		const voiceId = sim.seedVoice({ name: 'Mira calm' });
		const elementId = sim.seedElement({ name: 'Captain Mira' });
		expect((await runListSearch('searchVoices', apiKeyCredential(sim), { filter: voiceId })).results.map((item) => item.value)).toEqual([voiceId]);
		expect((await runListSearch('searchElements', apiKeyCredential(sim), { filter: elementId })).results.map((item) => item.value)).toEqual([elementId]);
	});

	it.each(['searchVoicesOwnOnly', 'searchElementsOwnOnly'])("lists only the account's own in Delete's picker (%s): presets cannot be deleted", async (method) => {
		const { sim } = ctx;
		const own = method.startsWith('searchVoices') ? sim.seedVoice({ name: 'Mira calm' }) : sim.seedElement({ name: 'Captain Mira' });
		const listed = await runListSearch(method, apiKeyCredential(sim));
		expect(listed.results.map((item) => item.value)).toEqual([own]);
		expect(listed.paginationToken).toBeUndefined();
	});

	// n8n's editor asks for a next page only when the user scrolls to the end of a list that fills the dropdown, never
	// after an answer with no results: so the first answer must hold what the user looks for.
	it.each([
		['searchVoices', () => ctx.sim.presetVoiceIds()],
		['searchElements', () => ctx.sim.presetElementIds()],
	])("shows Kling's presets in the first answer to an account with none of its own (%s)", async (method, presetIds) => {
		const listed = await runListSearch(method, apiKeyCredential(ctx.sim));
		expect(listed.results.map((item) => item.value)).toEqual(presetIds());
		expect(listed.paginationToken).toBeUndefined();
	});

	it('finds a preset by name, and one of yours beyond the first page, in the first answer to a search', async () => {
		const { sim } = ctx;
		const old = sim.seedElement({ name: 'Old Mira' });
		for (let i = 0; i < 500; i++) sim.seedElement({ name: `Seed ${i}` });
		const astronaut = await runListSearch('searchElements', apiKeyCredential(sim), { filter: 'astronaut' });
		expect(astronaut.results.map((item) => item.name)).toEqual(['Astronaut (Kling preset)']);
		expect((await runListSearch('searchElements', apiKeyCredential(sim), { filter: 'old mira' })).results.map((item) => item.value)).toEqual([old]);
		expect((await runListSearch('searchElementsOwnOnly', apiKeyCredential(sim), { filter: 'old mira' })).results.map((item) => item.value)).toEqual([old]);
	});

	it('lists a long library page by page after a first answer that ends with the presets', async () => {
		const { sim } = ctx;
		const old = sim.seedElement({ name: 'Old Mira' });
		for (let i = 0; i < 500; i++) sim.seedElement({ name: `Seed ${i}` });
		const first = await runListSearch('searchElements', apiKeyCredential(sim));
		expect(first.results).toHaveLength(500 + sim.presetElementIds().length);
		expect(first.results.slice(500).map((item) => item.value)).toEqual(sim.presetElementIds());
		const next = await runListSearch('searchElements', apiKeyCredential(sim), { paginationToken: first.paginationToken as string });
		expect(next.results.map((item) => item.value)).toEqual([old]);
		expect(next.paginationToken).toBeUndefined();
	});

	it('lists custom voices first, then presets, and binds the picked voice to a new element', async () => {
		const { sim } = ctx;
		const voiceId = sim.seedVoice({ name: 'Mira calm' });
		const listed = await runListSearch('searchVoices', apiKeyCredential(sim));
		expect(listed.results[0]).toEqual({ name: 'Mira calm', value: voiceId, url: expect.stringMatching(/\.mp3$/) });
		expect(listed.results.slice(1).map((item) => item.value)).toEqual(sim.presetVoiceIds());
		expect(listed.paginationToken).toBeUndefined();
		const warm = await runListSearch('searchVoices', apiKeyCredential(sim), { filter: 'warm' });
		expect(warm.results).toEqual([expect.objectContaining({ name: 'Warm Narrator (Kling preset)', value: sim.presetVoiceIds()[0] })]);
		expect(warm.paginationToken).toBeUndefined();

		sim.reset();
		const bound = sim.seedVoice({ name: 'Mira calm' });
		const result = await runWorkflow({
			...chain(
				createMiraElement({
					voiceId: { __rl: true, mode: 'list', value: bound, cachedResultName: 'Mira calm' },
				}),
			),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		const [create] = sim.apiRequests({ method: 'POST' });
		expect(create.rawBody).toContain(`"element_voice_id":"${bound}"`);
		expect(result.output('Create Element')[0].json).toMatchObject({ voiceId: bound, voiceName: 'Mira calm' });
	});
});
