import type { INode } from 'n8n-workflow';

import { binaryFile, makeJpeg, makePng } from '../fixtures/images.cts';
import { chain, emptyItems, runWorkflow, sourceItems } from '../harness/workflow.cts';
import { fakeMp4 } from '../simulator/index.cts';
import { apiKeyCredential, createMiraElement, klingNode, useSimulator } from './helpers.cts';
import { binaryBytes, elementList, elementListReads, featureVideo, imageList, imageToVideoNode, motionNode, omniNode, seedElements, urlImage, voiceList } from './videoHelpers.cts';

const ctx = useSimulator({ timing: { submittedMs: 20, processingMs: 40 } });
const externalTaskId = expect.stringMatching(/^n8n-/);

describe('Element → Motion Control → Omni Video → Download', () => {
	it('chains a new element through two videos and ends with the video as binary data', async () => {
		const { sim } = ctx;
		const [presetId] = sim.presetElementIds();
		const result = await runWorkflow({
			...chain(
				createMiraElement(),
				motionNode({ elements: elementList('={{ $json.elementId }}') }),
				omniNode({
					prompt: '@Captain Mira meets <<<element_2>>> on the pier',
					elements: elementList("={{ $('Create Element').item.json.elementId }}", presetId),
				}),
				klingNode('Download Video', { resource: 'video', operation: 'get', kind: 'omni', taskId: '={{ $json.taskId }}', options: { download: true } }),
			),
			credentials: apiKeyCredential(sim),
		});

		expect(result.error).toBeUndefined();
		const elementId = result.output('Create Element')[0].json.elementId as string;
		expect(elementId).toBe(sim.tasks('elements')[0].outputId);
		expect(BigInt(elementId)).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));

		const [motionCreate] = sim.apiRequests({ method: 'POST', pathIncludes: 'motion-control' });
		expect(motionCreate.body).toEqual({
			model_name: 'kling-v3',
			image_url: 'https://cdn.example.com/mira-front.png',
			video_url: 'https://cdn.example.com/dance.mp4',
			character_orientation: 'video',
			mode: 'std',
			keep_original_sound: 'yes',
			element_list: [{ element_id: elementId }],
			watermark_info: { enabled: false },
			external_task_id: externalTaskId,
		});
		// Sent as a bare integer with every digit, as Kling types it (never a rounded JSON number).
		expect(motionCreate.rawBody).toContain(`"element_id":${elementId}}`);

		const [omniCreate] = sim.apiRequests({ method: 'POST', pathIncludes: 'omni-video' });
		expect(omniCreate.body).toEqual({
			model_name: 'kling-v3-omni',
			prompt: '<<<element_1>>> meets <<<element_2>>> on the pier',
			element_list: [{ element_id: elementId }, { element_id: presetId }],
			sound: 'off',
			mode: 'std',
			aspect_ratio: '16:9',
			duration: '5',
			watermark_info: { enabled: false },
			external_task_id: externalTaskId,
		});
		expect(omniCreate.rawBody).toContain(`[{"element_id":${elementId}},{"element_id":${presetId}}]`);

		const motion = result.output('Motion Control')[0].json;
		expect(motion).toMatchObject({ status: 'succeed', videoId: expect.stringMatching(/^\d{18}$/), duration: 5 });
		const [downloaded] = result.output('Download Video');
		const omniTask = sim.tasks('omni-video')[0];
		expect(downloaded.json).toMatchObject({ taskId: omniTask.taskId, status: 'succeed', videoUrl: expect.stringContaining('/files/') });
		const binary = downloaded.binary!.data;
		expect(binary).toMatchObject({ mimeType: 'video/mp4', fileName: `kling-${downloaded.json.videoId}.mp4` });
		expect((await binaryBytes(binary)).equals(fakeMp4(sim.options.videoBytes))).toBe(true);
	});
});

describe('Video → Motion Control', () => {
	it('sends a binary character image as raw Base64, and keep original sound as the string "no"', async () => {
		const { sim } = ctx;
		const image = makeJpeg(720, 1280);
		const result = await runWorkflow({
			...chain(
				sourceItems([{ photo: binaryFile(image, 'mira.jpg', 'image/jpeg') }]),
				motionNode({ model: 'kling-v2-6', imageSource: 'binary', imageBinaryProperty: 'photo', characterOrientation: 'image', mode: 'pro', keepOriginalSound: false, prompt: 'On a stage', options: { watermark: true } }),
			),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		const [create] = sim.apiRequests({ method: 'POST' });
		expect(create.body).toEqual({
			model_name: 'kling-v2-6',
			image_url: image.toString('base64'),
			video_url: 'https://cdn.example.com/dance.mp4',
			character_orientation: 'image',
			mode: 'pro',
			keep_original_sound: 'no',
			prompt: 'On a stage',
			watermark_info: { enabled: true },
			external_task_id: externalTaskId,
		});
		expect(result.output('Motion Control')[0].json).toMatchObject({ watermarkUrl: expect.stringContaining('watermark') });
	});

	it('sends Kling 2.6 no element: Elements shows only for Kling 3.0, and n8n drops a hidden field before the node runs', async () => {
		const { sim } = ctx;
		const [elementId] = seedElements(sim, 1);
		const result = await runWorkflow({ ...chain(motionNode({ model: 'kling-v2-6', elements: elementList(elementId) })), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		const [create] = sim.apiRequests({ method: 'POST' });
		expect(create.body).toMatchObject({ model_name: 'kling-v2-6' });
		expect(create.body).not.toHaveProperty('element_list');
	});

	it('sends element ids as bare integers, which an endpoint that refuses strings takes at once', async () => {
		const { sim } = ctx;
		sim.options.elementIdForms = 'integer';
		const [elementId] = seedElements(sim, 1);
		const result = await runWorkflow({ ...chain(motionNode({ elements: elementList(elementId) })), credentials: apiKeyCredential(sim) });

		expect(result.error).toBeUndefined();
		const creates = sim.apiRequests({ method: 'POST' });
		expect(creates.map((create) => create.code)).toEqual([0]);
		expect(creates[0].rawBody).toContain(`"element_list":[{"element_id":${elementId}}]`);
	});

	it('sends the element ids once more as strings to an endpoint that refuses integers, and makes one task', async () => {
		const { sim } = ctx;
		sim.options.elementIdForms = 'string';
		const [elementId] = seedElements(sim, 1);
		const result = await runWorkflow({ ...chain(motionNode({ elements: elementList(elementId) })), credentials: apiKeyCredential(sim) });

		expect(result.error).toBeUndefined();
		const creates = sim.apiRequests({ method: 'POST' });
		expect(creates.map((create) => create.code)).toEqual([1201, 0]);
		expect(creates[0].rawBody).toContain(`"element_list":[{"element_id":${elementId}}]`);
		expect(creates[1].rawBody).toContain(`"element_list":[{"element_id":"${elementId}"}]`);
		expect(sim.createdTaskCount()).toBe(1);
		const { external_task_id: sentId } = creates[1].body as { external_task_id: string };
		expect(result.output('Motion Control')[0].json.taskId).toBe(sim.tasks().find((task) => task.externalTaskId === sentId)?.taskId);
	});

	it.each([
		['a video character on Kling O1', (ids: string[]) => omniNode({ model: 'kling-video-o1', elements: elementList(...ids) }), ['video_refer'], /kling-video-o1 accepts multi-image elements only/],
		['2 video characters with a reference video', (ids: string[]) => omniNode({ referenceVideo: featureVideo, elements: elementList(...ids) }), ['video_refer', 'video_refer'], /at most 1 video character element with a reference video/],
	] as const)("shows Kling's own reason for refusing %s, not the refusal of the string-id retry", async (_title, node, kinds, reason) => {
		const { sim } = ctx;
		sim.options.elementIdForms = 'integer';
		const ids = kinds.map((referenceType, n) => sim.seedElement({ name: `Actor ${n + 1}`, referenceType }));
		const result = await runWorkflow({ ...chain(node(ids)), credentials: apiKeyCredential(sim) });
		// Kling refuses the create for its rule (1201), then the retry with string ids for their form (1200).
		expect(sim.apiRequests({ method: 'POST' }).map((create) => create.code)).toEqual([1201, 1200]);
		expect(sim.createdTaskCount()).toBe(0);
		expect(result.error?.message).toMatch(reason);
	});

	it("with Retry On Fail, takes over the first try's task when Kling calls the external task ID used, sending no string-id retry", async () => {
		const { sim } = ctx;
		sim.options.elementIdForms = 'integer';
		const [elementId] = seedElements(sim, 1);
		// The first try makes the task, then fails at its download.
		sim.injectFault({ when: { pathIncludes: '/files/' }, fault: { kind: 'cutFile' } });
		const node = { ...omniNode({ elements: elementList(elementId), options: { download: true } }), retryOnFail: true, maxTries: 2, waitBetweenTries: 0 };
		const result = await runWorkflow({ ...chain(node), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		expect(sim.apiRequests({ method: 'POST' }).map((create) => create.code)).toEqual([0, 1201]);
		expect(sim.createdTaskCount()).toBe(1);
	});

	it('says "Probably a duplicate" for the user\'s own External Task ID used again on a create with elements', async () => {
		const { sim } = ctx;
		sim.options.elementIdForms = 'integer';
		const [elementId] = seedElements(sim, 1);
		const node = { ...omniNode({ elements: elementList(elementId), options: { externalTaskId: 'campaign-7', completion: 'returnTask' } }), continueOnFail: true };
		await runWorkflow({ ...chain(node), credentials: apiKeyCredential(sim) });
		const again = await runWorkflow({ ...chain(node), credentials: apiKeyCredential(sim) });
		expect(sim.createdTaskCount()).toBe(1);
		expect(again.output('Omni Video')[0].json.description).toMatch(/Probably a duplicate/);
	});

	it.each(['both', 'string'] as const)('keeps a 19-digit element id exact from Kling\'s list to the request body (endpoint takes %s)', async (forms) => {
		const { sim } = ctx;
		sim.options.elementIdForms = forms;
		const id = sim.seedElement({ id: '9123456789012345678', name: 'Nineteen' });
		const result = await runWorkflow({
			...chain(
				klingNode('Find Element', { resource: 'element', operation: 'getAll', library: 'custom', returnAll: true, filters: { nameContains: 'Nineteen' } }),
				motionNode({ elements: elementList('={{ $json.elementId }}') }),
			),
			credentials: apiKeyCredential(sim),
		});

		expect(result.error).toBeUndefined();
		expect(result.output('Find Element')[0].json.elementId).toBe(id);
		const sent = sim.apiRequests({ method: 'POST' }).filter((create) => create.code === 0);
		expect(sent).toHaveLength(1);
		expect(sent[0].rawBody).toContain(forms === 'both' ? `{"element_id":${id}}` : `{"element_id":"${id}"}`);
		expect(sim.tasks('motion-control')[0].body.element_list).toEqual([{ element_id: id }]);
	});
});

describe('Video → Omni Video', () => {
	it('builds the lists in the order given, with frames, a feature video and custom shots (the Prompt, unused then, neither sent nor checked)', async () => {
		const { sim } = ctx;
		const [a, b] = seedElements(sim, 2);
		const frame = makePng(640, 360);
		const result = await runWorkflow({
			...chain(
				sourceItems([{ frame: binaryFile(frame, 'start.png', 'image/png') }]),
				omniNode({
					prompt: 'Typed before the shots: <<<element_9>>>',
					elements: elementList(b, a),
					images: imageList({ use: 'first_frame', source: 'binary', binaryProperty: 'frame' }, urlImage('https://cdn.example.com/hat.png')),
					referenceVideo: featureVideo,
					aspectRatio: 'auto',
					duration: '8',
					multiShot: true,
					shotType: 'customize',
					shots: { shot: [{ prompt: '<<<element_1>>> opens the door', duration: 3 }, { prompt: '@Prop 1 wears <<<image_2>>>', duration: 5 }] },
				}),
			),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		const [create] = sim.apiRequests({ method: 'POST' });
		expect(create.body).toEqual({
			model_name: 'kling-v3-omni',
			multi_shot: true,
			shot_type: 'customize',
			multi_prompt: [
				{ index: 1, prompt: '<<<element_1>>> opens the door', duration: '3' },
				{ index: 2, prompt: '<<<element_2>>> wears <<<image_2>>>', duration: '5' },
			],
			image_list: [{ image_url: frame.toString('base64'), type: 'first_frame' }, { image_url: 'https://cdn.example.com/hat.png' }],
			element_list: [{ element_id: b }, { element_id: a }],
			video_list: [{ video_url: 'https://cdn.example.com/clip.mp4', refer_type: 'feature', keep_original_sound: 'no' }],
			sound: 'off',
			mode: 'std',
			duration: '8',
			watermark_info: { enabled: false },
			external_task_id: externalTaskId,
		});
		expect(result.output('Omni Video')[0].json).toMatchObject({ status: 'succeed', duration: 8 });
	});

	it('reads no element list without @names, and sends Kling O1 no sound field', async () => {
		const { sim } = ctx;
		const ids = seedElements(sim, 2);
		const v3 = await runWorkflow({ ...chain(omniNode({ elements: elementList(...ids), sound: 'on' })), credentials: apiKeyCredential(sim) });
		expect(v3.error).toBeUndefined();
		expect(elementListReads(sim)).toHaveLength(0);
		expect(sim.apiRequests({ method: 'POST' })[0].body).toMatchObject({ sound: 'on' });

		sim.reset();
		const o1 = await runWorkflow({ ...chain(omniNode({ model: 'kling-video-o1', duration: '10' })), credentials: apiKeyCredential(sim) });
		expect(o1.error).toBeUndefined();
		expect(sim.apiRequests({ method: 'POST' })[0].body).not.toHaveProperty('sound');
	});

	it('translates @names with the names the pickers remembered, reading no element list', async () => {
		const { sim } = ctx;
		const [mira] = seedElements(sim, 1);
		const [astronaut] = sim.presetElementIds();
		const picked = (value: string, cachedResultName: string) => ({ element: { __rl: true, mode: 'list', value, cachedResultName } });
		const result = await runWorkflow({
			...chain(omniNode({ prompt: '@Astronaut salutes @mira', elements: { element: [picked(mira, 'Mira'), picked(astronaut, 'Astronaut (Kling preset)')] } })),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		expect(sim.apiRequests({ method: 'POST' })[0].body).toMatchObject({ prompt: '<<<element_2>>> salutes <<<element_1>>>' });
		expect(elementListReads(sim)).toHaveLength(0);
	});

	it('leaves Kling O1 element kinds to Kling for many items, reading no element list', async () => {
		const { sim } = ctx;
		const ids = seedElements(sim, 2);
		const result = await runWorkflow({
			...chain(emptyItems(3), omniNode({ model: 'kling-video-o1', elements: elementList(...ids), options: { completion: 'returnTask' } })),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		expect(result.output('Omni Video')).toHaveLength(3);
		expect(elementListReads(sim)).toHaveLength(0);
		expect(sim.createdTaskCount('omni-video')).toBe(3);
	});

	it('reads the element lists once per run to translate @names of elements given by ID, for many items', async () => {
		const { sim } = ctx;
		const ids = seedElements(sim, 2);
		const result = await runWorkflow({
			...chain(emptyItems(3), omniNode({ prompt: '@Prop 2 greets @Prop 1', elements: elementList(...ids), options: { completion: 'returnTask' } })),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		const creates = sim.apiRequests({ method: 'POST' });
		expect(creates.map((create) => (create.body as { prompt: string }).prompt)).toEqual(Array(3).fill('<<<element_2>>> greets <<<element_1>>>'));
		expect(elementListReads(sim)).toHaveLength(1);
	});

	it('fails every item whose @names it could not look up when the element list cannot be read, and creates nothing', async () => {
		const { sim } = ctx;
		const ids = seedElements(sim, 2);
		sim.injectFault({ when: { product: 'elements', method: 'GET' }, times: Infinity, fault: { kind: 'error', code: 1103 } });
		const omni = { ...omniNode({ prompt: '@Prop 2 greets @Prop 1', elements: elementList(...ids), options: { completion: 'returnTask' } }), continueOnFail: true };
		const result = await runWorkflow({ ...chain(emptyItems(2), omni), credentials: apiKeyCredential(sim) });
		expect(result.output('Omni Video').map((item) => item.json.error)).toEqual(Array(2).fill(expect.stringMatching(/^No permission for this API or model/)));
		expect(sim.apiRequests({ method: 'POST' })).toHaveLength(0);
	});

	it("takes the lists' choices from expressions, by value or by an option's name in any case, and an entry's defaults where it leaves them out", async () => {
		const { sim } = ctx;
		const chosen = omniNode({
			images: imageList({ use: '={{ "first frame" }}', source: '={{ "url" }}', url: 'https://cdn.example.com/first.png' }, { source: 'url', url: 'https://cdn.example.com/hat.png' }),
			referenceVideo: { video: [{ url: 'https://cdn.example.com/clip.mp4', referType: '={{ "feature" }}', keepOriginalSound: '={{ false }}' }] },
			aspectRatio: '={{ "auto" }}',
		});
		expect((await runWorkflow({ ...chain(chosen), credentials: apiKeyCredential(sim) })).error).toBeUndefined();
		expect(sim.apiRequests({ method: 'POST' })[0].body).toMatchObject({
			image_list: [{ image_url: 'https://cdn.example.com/first.png', type: 'first_frame' }, { image_url: 'https://cdn.example.com/hat.png' }],
			video_list: [{ video_url: 'https://cdn.example.com/clip.mp4', refer_type: 'feature', keep_original_sound: 'no' }],
		});

		// Read with its list, a yes/no goes through n8n's type check: the text "true" is yes.
		sim.reset();
		const text = omniNode({ prompt: 'Restyle <<<video_1>>>', referenceVideo: { video: [{ url: 'https://cdn.example.com/clip.mp4', referType: 'feature', keepOriginalSound: '={{ "true" }}' }] } });
		expect((await runWorkflow({ ...chain(text), credentials: apiKeyCredential(sim) })).error).toBeUndefined();
		expect(sim.apiRequests({ method: 'POST' })[0].body).toMatchObject({ video_list: [{ refer_type: 'feature', keep_original_sound: 'yes' }] });

		sim.reset();
		const defaults = omniNode({ prompt: 'Restyle <<<video_1>>>', referenceVideo: { video: [{ url: 'https://cdn.example.com/clip.mp4' }] } });
		expect((await runWorkflow({ ...chain(defaults), credentials: apiKeyCredential(sim) })).error).toBeUndefined();
		expect(sim.apiRequests({ method: 'POST' })[0].body).toMatchObject({ video_list: [{ video_url: 'https://cdn.example.com/clip.mp4', refer_type: 'base', keep_original_sound: 'yes' }] });
	});
});

describe('Video → Image to Video', () => {
	it('takes a binary first frame of any aspect ratio (Kling sets no limit for frames)', async () => {
		const { sim } = ctx;
		const frame = makeJpeg(1500, 400);
		const result = await runWorkflow({
			...chain(
				sourceItems([{ frame: binaryFile(frame, 'wide.jpg', 'image/jpeg') }]),
				imageToVideoNode({ firstFrameSource: 'binary', firstFrameBinaryProperty: 'frame' }),
			),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		expect((sim.apiRequests({ method: 'POST' })[0].body as { image: string }).image).toBe(frame.toString('base64'));
	});

	it('sends first and end frames with elements to kling-v3', async () => {
		const { sim } = ctx;
		const ids = seedElements(sim, 2);
		const result = await runWorkflow({
			...chain(imageToVideoNode({ frames: 'both', endFrameSource: 'url', endFrameUrl: 'https://cdn.example.com/end.png', elements: elementList(...ids), negativePrompt: 'blur', mode: '4k', duration: '12' })),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		expect(sim.apiRequests({ method: 'POST' })[0].body).toEqual({
			model_name: 'kling-v3',
			image: 'https://cdn.example.com/start.png',
			image_tail: 'https://cdn.example.com/end.png',
			prompt: 'The character turns and smiles',
			negative_prompt: 'blur',
			element_list: ids.map((id) => ({ element_id: id })),
			sound: 'off',
			mode: '4k',
			duration: '12',
			watermark_info: { enabled: false },
			external_task_id: externalTaskId,
		});
		expect(result.output('Image to Video')[0].json).toMatchObject({ duration: 12, status: 'succeed' });
	});

	it('sends voices with sound on and an end frame only', async () => {
		const { sim } = ctx;
		const voiceId = sim.seedVoice({ name: 'Mira' });
		const [preset] = sim.presetVoiceIds();
		const result = await runWorkflow({
			...chain(imageToVideoNode({ frames: 'end', endFrameSource: 'url', endFrameUrl: 'https://cdn.example.com/end.png', prompt: '<<<voice_1>>> says hello to <<<voice_2>>>', voices: voiceList(voiceId, preset), sound: 'on' })),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		const body = sim.apiRequests({ method: 'POST' })[0].body as Record<string, unknown>;
		expect(body).toMatchObject({ image_tail: 'https://cdn.example.com/end.png', voice_list: [{ voice_id: voiceId }, { voice_id: preset }], sound: 'on' });
		expect(body).not.toHaveProperty('image');
	});
});

describe('Video → Image to Video, On Error', () => {
	/** Two items; Kling fails the second one's task (Wait Until Done). Returns the node's outputs: main, then Error. */
	async function secondTaskFailed(onError: INode['onError']) {
		const { sim } = ctx;
		sim.failTaskWhen((_product, body) => (body.prompt === 'blocked' ? 'Content moderation' : undefined));
		const node = { ...imageToVideoNode({ prompt: '={{ $json.index === 1 ? "blocked" : "A harbour" }}' }), onError } as INode;
		const result = await runWorkflow({ ...chain(emptyItems(2), node), credentials: apiKeyCredential(sim) });
		expect(result.status).toBe('success');
		const [failed] = sim.tasks('image2video').filter((task) => task.status === 'failed');
		return { outputs: result.run.data.resultData.runData['Image to Video'][0].data!.main, taskId: failed.taskId, externalTaskId: failed.externalTaskId };
	}

	it('"Continue (using error output)" sends the failed item to the Error output, its fields under error', async () => {
		const { outputs, taskId, externalTaskId } = await secondTaskFailed('continueErrorOutput');
		expect(outputs[0]?.map((item) => item.json)).toEqual([expect.objectContaining({ status: 'succeed', videoUrl: expect.any(String) })]);
		expect(outputs[1]).toHaveLength(1);
		expect(outputs[1]![0].json).toEqual({
			index: 1, // n8n adds the input item's fields
			error: { message: 'Kling could not create the video: Content moderation', taskId, externalTaskId, description: `Task ID ${taskId}.` },
		});
	});

	it('"Continue (regular output)" outputs it on the main output with its json as before', async () => {
		const { outputs, taskId, externalTaskId } = await secondTaskFailed('continueRegularOutput');
		expect(outputs).toHaveLength(1);
		expect(outputs[0]![1]).toEqual({
			json: { error: 'Kling could not create the video: Content moderation', taskId, externalTaskId, description: `Task ID ${taskId}.` },
			pairedItem: { item: 1 },
		});
	});
});
