import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { KlingTrigger, MAX_CALLBACK_BYTES, SEEN_CALLBACKS_LIMIT } from '../../nodes/KlingTrigger/KlingTrigger.node';
import { recordingResponse } from '../harness/webhook';
import { signWebhook } from '../simulator';

const SECRET = 'whsec_' + Buffer.from('kling-trigger-unit-test-secret!!').toString('base64');
const BASE_URL = 'https://kling.test';
const ELEMENT_ID = '835266081714884677'; // above 2^53: JSON.parse would round it to ...700
const TASK_ID = '842250903629086785';

const trigger = new KlingTrigger();

/** A legacy callback for an element task, with the int64 element id written as a bare number, as Kling does. */
function legacyBody(overrides: { status?: string; taskId?: string; externalTaskId?: string | null; elementId?: string } = {}): string {
	const status = overrides.status ?? 'succeed';
	const externalTaskId = overrides.externalTaskId === undefined ? 'campaign-7-mira' : overrides.externalTaskId;
	const result =
		status === 'succeed' ? `{"elements":[{"element_id":${overrides.elementId ?? ELEMENT_ID},"element_name":"Mira","status":"succeed"}]}` : '{}';
	return (
		`{"task_id":"${overrides.taskId ?? TASK_ID}","task_status":"${status}","task_status_msg":"${status === 'failed' ? 'Face not detected' : ''}",` +
		`"created_at":1781080778802,"updated_at":1781080794151,"final_unit_deduction":"0",` +
		`"task_info":${externalTaskId === null ? '{}' : `{"external_task_id":"${externalTaskId}"}`},"task_result":${result}}`
	);
}

const newBody = (status = 'succeeded') =>
	`{"id":"1234567890","status":"${status}","message":"","create_time":1781080778802,"update_time":1781080794151,"external_id":"campaign-9-hero",` +
	`"outputs":[{"type":"video","id":"v-1","url":"https://cdn.test/v.mp4","watermark_url":"https://cdn.test/vw.mp4","duration":"5.1"},` +
	`{"type":"image","url":"https://cdn.test/i.png","group_id":7},` +
	`{"type":"audio","id":"a-1","mp3_url":"https://cdn.test/a.mp3","mp3_duration":5},` +
	`{"type":"element","id":835266081714884678,"name":"Mira","element_type":"multi_image_elements"},` +
	`{"type":"voice","id":829824295735410001,"name":"Narrator"}],"billing":[{"charge_type":"unit","amount":"1"}]}`;

/** Standard Webhooks headers for `body`, signed now (or at `timestamp`) with `secret`. */
function signed(body: string, secret = SECRET, timestamp = Math.floor(Date.now() / 1000), id = '7000000001') {
	return {
		'content-type': 'application/json; charset=utf-8',
		'webhook-id': id,
		'webhook-timestamp': String(timestamp),
		'webhook-signature': signWebhook(secret, id, timestamp, body),
	};
}

interface Setup {
	events?: string[];
	options?: IDataObject;
	/** null: no credential on the node. */
	credentials?: ICredentialDataDecryptedObject | null;
	staticData?: IDataObject;
	/** Answers the transport's requests: [HTTP status, body text]. */
	kling?: (request: IHttpRequestOptions) => [number, string];
}

interface Delivery {
	body: string | Buffer;
	headers?: Record<string, string>;
	/** Leave rawBody off the request object, as a caller outside n8n's body parser might. */
	withoutRawBody?: boolean;
}

interface Outcome {
	result: IWebhookResponseData;
	/** Set when the node answered the request itself (a refusal). */
	reply: { status?: number; body?: IDataObject };
	items: INodeExecutionData[];
	requests: IHttpRequestOptions[];
}

const defaultCredentials = (): ICredentialDataDecryptedObject => ({
	authType: 'apiKey',
	apiKey: 'test-api-key',
	region: 'custom',
	customBaseUrl: BASE_URL,
	webhookSecret: SECRET,
});

/** A hand-built IWebhookFunctions: just what the trigger and the transport use. */
function fakeContext(setup: Setup, delivery: Delivery) {
	const credentials = setup.credentials === undefined ? defaultCredentials() : setup.credentials;
	const parameters: IDataObject = { events: setup.events ?? ['succeeded', 'failed'], options: setup.options ?? {} };
	const staticData = setup.staticData ?? {};
	const { reply, response } = recordingResponse();
	const requests: IHttpRequestOptions[] = [];
	const raw = typeof delivery.body === 'string' ? Buffer.from(delivery.body, 'utf8') : delivery.body;
	const headers = delivery.headers ?? { 'content-type': 'application/json' };
	const node: INode = {
		id: 'trigger-1',
		name: 'Kling Trigger',
		type: 'n8n-nodes-kling-elements.klingTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters as INodeParameters,
		credentials: credentials ? { klingApi: { id: '1', name: 'Kling account' } } : undefined,
	};
	const httpRequestWithAuthentication = jest.fn(async (_type: string, request: IHttpRequestOptions) => {
		requests.push(request);
		const [statusCode, body] = setup.kling?.(request) ?? [404, '{"code":1203,"message":"not found"}'];
		return { statusCode, headers: {}, body };
	});
	const context = {
		getNode: () => node,
		getMode: () => 'webhook',
		getNodeParameter: jest.fn((name: string, fallback?: unknown) => (name in parameters ? parameters[name] : fallback)),
		getCredentials: jest.fn(async () => {
			if (!credentials) throw new NodeOperationError(node, 'Node does not have any credentials set');
			return credentials;
		}),
		getHeaderData: () => headers,
		getBodyData: () => {
			try {
				return JSON.parse(raw.toString('utf8')) as IDataObject;
			} catch {
				return {};
			}
		},
		getRequestObject: () => (delivery.withoutRawBody ? { headers, body: {} } : { headers, rawBody: raw }),
		getResponseObject: () => response,
		getWorkflowStaticData: (type: string) => {
			expect(type).toBe('node');
			return staticData;
		},
		helpers: {
			returnJsonArray: (data: IDataObject | IDataObject[]) => (Array.isArray(data) ? data : [data]).map((json) => ({ json })),
			httpRequestWithAuthentication,
		},
	};
	return { context: context as unknown as IWebhookFunctions, reply, requests, staticData };
}

async function deliver(setup: Setup, delivery: Delivery): Promise<Outcome> {
	const { context, reply, requests } = fakeContext(setup, delivery);
	const result = await trigger.webhook.call(context);
	return { result, reply, requests, items: result.workflowData?.[0] ?? [] };
}

/** The request was answered with `status` by the node itself, and nothing started. */
function expectRefused(outcome: Outcome, status: number, message?: RegExp) {
	expect(outcome.result).toEqual({ noWebhookResponse: true });
	expect(outcome.reply.status).toBe(status);
	if (message) expect(String(outcome.reply.body?.message)).toMatch(message);
}

/** Acknowledged with 200 and n8n's own answer, and nothing started. */
function expectIgnored(outcome: Outcome, reason: RegExp) {
	expect(outcome.result.workflowData).toBeUndefined();
	expect(outcome.result.noWebhookResponse).toBeUndefined();
	expect(outcome.reply.status).toBeUndefined();
	expect(outcome.result.webhookResponse).toMatchObject({ received: true, started: false });
	expect(String(outcome.result.webhookResponse.reason)).toMatch(reason);
}

const envelope = (data: unknown) => `{"code":0,"message":"SUCCEED","request_id":"req-1","data":${typeof data === 'string' ? data : JSON.stringify(data)}}`;

describe('Kling Trigger description', () => {
	it('is a trigger with one POST webhook and no-op lifecycle methods', async () => {
		const { description } = trigger;
		expect(description.name).toBe('klingTrigger');
		expect(description.group).toEqual(['trigger']);
		expect(description.inputs).toEqual([]);
		expect(description.usableAsTool).toBeUndefined();
		expect(description.credentials).toEqual([{ name: 'klingApi', required: false }]);
		expect(description.webhooks).toEqual([{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'kling' }]);
		const hooks = trigger.webhookMethods.default;
		const hookContext = {} as never;
		await expect(hooks.checkExists.call(hookContext)).resolves.toBe(true);
		await expect(hooks.create.call(hookContext)).resolves.toBe(true);
		await expect(hooks.delete.call(hookContext)).resolves.toBe(true);
	});
});

describe('Kling Trigger webhook()', () => {
	describe('signatures', () => {
		it('starts one execution for a correctly signed legacy callback, int64 element id exact', async () => {
			const body = legacyBody();
			const outcome = await deliver({}, { body, headers: signed(body) });
			expect(outcome.reply.status).toBeUndefined();
			expect(outcome.items).toHaveLength(1);
			const { json } = outcome.items[0];
			expect(json).toMatchObject({
				taskId: TASK_ID,
				externalTaskId: 'campaign-7-mira',
				status: 'succeed',
				succeeded: true,
				final: true,
				message: '',
				elementIds: [ELEMENT_ID],
				voiceIds: [],
				videos: [],
				images: [],
				shape: 'legacy',
				source: 'callback',
				signature: 'verified',
				createdAt: 1781080778802,
			});
			expect(typeof (json.elementIds as unknown[])[0]).toBe('string');
			expect((json.raw as { task_result: { elements: Array<{ element_id: unknown }> } }).task_result.elements[0].element_id).toBe(ELEMENT_ID);
			expect(outcome.requests).toHaveLength(0);
		});

		it('refuses a forged signature with 401', async () => {
			const body = legacyBody();
			const forged = signed(body, 'whsec_' + Buffer.from('somebody-else-s-secret-1234567890').toString('base64'));
			const { context, reply, staticData } = fakeContext({}, { body, headers: forged });
			const result = await trigger.webhook.call(context);
			expectRefused({ result, reply, items: [], requests: [] }, 401, /does not match/);
			expect(staticData).toEqual({});
		});

		it('refuses a body changed after signing', async () => {
			const body = legacyBody();
			const outcome = await deliver({}, { body: legacyBody({ elementId: '835266081714884600' }), headers: signed(body) });
			expectRefused(outcome, 401, /does not match/);
		});

		it('refuses a stale signature and one from the future', async () => {
			const body = legacyBody();
			const now = Math.floor(Date.now() / 1000);
			expectRefused(await deliver({}, { body, headers: signed(body, SECRET, now - 301) }), 401, /5 minutes/);
			expectRefused(await deliver({}, { body, headers: signed(body, SECRET, now + 301) }), 401, /5 minutes/);
		});

		it('refuses an unsigned callback when Require Signature is on', async () => {
			const outcome = await deliver({ options: { requireSignature: true } }, { body: legacyBody() });
			expectRefused(outcome, 401, /not signed/);
		});

		it('refuses partial signature headers whenever a secret is set', async () => {
			const body = legacyBody();
			const { 'webhook-signature': _dropped, ...partial } = signed(body);
			expectRefused(await deliver({}, { body, headers: partial }), 401, /not signed/);
		});

		it('accepts a signed callback when Require Signature is on', async () => {
			const body = legacyBody();
			const outcome = await deliver({ options: { requireSignature: true } }, { body, headers: signed(body) });
			expect(outcome.items[0].json.signature).toBe('verified');
		});

		it('accepts an unsigned callback when signatures are not required, and says so', async () => {
			const outcome = await deliver({}, { body: legacyBody() });
			expect(outcome.items).toHaveLength(1);
			expect(outcome.items[0].json.signature).toBe('unsigned');
		});

		it('cannot check a signature without a secret: accepted as not checked, or a clear error when required', async () => {
			const body = legacyBody();
			const noSecret = { ...defaultCredentials(), webhookSecret: '' };
			expect((await deliver({ credentials: noSecret }, { body, headers: signed(body) })).items[0].json.signature).toBe('notChecked');
			expect((await deliver({ credentials: null }, { body, headers: signed(body) })).items[0].json.signature).toBe('notChecked');
			expect((await deliver({ credentials: null }, { body })).items[0].json.signature).toBe('unsigned');
			await expect(deliver({ credentials: null, options: { requireSignature: true } }, { body, headers: signed(body) })).rejects.toThrow(
				/no Webhook Secret/,
			);
			await expect(deliver({ credentials: noSecret, options: { requireSignature: true } }, { body })).rejects.toThrow(NodeOperationError);
		});

		it('reports a credential secret that is not whsec_ + Base64 instead of refusing every callback', async () => {
			const body = legacyBody();
			const badSecret = { ...defaultCredentials(), webhookSecret: 'whsec_ not base64 ' };
			await expect(deliver({ credentials: badSecret }, { body, headers: signed(body) })).rejects.toThrow(/Webhook Secret in the Kling credential is not valid/);
		});
	});

	describe('bodies', () => {
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
				videos: [{ id: 'v-1', url: 'https://cdn.test/v.mp4', watermarkUrl: 'https://cdn.test/vw.mp4', duration: '5.1' }],
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
			const [item] = (await deliver({}, { body: video })).items;
			expect(item.json).toMatchObject({
				taskId: '1',
				videos: [{ id: '842250903629086999', url: 'https://cdn.test/out.mp4', duration: '5.1' }],
				images: [{ url: 'https://cdn.test/0.png', index: 0 }],
				elementIds: [],
			});
			const [failed] = (await deliver({}, { body: legacyBody({ status: 'failed' }) })).items;
			expect(failed.json).toMatchObject({ status: 'failed', succeeded: false, final: true, message: 'Face not detected', elementIds: [] });
		});

		it('keeps every digit of int64 ids in numeric form', async () => {
			const body = legacyBody({ taskId: '9007199254740993', elementId: '9223372036854775807' });
			const [item] = (await deliver({}, { body: body.replace('"task_id":"9007199254740993"', '"task_id":9007199254740993') })).items;
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
			const outcome = await deliver({}, { body: legacyBody(), withoutRawBody: true });
			expect(outcome.items[0].json).toMatchObject({ taskId: TASK_ID, signature: 'unsigned' });
		});
	});

	describe('filters', () => {
		it('acknowledges statuses that are not selected without starting anything', async () => {
			const staticData: IDataObject = {};
			for (const status of ['submitted', 'processing']) {
				const body = legacyBody({ status });
				expectIgnored(await deliver({ staticData }, { body, headers: signed(body) }), new RegExp(status));
			}
			expectIgnored(await deliver({ staticData }, { body: legacyBody({ status: 'queued' }) }), /queued/);
			expect(staticData).toEqual({});
		});

		it('starts on exactly the selected statuses; Succeeded covers succeed and succeeded', async () => {
			const setup = { events: ['processing', 'succeeded'] };
			expect((await deliver(setup, { body: legacyBody({ status: 'processing' }) })).items).toHaveLength(1);
			expect((await deliver(setup, { body: legacyBody({ status: 'succeed' }) })).items).toHaveLength(1);
			expect((await deliver(setup, { body: newBody('succeeded') })).items).toHaveLength(1);
			expectIgnored(await deliver(setup, { body: legacyBody({ status: 'failed' }) }), /failed/);
			expectIgnored(await deliver({ events: [] }, { body: legacyBody() }), /succeed/);
		});

		it('reacts only to tasks whose external task id has the prefix', async () => {
			const setup = { options: { externalTaskIdPrefix: 'campaign-7-' } };
			expect((await deliver(setup, { body: legacyBody({ externalTaskId: 'campaign-7-mira' }) })).items).toHaveLength(1);
			expectIgnored(await deliver(setup, { body: legacyBody({ externalTaskId: 'campaign-8-mira' }) }), /campaign-7-/);
			expectIgnored(await deliver(setup, { body: legacyBody({ externalTaskId: null }) }), /campaign-7-/);
			expectIgnored(await deliver(setup, { body: newBody() }), /campaign-7-/);
			expect((await deliver({ options: { externalTaskIdPrefix: '  ' } }, { body: legacyBody({ externalTaskId: null }) })).items).toHaveLength(1);
		});
	});

	describe('deduplication', () => {
		it('starts one execution per task and status, however often Kling delivers it', async () => {
			const staticData: IDataObject = {};
			const body = legacyBody();
			const first = await deliver({ staticData }, { body, headers: signed(body, SECRET, undefined, '7000000001') });
			expect(first.items).toHaveLength(1);
			// A retry: same webhook id, fresh timestamp and signature.
			const retry = await deliver({ staticData }, { body, headers: signed(body, SECRET, undefined, '7000000001') });
			expectIgnored(retry, /already received/);
			// Same content, new delivery id: still the same task and status.
			expectIgnored(await deliver({ staticData }, { body }), /already received/);
			// Another status of the same task, or another task, is new.
			expect((await deliver({ staticData }, { body: legacyBody({ status: 'failed' }) })).items).toHaveLength(1);
			expect((await deliver({ staticData }, { body: legacyBody({ taskId: '842250903629086786' }) })).items).toHaveLength(1);
			expect(staticData.seenCallbacks).toEqual([`${TASK_ID}:succeed`, `${TASK_ID}:failed`, '842250903629086786:succeed']);
		});

		it('does not remember refused or ignored deliveries', async () => {
			const staticData: IDataObject = {};
			const body = legacyBody();
			expectRefused(await deliver({ staticData }, { body, headers: signed(body, SECRET, 1) }), 401);
			expectIgnored(await deliver({ staticData, events: ['failed'] }, { body }), /succeed/);
			expect((await deliver({ staticData }, { body, headers: signed(body) })).items).toHaveLength(1);
		});

		it('remembers a bounded number of deliveries, oldest forgotten first', async () => {
			const seen = Array.from({ length: SEEN_CALLBACKS_LIMIT }, (_, i) => `old-${i}:succeed`);
			const staticData: IDataObject = { seenCallbacks: [...seen] };
			expect((await deliver({ staticData }, { body: legacyBody() })).items).toHaveLength(1);
			const after = staticData.seenCallbacks as string[];
			expect(after).toHaveLength(SEEN_CALLBACKS_LIMIT);
			expect(after[0]).toBe('old-1:succeed');
			expect(after[after.length - 1]).toBe(`${TASK_ID}:succeed`);
			expectIgnored(await deliver({ staticData }, { body: legacyBody({ taskId: 'old-7' }) }), /already received/);
		});
	});

	describe('Re-Read Task From Kling', () => {
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
		const notFound: [number, string] = [404, '{"code":1203,"message":"The requested resource does not exist","request_id":"req-0"}'];

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

		it('fails visibly, and remembers nothing, when no product knows the task', async () => {
			const staticData: IDataObject = {};
			const { context, requests } = fakeContext({ staticData, options: { reReadTask: true }, kling: () => notFound }, { body: legacyBody() });
			await expect(trigger.webhook.call(context)).rejects.toThrow(`Kling has no task with ID "${TASK_ID}"`);
			expect(requests.map((request) => String(request.url).replace(`${BASE_URL}/v1/`, '').replace(`/${TASK_ID}`, ''))).toEqual([
				'general/advanced-custom-elements',
				'general/custom-voices',
				'videos/omni-video',
				'videos/image2video',
				'videos/motion-control',
				'general/ai-multi-shot',
			]);
			expect(staticData).toEqual({});
		});

		it('re-reads only final statuses', async () => {
			const outcome = await deliver({ events: ['processing'], options: { reReadTask: true }, kling: () => notFound }, { body: legacyBody({ status: 'processing' }) });
			expect(outcome.requests).toHaveLength(0);
			expect(outcome.items[0].json).toMatchObject({ source: 'callback', status: 'processing' });
		});

		it('re-reads a new-standard task through the batch query', async () => {
			const task = newBody().replace('"status":"succeeded"', '"status":"succeeded","extra":true');
			const outcome = await deliver({ options: { reReadTask: true }, kling: () => [200, envelope(`[${task}]`)] }, { body: newBody() });
			expect(outcome.requests).toHaveLength(1);
			expect(outcome.requests[0].url).toBe(`${BASE_URL}/tasks`);
			expect(outcome.requests[0].qs).toEqual({ task_ids: '1234567890' });
			expect(outcome.items[0].json).toMatchObject({ source: 'kling', shape: 'new', elementIds: ['835266081714884678'], raw: { extra: true } });
		});

		it('needs a credential', async () => {
			await expect(deliver({ credentials: null, options: { reReadTask: true } }, { body: legacyBody() })).rejects.toThrow(/needs a Kling credential/);
		});
	});
});
