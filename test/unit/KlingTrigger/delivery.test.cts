/** The Kling Trigger: one execution per task and status, and re-reading the task from Kling. */
import type { IDataObject } from 'n8n-workflow';

import { PRODUCTS } from '../../../nodes/Kling/contract/task';
import { SEEN_CALLBACKS_LIMIT } from '../../../nodes/KlingTrigger/KlingTrigger.node';
import { BASE_URL, defaultCredentials, deliver, ELEMENT_ID, envelope, expectIgnored, expectRefused, fakeContext, legacyBody, newBody, NOT_FOUND, SECRET, signed, TASK_ID, trigger, withoutSecret } from './kit.cts';

describe('Kling Trigger webhook(): deduplication', () => {
	it('starts one execution per task and status, however often Kling delivers it', async () => {
		const staticData: IDataObject = {};
		const body = legacyBody();
		const first = await deliver({ staticData }, { body, headers: signed(body, SECRET, undefined, '7000000001') });
		expect(first.items).toHaveLength(1);
		// A retry: same webhook id, fresh timestamp and signature.
		const retry = await deliver({ staticData }, { body, headers: signed(body, SECRET, undefined, '7000000001') });
		expectIgnored(retry, /already received/);
		// Same content, new delivery id: still the same task and status.
		expectIgnored(await deliver({ staticData }, { body, headers: signed(body, SECRET, undefined, '7000000002') }), /already received/);
		// Another status of the same task, or another task, is new.
		const failed = legacyBody({ status: 'failed' });
		expect((await deliver({ staticData }, { body: failed, headers: signed(failed) })).items).toHaveLength(1);
		const other = legacyBody({ taskId: '842250903629086786' });
		expect((await deliver({ staticData }, { body: other, headers: signed(other) })).items).toHaveLength(1);
		expect(staticData.seenCallbacks).toEqual([`${TASK_ID}:succeed`, `${TASK_ID}:failed`, '842250903629086786:succeed']);
	});

	it('starts one execution when a repeat comes before n8n has written the record of the first, in one process', async () => {
		const body = legacyBody({ taskId: '842250903629086990' });
		const first = await deliver({ workflowId: 'wf-unsaved', staticData: {} }, { body, headers: signed(body) });
		expect(first.items).toHaveLength(1);
		// The static data as n8n would hand it over before its write: without the record.
		expectIgnored(await deliver({ workflowId: 'wf-unsaved', staticData: {} }, { body, headers: signed(body) }), /already received/);
		// Another workflow's trigger gets the same delivery as its own.
		expect((await deliver({ workflowId: 'wf-other', staticData: {} }, { body, headers: signed(body) })).items).toHaveLength(1);
	});

	it('gives a delivery whose re-read failed another chance, also in the same process', async () => {
		const body = legacyBody({ taskId: '842250903629086991' });
		const setup = { workflowId: 'wf-reread', options: { reReadTask: true } };
		await expect(deliver({ ...setup, staticData: {}, kling: () => NOT_FOUND }, { body, headers: signed(body) })).rejects.toThrow(/Kling has no task/);
		// The callback's body is the task as Kling's query returns it.
		const again = await deliver({ ...setup, staticData: {}, kling: () => [200, envelope(body)] }, { body, headers: signed(body) });
		expect(again.items).toHaveLength(1);
	});

	it('acknowledges a repeat of a handled status before reading the task again, so a failing read fails nothing', async () => {
		const staticData: IDataObject = {};
		const withoutResult = legacyBody({ taskId: '842250903629086992' }).replace(/"task_result":.*}$/, '"task_result":{}}');
		const task = `{"task_id":"842250903629086992","task_status":"succeed","task_result":{"elements":[{"element_id":${ELEMENT_ID}}]}}`;
		const first = await deliver({ staticData, kling: () => [200, envelope(task)] }, { body: withoutResult, headers: signed(withoutResult) });
		expect(first.items).toHaveLength(1);
		const limited: [number, string] = [429, '{"code":1302,"message":"too many requests","request_id":"r"}'];
		expectIgnored(await deliver({ staticData, kling: () => limited }, { body: withoutResult, headers: signed(withoutResult) }), /already received/);
	});

	it('keeps the record of a delivery handled while another one was reading its task', async () => {
		const staticData: IDataObject = {};
		let release = () => {};
		const held = new Promise<void>((resolve) => (release = resolve));
		const withoutResult = legacyBody().replace(/"task_result":.*}$/, '"task_result":{}}');
		const task = `{"task_id":"${TASK_ID}","task_status":"succeed","task_result":{"elements":[{"element_id":${ELEMENT_ID}}]}}`;
		const reading = deliver({ staticData, kling: async (): Promise<[number, string]> => {
			await held;
			return [200, envelope(task)];
		} }, { body: withoutResult, headers: signed(withoutResult) });
		const other = legacyBody({ taskId: '842250903629086993' });
		expect((await deliver({ staticData }, { body: other, headers: signed(other) })).items).toHaveLength(1);
		release();
		expect((await reading).items).toHaveLength(1);
		expect(staticData.seenCallbacks).toEqual(expect.arrayContaining([`${TASK_ID}:succeed`, '842250903629086993:succeed']));
	});

	it('takes a success spelled "succeeded" for the same event as "succeed"', async () => {
		const staticData: IDataObject = {};
		const body = legacyBody({ taskId: '842250903629086992' });
		expect((await deliver({ staticData }, { body, headers: signed(body) })).items).toHaveLength(1);
		const respelled = body.replace('"task_status":"succeed"', '"task_status":"succeeded"');
		expectIgnored(await deliver({ staticData }, { body: respelled, headers: signed(respelled) }), /already received/);
	});

	it("keeps no record while the editor listens: the same sample starts a test execution again, and later the published workflow's", async () => {
		const body = legacyBody({ taskId: '842250903629086993' });
		const setup = { workflowId: 'wf-listening', mode: 'manual' };
		for (let attempt = 0; attempt < 2; attempt++) expect((await deliver({ ...setup, staticData: {} }, { body, headers: signed(body) })).items).toHaveLength(1);
		expect((await deliver({ workflowId: 'wf-listening', staticData: {} }, { body, headers: signed(body) })).items).toHaveLength(1);
	});

	it('does not remember refused or ignored deliveries', async () => {
		const staticData: IDataObject = {};
		const body = legacyBody();
		expectRefused(await deliver({ staticData }, { body, headers: signed(body, SECRET, 1) }), 401);
		expectIgnored(await deliver({ staticData, events: ['failed'] }, { body, headers: signed(body) }), /not one of the selected events/);
		expect((await deliver({ staticData }, { body, headers: signed(body) })).items).toHaveLength(1);
	});

	it('remembers a bounded number of deliveries, oldest forgotten first', async () => {
		const seen = Array.from({ length: SEEN_CALLBACKS_LIMIT }, (_, i) => `old-${i}:succeed`);
		const staticData: IDataObject = { seenCallbacks: [...seen] };
		expect((await deliver({ staticData, credentials: withoutSecret() }, { body: legacyBody() })).items).toHaveLength(1);
		const after = staticData.seenCallbacks as string[];
		expect(after).toHaveLength(SEEN_CALLBACKS_LIMIT);
		expect(after[0]).toBe('old-1:succeed');
		expect(after[after.length - 1]).toBe(`${TASK_ID}:succeed`);
		expectIgnored(await deliver({ staticData, credentials: withoutSecret() }, { body: legacyBody({ taskId: 'old-7' }) }), /already received/);
	});
});

describe('Kling Trigger webhook(): Re-Read Task From Kling', () => {
	const elementTask = {
		task_id: TASK_ID,
		task_status: 'succeed',
		task_status_msg: '',
		task_info: { external_task_id: 'campaign-7-mira' },
		task_result: { elements: [{ element_id: '__ELEMENT__', element_name: 'Mira', status: 'succeed' }] },
		final_unit_deduction: '0',
		created_at: 1781080778802,
		updated_at: 1781080799999,
	};
	const elementTaskText = JSON.stringify(elementTask).replace('"__ELEMENT__"', ELEMENT_ID);
	const notFound = NOT_FOUND;

	it('outputs the task read from Kling, found among element tasks first', async () => {
		const outcome = await deliver(
			{ options: { reReadTask: true }, kling: () => [200, envelope(elementTaskText)] },
			{ body: legacyBody(), headers: signed(legacyBody()) },
		);
		expect(outcome.requests.map((request) => request.url)).toEqual([`${BASE_URL}/v1/general/advanced-custom-elements/${TASK_ID}`]);
		expect(outcome.requests[0].method).toBe('GET');
		expect(outcome.items[0].json).toMatchObject({
			taskId: TASK_ID,
			status: 'succeed',
			elementIds: [ELEMENT_ID],
			updatedAt: 1781080799999,
			source: 'kling',
			product: 'element',
			callbackStatus: 'succeed',
			signature: 'verified',
		});
	});

	it('says a new-standard task needs an API key credential, and sends a key pair\'s token nowhere, since the new standard takes the API key only', async () => {
		const keyPair = { ...defaultCredentials(), authType: 'keyPair', apiKey: '', accessKey: 'ak-1', secretKey: 'sk-1' };
		const { context, requests } = fakeContext({ credentials: keyPair, options: { reReadTask: true } }, { body: newBody(), headers: signed(newBody()) });
		await expect(trigger.webhook.call(context)).rejects.toThrow(/is a new-standard Kling task, which only an API key credential can read/);
		expect(requests).toEqual([]);
	});

	it('tries the products in order until one knows the task', async () => {
		const voiceTask = `{"task_id":"${TASK_ID}","task_status":"succeed","task_result":{"voices":[{"voice_id":829824295735419999,"voice_name":"Mine"}]}}`;
		const outcome = await deliver(
			{ options: { reReadTask: true }, kling: (request) => (String(request.url).includes('/custom-voices/') ? [200, envelope(voiceTask)] : notFound) },
			{ body: legacyBody({ status: 'succeed' }).replace(/"task_result":.*}$/, '"task_result":{}}') },
		);
		expect(outcome.requests.map((request) => String(request.url).replace(BASE_URL, ''))).toEqual([
			`/v1/general/advanced-custom-elements/${TASK_ID}`,
			`/v1/general/custom-voices/${TASK_ID}`,
		]);
		expect(outcome.items[0].json).toMatchObject({ product: 'voice', voiceIds: ['829824295735419999'], source: 'kling' });
	});

	it.each(Object.entries(PRODUCTS))('finds a legacy task of every product: %s', async (key, product) => {
		const task = `{"task_id":"${TASK_ID}","task_status":"succeed","task_result":{"images":[{"index":0,"url":"https://cdn.example.com/a.png"}]}}`;
		const outcome = await deliver(
			{ options: { reReadTask: true }, kling: (request) => (String(request.url) === `${BASE_URL}${product.path}/${TASK_ID}` ? [200, envelope(task)] : notFound) },
			{ body: legacyBody(), headers: signed(legacyBody()) },
		);
		expect(outcome.items[0].json).toMatchObject({ product: key, source: 'kling' });
	});

	it('passes over a product the account may not use (1103) and finds the task under the next', async () => {
		const task = `{"task_id":"${TASK_ID}","task_status":"succeed","task_result":{"videos":[{"id":"1","url":"https://cdn.example.com/v.mp4"}]}}`;
		const noPermission: [number, string] = [400, '{"code":1103,"message":"no permission","request_id":"r"}'];
		const kling = (request: { url?: unknown }): [number, string] =>
			String(request.url).includes('/custom-voices/') ? noPermission : String(request.url).includes('/omni-video/') ? [200, envelope(task)] : notFound;
		const outcome = await deliver({ options: { reReadTask: true }, kling }, { body: legacyBody(), headers: signed(legacyBody()) });
		expect(outcome.items[0].json).toMatchObject({ product: 'omniVideo', source: 'kling' });
	});

	it('fails visibly, and remembers nothing, when no product knows the task', async () => {
		const staticData: IDataObject = {};
		const body = legacyBody();
		const { context, requests } = fakeContext({ staticData, options: { reReadTask: true }, kling: () => notFound }, { body, headers: signed(body) });
		await expect(trigger.webhook.call(context)).rejects.toThrow(`Kling has no task with ID "${TASK_ID}"`);
		expect(requests.map((request) => String(request.url).replace(`${BASE_URL}/v1/`, '').replace(`/${TASK_ID}`, ''))).toEqual([
			'general/advanced-custom-elements',
			'general/custom-voices',
			'videos/omni-video',
			'videos/image2video',
			'videos/motion-control',
			'images/omni-image',
			'images/generations',
			'general/ai-multi-shot',
		]);
		expect(staticData).toEqual({});
	});

	it('re-reads only final statuses', async () => {
		const body = legacyBody({ status: 'processing' });
		const outcome = await deliver({ events: ['processing'], options: { reReadTask: true }, kling: () => notFound }, { body, headers: signed(body) });
		expect(outcome.requests).toHaveLength(0);
		expect(outcome.items[0].json).toMatchObject({ source: 'callback', status: 'processing' });
	});

	it('re-reads a new-standard task through the batch query', async () => {
		const task = newBody().replace('"status":"succeeded"', '"status":"succeeded","extra":true');
		const outcome = await deliver({ options: { reReadTask: true }, kling: () => [200, envelope(`[${task}]`)] }, { body: newBody(), headers: signed(newBody()) });
		expect(outcome.requests).toHaveLength(1);
		expect(outcome.requests[0].url).toBe(`${BASE_URL}/tasks`);
		expect(outcome.requests[0].qs).toEqual({ task_ids: '1234567890' });
		expect(outcome.items[0].json).toMatchObject({ source: 'kling', shape: 'new', elementIds: ['835266081714884678'], raw: { extra: true } });
	});

	it('tries each read once: Kling delivers the callback again after an error answer', async () => {
		const staticData: IDataObject = {};
		const body = legacyBody();
		const { context, requests } = fakeContext(
			{ staticData, options: { reReadTask: true }, kling: () => [500, '{"code":5000,"message":"internal error","request_id":"r"}'] },
			{ body, headers: signed(body) },
		);
		await expect(trigger.webhook.call(context)).rejects.toThrow(/^Kling internal error/);
		expect(requests).toHaveLength(1);
		expect(staticData).toEqual({});
	});

	it("answers 503 when the read shows a success without its result, rather than replace the callback's video with nothing", async () => {
		const body = `{"task_id":"${TASK_ID}","task_status":"succeed","task_status_msg":"","task_result":{"videos":[{"id":"9","url":"https://cdn.kling.test/paid.mp4","duration":"5"}]}}`;
		const emptySuccess = envelope(`{"task_id":"${TASK_ID}","task_status":"succeed","task_status_msg":"","task_result":{}}`);
		const outcome = await deliver({ options: { reReadTask: true }, kling: () => [200, emptySuccess] }, { body, headers: signed(body) });
		expectRefused(outcome, 503, /deliver it again later/);
	});

	it('says why it read the task when the option is off: the success carried no result; it advises turning the option off only when it is on', async () => {
		const withoutResult = legacyBody().replace(/"task_result":.*}$/, '"task_result":{}}');
		const failure = async (setup: Parameters<typeof fakeContext>[0], body: string) => {
			const { context } = fakeContext({ kling: () => notFound, ...setup }, { body, headers: signed(body) });
			return (await trigger.webhook.call(context).catch((error: Error & { description?: string }) => error)) as Error & { description?: string };
		};
		const automatic = await failure({}, withoutResult);
		expect(automatic.message).toBe(`Kling has no task with ID "${TASK_ID}" for this credential`);
		expect(automatic.description).toMatch(/account and region that created the task\. The trigger read the task because its success callback carried no result/);
		expect(automatic.description).not.toMatch(/turn Re-Read Task From Kling off/);
		// A new-standard success without outputs, read with a key pair: no request, and the same explanation.
		const keyPair = { ...defaultCredentials(), authType: 'keyPair', apiKey: '', accessKey: 'ak-1', secretKey: 'sk-1' };
		const newStandard = await failure({ credentials: keyPair }, newBody().replace(/"outputs":\[.*\],"billing"/, '"outputs":[],"billing"'));
		expect(newStandard.description).toMatch(/Use an API key credential on this trigger\. The trigger read the task because its success callback carried no result/);
		// The option made the read: turning it off is the other way out.
		expect((await failure({ options: { reReadTask: true } }, legacyBody())).description).toMatch(/, or turn Re-Read Task From Kling off\.$/);
	});

	it('fails, outputting nothing, for a success without its result when it has no credential to read it', async () => {
		const withoutResult = legacyBody().replace(/"task_result":.*}$/, '"task_result":{}}');
		await expect(deliver({ credentials: null }, { body: withoutResult })).rejects.toThrow(
			`The success callback of task ${TASK_ID} carries no result, and the trigger has no credential to read it`,
		);
		// A success with its result needs no read.
		expect((await deliver({ credentials: null }, { body: legacyBody() })).items).toHaveLength(1);
		// Nor does one the External Task ID Prefix leaves out: without an external task ID, nothing could give it one.
		const noExternalId = legacyBody({ externalTaskId: null }).replace(/"task_result":.*}$/, '"task_result":{}}');
		expectIgnored(await deliver({ credentials: null, options: { externalTaskIdPrefix: 'campaign-' } }, { body: noExternalId }), /does not start with the External Task ID Prefix/);
	});

	it('needs a credential', async () => {
		await expect(deliver({ credentials: null, options: { reReadTask: true } }, { body: legacyBody() })).rejects.toThrow(/needs a Kling credential/);
	});
});

describe('Kling Trigger webhook(): unsigned callbacks when the credential has a Webhook Secret', () => {
	const realVideoTask = envelope(
		`{"task_id":"${TASK_ID}","task_status":"succeed","task_status_msg":"","task_info":{"external_task_id":"campaign-7-mira"},` +
			'"task_result":{"videos":[{"id":"861734512008451201","url":"https://cdn.kling.test/real.mp4","duration":"5"}]}}',
	);
	const forged =
		`{"task_id":"${TASK_ID}","task_status":"succeed","task_status_msg":"","task_info":{"external_task_id":"campaign-7-mira"},` +
		'"task_result":{"videos":[{"id":"1","url":"https://attacker.example/fake.mp4","duration":"5"}]}}';

	it('outputs only what Kling answers for the task, never the body, and says how it was accepted', async () => {
		const outcome = await deliver({ kling: (request) => (String(request.url).includes('/omni-video/') ? [200, realVideoTask] : NOT_FOUND) }, { body: forged });
		expect(outcome.items).toHaveLength(1);
		expect(outcome.items[0].json).toMatchObject({
			taskId: TASK_ID,
			videos: [{ id: '861734512008451201', url: 'https://cdn.kling.test/real.mp4' }],
			source: 'kling',
			signature: 'unsigned',
			product: 'omniVideo',
		});
		expect(JSON.stringify(outcome.items[0].json)).not.toContain('attacker.example');
	});

	it("outputs nothing of the body's own: not even the status it claims", async () => {
		const claimed = forged.replace('"task_status":"succeed"', '"task_status":"anything a sender writes"');
		const outcome = await deliver({ kling: (request) => (String(request.url).includes('/omni-video/') ? [200, realVideoTask] : NOT_FOUND) }, { body: claimed });
		expect(outcome.items).toHaveLength(1);
		expect(JSON.stringify(outcome.items[0].json)).not.toContain('anything a sender writes');
	});

	it('starts nothing when Kling answers with another task: its query also takes an external task ID, which the body may name', async () => {
		const byExternalId = forged.replace(`"task_id":"${TASK_ID}"`, '"task_id":"campaign-7-mira"');
		const outcome = await deliver({ kling: (request) => (String(request.url).endsWith('/omni-video/campaign-7-mira') ? [200, realVideoTask] : NOT_FOUND) }, { body: byExternalId });
		expectRefused(outcome, 404, /Kling has no task "campaign-7-mira"/);
	});

	it('starts nothing, and remembers nothing, for a task Kling does not know', async () => {
		const staticData: IDataObject = {};
		const { context, reply } = fakeContext({ staticData }, { body: forged });
		const result = await trigger.webhook.call(context);
		expectRefused({ result, reply, items: [], requests: [] }, 404, /Kling has no task .* unsigned callback was ignored/);
		expect(staticData).toEqual({});
		expect(context.logger.warn).toHaveBeenCalled();
	});

	it('starts nothing while Kling cannot be read, so Kling delivers it again later', async () => {
		const outcome = await deliver({ kling: () => [401, '{"code":1000,"message":"Authentication failed","request_id":"r"}'] }, { body: forged });
		// Why is for n8n's log: whoever posted an unsigned body learns nothing of the account or the credential.
		expect(outcome.reply.body).toEqual({ code: 503, message: 'The unsigned callback could not be checked with Kling; deliver it again later' });
		// A transient failure too, at once: Kling waits for the answer.
		const busy = await deliver({ kling: () => [503, '{"code":5001,"message":"maintenance","request_id":"r"}'] }, { body: forged });
		expectRefused(busy, 503, /^The unsigned callback could not be checked with Kling; deliver it again later$/);
		expect(busy.requests).toHaveLength(1);
	});

	const processingTask = realVideoTask.replace('"task_status":"succeed"', '"task_status":"processing"').replace(/"task_result":\{.*\}\}\}$/, '"task_result":{}}}');

	it('uses the status Kling answers, not the one the body claims: a success Kling does not show yet is answered 503, to come again', async () => {
		const { context, reply } = fakeContext({ kling: () => [200, processingTask] }, { body: forged });
		const result = await trigger.webhook.call(context);
		// The answer does not say what Kling reads (the poster may be anyone); n8n's log does.
		expectRefused({ result, reply, items: [], requests: [] }, 503, /^Kling does not confirm this callback for task \d+ yet; deliver it again later$/);
		expect(context.logger.info).toHaveBeenCalledWith(expect.stringContaining('"processing"'));
	});

	it('does not tell the poster the status Kling reads when it acknowledges an unselected one', async () => {
		const submitted = forged.replace('"task_status":"succeed"', '"task_status":"submitted"');
		const outcome = await deliver({ kling: () => [200, processingTask] }, { body: submitted });
		expectIgnored(outcome, /^The status is not one of the selected events$/);
		expect(outcome.requests).toHaveLength(1);
	});

	it('answers 503 when Kling reads the task as a success without its result, starting nothing and remembering nothing', async () => {
		const staticData: IDataObject = {};
		const emptySuccess = envelope(`{"task_id":"${TASK_ID}","task_status":"succeed","task_status_msg":"","task_result":{}}`);
		const outcome = await deliver({ staticData, kling: (request) => (String(request.url).includes('/omni-video/') ? [200, emptySuccess] : NOT_FOUND) }, { body: forged });
		expectRefused(outcome, 503, /deliver it again later/);
		expect(staticData).toEqual({});
	});

	it('rejects it outright with Require Signature', async () => {
		const outcome = await deliver({ options: { requireSignature: true } }, { body: forged });
		expectRefused(outcome, 401, /not signed/);
		expect(outcome.requests).toHaveLength(0);
	});
});
