/** The Kling Trigger: how it reads callback bodies, and which callbacks its filters start on. */
import type { IDataObject } from 'n8n-workflow';

import { MAX_CALLBACK_BYTES } from '../../../nodes/KlingTrigger/KlingTrigger.node';
import { deliver, envelope, expectIgnored, expectRefused, legacyBody, newBody, NOT_FOUND, signed, TASK_ID, withoutSecret } from './kit.cts';

describe('Kling Trigger webhook(): bodies', () => {
	it('normalises a new-standard callback: outputs by type, ids as strings', async () => {
		const body = newBody();
		const outcome = await deliver({}, { body, headers: signed(body) });
		expect(outcome.items[0].json).toMatchObject({
			taskId: '1234567890',
			externalTaskId: 'campaign-9-hero',
			status: 'succeeded',
			succeeded: true,
			final: true,
			shape: 'new',
			videos: [{ id: 'v-1', url: 'https://cdn.test/v.mp4', watermarkUrl: 'https://cdn.test/vw.mp4', duration: 5.1 }],
			images: [{ url: 'https://cdn.test/i.png', groupId: '7' }],
			audios: [{ id: 'a-1', mp3Url: 'https://cdn.test/a.mp3', mp3Duration: 5 }],
			elementIds: ['835266081714884678'],
			voiceIds: ['829824295735410001'],
			signature: 'verified',
		});
	});

	it('reads a legacy video callback and a failed one', async () => {
		const video =
			'{"task_id":"1","task_status":"succeed","task_status_msg":"","task_info":{"external_task_id":"v-1","parent_video":{"id":"p","url":"u","duration":"5"}},' +
			'"task_result":{"videos":[{"id":"842250903629086999","url":"https://cdn.test/out.mp4","duration":"5.1"}],"images":[{"index":0,"url":"https://cdn.test/0.png"}]}}';
		const [item] = (await deliver({ credentials: withoutSecret() }, { body: video })).items;
		expect(item.json).toMatchObject({
			taskId: '1',
			videos: [{ id: '842250903629086999', url: 'https://cdn.test/out.mp4', duration: 5.1 }],
			images: [{ url: 'https://cdn.test/0.png', index: 0 }],
			elementIds: [],
		});
		const [failed] = (await deliver({ credentials: withoutSecret() }, { body: legacyBody({ status: 'failed' }) })).items;
		expect(failed.json).toMatchObject({ status: 'failed', succeeded: false, final: true, statusMessage: 'Face not detected', elementIds: [] });
	});

	it("reads a series' images, which come as series_images next to an empty images list", async () => {
		const series =
			'{"task_id":"2","task_status":"succeed","task_result":{"result_type":"series","images":[],' +
			'"series_images":[{"index":0,"url":"https://cdn.test/s0.png"},{"index":1,"url":"https://cdn.test/s1.png"}]}}';
		const [item] = (await deliver({ credentials: withoutSecret() }, { body: series })).items;
		expect(item.json.images).toEqual([expect.objectContaining({ url: 'https://cdn.test/s0.png', index: 0 }), expect.objectContaining({ url: 'https://cdn.test/s1.png', index: 1 })]);
	});

	it('keeps every digit of int64 ids in numeric form', async () => {
		const body = legacyBody({ taskId: '9007199254740993', elementId: '9223372036854775807' });
		const [item] = (await deliver({ credentials: withoutSecret() }, { body: body.replace('"task_id":"9007199254740993"', '"task_id":9007199254740993') })).items;
		expect(item.json.taskId).toBe('9007199254740993');
		expect(item.json.elementIds).toEqual(['9223372036854775807']);
	});

	it('answers 400 to a body that is not JSON, and starts nothing', async () => {
		expectRefused(await deliver({}, { body: '{"task_id": "1", "task_status": ' }), 400, /not JSON/);
		expectRefused(await deliver({}, { body: '<html>hi</html>' }), 400, /not JSON/);
		expectRefused(await deliver({}, { body: '' }), 400, /not JSON/);
	});

	it('answers 400 to JSON that is not a Kling callback', async () => {
		expectRefused(await deliver({}, { body: '{"hello":"world"}' }), 400, /not a Kling callback/);
		expectRefused(await deliver({}, { body: '[{"task_id":"1","task_status":"succeed"}]' }), 400, /not a Kling callback/);
		expectRefused(await deliver({}, { body: '{"task_id":"1","task_status":5}' }), 400, /not a Kling callback/);
		expectRefused(await deliver({}, { body: '{"task_status":"succeed"}' }), 400, /not a Kling callback/);
	});

	it('verifies the signature before looking at the body', async () => {
		const body = '{"not":"a callback"}';
		expectRefused(await deliver({}, { body, headers: signed('{}') }), 401);
		expectRefused(await deliver({}, { body, headers: signed(body) }), 400);
	});

	it('answers 413 to a body over 1 MiB, before anything else', async () => {
		const big = legacyBody().replace('"task_status_msg":""', `"task_status_msg":"${'x'.repeat(MAX_CALLBACK_BYTES)}"`);
		expectRefused(await deliver({}, { body: big, headers: signed(big) }), 413, /1 MiB/);
		const justUnder = legacyBody().replace('"task_status_msg":""', `"task_status_msg":"${'x'.repeat(MAX_CALLBACK_BYTES - legacyBody().length)}"`);
		expect(Buffer.byteLength(justUnder)).toBe(MAX_CALLBACK_BYTES);
		expect((await deliver({}, { body: justUnder, headers: signed(justUnder) })).items).toHaveLength(1);
	});

	it('strips a UTF-8 byte order mark before parsing, but signs the bytes as sent', async () => {
		const body = '\uFEFF' + legacyBody();
		expect((await deliver({}, { body, headers: signed(body) })).items[0].json.signature).toBe('verified');
	});

	it('falls back to the parsed body when the raw body is missing', async () => {
		const setup = { events: ['failed'], credentials: withoutSecret() };
		const outcome = await deliver(setup, { body: legacyBody({ status: 'failed' }), withoutRawBody: true });
		expect(outcome.items[0].json).toMatchObject({ taskId: TASK_ID, signature: 'unsigned' });
	});

	it('refuses the parsed body when n8n\'s parser has rounded an int64 id in it, rather than output a wrong id', async () => {
		const outcome = await deliver({ credentials: withoutSecret() }, { body: legacyBody(), withoutRawBody: true });
		expectRefused(outcome, 500, /too large to be exact/);
	});
});

describe('Kling Trigger webhook(): filters', () => {
	it('acknowledges statuses that are not selected without starting anything', async () => {
		const staticData: IDataObject = {};
		for (const status of ['submitted', 'processing']) {
			const body = legacyBody({ status });
			expectIgnored(await deliver({ staticData }, { body, headers: signed(body) }), /^The status is not one of the selected events$/);
		}
		expectIgnored(await deliver({ staticData, credentials: withoutSecret() }, { body: legacyBody({ status: 'queued' }) }), /not one of the selected events/);
		expect(staticData).toEqual({});
	});

	it('starts on exactly the selected statuses; Succeeded covers succeed and succeeded', async () => {
		const setup = { events: ['processing', 'succeeded'], credentials: withoutSecret() };
		expect((await deliver(setup, { body: legacyBody({ status: 'processing' }) })).items).toHaveLength(1);
		expect((await deliver(setup, { body: legacyBody({ status: 'succeed' }) })).items).toHaveLength(1);
		expect((await deliver(setup, { body: newBody('succeeded') })).items).toHaveLength(1);
		expectIgnored(await deliver(setup, { body: legacyBody({ status: 'failed' }) }), /not one of the selected events/);
	});

	it('takes Events from an expression: one event or a list, by value or by name in any case', async () => {
		const setup = { events: 'Processing, succeeded', credentials: withoutSecret() };
		expect((await deliver(setup, { body: legacyBody({ status: 'processing' }) })).items).toHaveLength(1);
		expect((await deliver(setup, { body: legacyBody({ status: 'succeed' }) })).items).toHaveLength(1);
		expectIgnored(await deliver(setup, { body: legacyBody({ status: 'failed' }) }), /not one of the selected events/);
		expect((await deliver({ events: 'FAILED', credentials: withoutSecret() }, { body: legacyBody({ status: 'failed' }) })).items).toHaveLength(1);
	});

	// Every callback ignored, finals too, would go unseen (Kling stops delivering once answered): the execution fails.
	it.each([[[]], [''], [' , ']])('stops on Events giving no event (%j), and starts nothing', async (events) => {
		await expect(deliver({ events, credentials: withoutSecret() }, { body: legacyBody() })).rejects.toThrow(/^Events is empty: its expression gave no event/);
	});

	it('stops on an event it does not know, naming Events and the value, and starts nothing', async () => {
		await expect(deliver({ events: 'succeeded,done' }, { body: legacyBody() })).rejects.toThrow(
			/^Events: "done" is not one of Failed \(failed\), Processing \(processing\), Submitted \(submitted\), Succeeded \(succeeded\)/,
		);
	});

	it('reacts only to tasks whose external task id has the prefix', async () => {
		const setup = { options: { externalTaskIdPrefix: 'campaign-7-' }, credentials: withoutSecret() };
		expect((await deliver(setup, { body: legacyBody({ externalTaskId: 'campaign-7-mira' }) })).items).toHaveLength(1);
		// The answer does not repeat the prefix to whoever posted the body.
		const prefixIgnored = /^The external task ID does not start with the External Task ID Prefix$/;
		expectIgnored(await deliver(setup, { body: legacyBody({ externalTaskId: 'campaign-8-mira' }) }), prefixIgnored);
		expectIgnored(await deliver(setup, { body: legacyBody({ externalTaskId: null }) }), prefixIgnored);
		expectIgnored(await deliver(setup, { body: newBody() }), prefixIgnored);
		expect((await deliver({ options: { externalTaskIdPrefix: '  ' }, credentials: withoutSecret() }, { body: legacyBody({ externalTaskId: null }) })).items).toHaveLength(1);
	});

	describe('before any read, for a body it can trust: one the user did not select neither reads nor fails', () => {
		const withoutResult = (externalTaskId?: string | null) => legacyBody({ externalTaskId }).replace(/"task_result":.*}$/, '"task_result":{}}');

		it.each([
			['signed, by the Events', { events: ['failed'] }, true],
			['signed, by the prefix', { options: { externalTaskIdPrefix: 'campaign-8-' } }, true],
			['with no Webhook Secret, by the Events', { events: ['failed'], credentials: withoutSecret() }, false],
		])('%s', async (_how, setup, sign) => {
			const body = withoutResult();
			// Kling cannot find the task: a read would fail the execution (n8n answers 500, which Kling counts as a failed delivery).
			const outcome = await deliver({ ...setup, kling: () => NOT_FOUND }, { body, headers: sign ? signed(body) : undefined });
			expectIgnored(outcome, /selected events|External Task ID Prefix/);
			expect(outcome.requests).toEqual([]);
		});

		it('a body without an external task ID is read before the prefix decides; an unsigned one with a secret is always read first', async () => {
			const task = `{"task_id":"${TASK_ID}","task_status":"succeed","task_info":{"external_task_id":"campaign-7-mira"},"task_result":{"elements":[{"element_id":1}]}}`;
			const body = withoutResult(null);
			const read = await deliver({ options: { externalTaskIdPrefix: 'campaign-7-' }, kling: () => [200, envelope(task)] }, { body, headers: signed(body) });
			expect(read.items[0].json).toMatchObject({ externalTaskId: 'campaign-7-mira', elementIds: ['1'] });
			const unsigned = await deliver({ events: ['failed'], kling: () => NOT_FOUND }, { body: withoutResult() });
			expect(unsigned.requests).not.toEqual([]);
		});
	});
});
