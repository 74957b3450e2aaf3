/** What the Kling Trigger's unit tests share: callback bodies, signing, and a hand-built webhook context. */
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

import { KlingTrigger } from '../../../nodes/KlingTrigger/KlingTrigger.node';
import { recordingResponse } from '../../harness/webhook.cts';
import { signWebhook } from '../../simulator/index.cts';

export const SECRET = 'whsec_' + Buffer.from('kling-trigger-unit-test-secret!!').toString('base64');
export const BASE_URL = 'https://kling.test';
export const ELEMENT_ID = '835266081714884677'; // above 2^53: JSON.parse would round it to ...700
export const TASK_ID = '842250903629086785';

export const trigger = new KlingTrigger();

/** A legacy callback for an element task, with the int64 element id written as a bare number, as Kling does. */
export function legacyBody(overrides: { status?: string; taskId?: string; externalTaskId?: string | null; elementId?: string } = {}): string {
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

export const newBody = (status = 'succeeded') =>
	`{"id":"1234567890","status":"${status}","message":"","create_time":1781080778802,"update_time":1781080794151,"external_id":"campaign-9-hero",` +
	`"outputs":[{"type":"video","id":"v-1","url":"https://cdn.test/v.mp4","watermark_url":"https://cdn.test/vw.mp4","duration":"5.1"},` +
	`{"type":"image","url":"https://cdn.test/i.png","group_id":7},` +
	`{"type":"audio","id":"a-1","mp3_url":"https://cdn.test/a.mp3","mp3_duration":5},` +
	`{"type":"element","id":835266081714884678,"name":"Mira","element_type":"multi_image_elements"},` +
	`{"type":"voice","id":829824295735410001,"name":"Narrator"}],"billing":[{"charge_type":"unit","amount":"1"}]}`;

/** Standard Webhooks headers for `body`, signed now (or at `timestamp`) with `secret`. */
export function signed(body: string, secret = SECRET, timestamp = Math.floor(Date.now() / 1000), id = '7000000001') {
	return {
		'content-type': 'application/json; charset=utf-8',
		'webhook-id': id,
		'webhook-timestamp': String(timestamp),
		'webhook-signature': signWebhook(secret, id, timestamp, body),
	};
}

export interface Setup {
	/** The Events parameter as n8n hands it over: the editor's array, or whatever an expression gave. */
	events?: unknown;
	options?: IDataObject;
	/** null: no credential on the node. */
	credentials?: ICredentialDataDecryptedObject | null;
	staticData?: IDataObject;
	/** The workflow's id; by default one per static data object. */
	workflowId?: string;
	/** Answers the transport's requests: [HTTP status, body text]. */
	kling?: (request: IHttpRequestOptions) => [number, string] | Promise<[number, string]>;
	/** n8n's execution mode: 'webhook' for a published workflow (the default), 'manual' while the editor listens. */
	mode?: string;
}

export interface Delivery {
	body: string | Buffer;
	headers?: Record<string, string>;
	/** Leave rawBody off the request object, as a caller outside n8n's body parser might. */
	withoutRawBody?: boolean;
}

export interface Outcome {
	result: IWebhookResponseData;
	/** Set when the node answered the request itself (a refusal). */
	reply: { status?: number; body?: IDataObject };
	items: INodeExecutionData[];
	requests: IHttpRequestOptions[];
}

export const defaultCredentials = (): ICredentialDataDecryptedObject => ({
	authType: 'apiKey',
	apiKey: 'test-api-key',
	region: 'custom',
	customBaseUrl: BASE_URL,
	webhookSecret: SECRET,
});

/** The same credential without a Webhook Secret: then an unsigned callback's body is output as it came. */
export const withoutSecret = (): ICredentialDataDecryptedObject => ({ ...defaultCredentials(), webhookSecret: '' });

/** Kling's answer to a query for a task it does not know, as observed live (kling-api.md §10). */
export const NOT_FOUND: [number, string] = [400, `{"code":1201,"message":"Task not found by id/external id: ${TASK_ID}","request_id":"req-0"}`];

const workflowIds = new WeakMap<object, string>();
const workflowIdOf = (staticData: object) => workflowIds.get(staticData) ?? workflowIds.set(staticData, `wf-${Math.random().toString(36).slice(2)}`).get(staticData)!;

/** A hand-built IWebhookFunctions: just what the trigger and the transport use. */
export function fakeContext(setup: Setup, delivery: Delivery) {
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
		const [statusCode, body] = (await setup.kling?.(request)) ?? NOT_FOUND;
		return { statusCode, headers: {}, body };
	});
	const context = {
		getNode: () => node,
		// One workflow per static data object, as in n8n: deliveries that share it are one workflow's.
		getWorkflow: () => ({ id: setup.workflowId ?? workflowIdOf(staticData), name: 'Kling callbacks', active: true }),
		logger: { warn: jest.fn(), debug: jest.fn(), info: jest.fn(), error: jest.fn() },
		getMode: () => setup.mode ?? 'webhook',
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

/**
 * Delivers one callback. Whenever it starts an execution, the node must have answered 200 itself first (so n8n saves
 * the record of deliveries before it starts the execution): every test that gets items checks that too.
 */
export async function deliver(setup: Setup, delivery: Delivery): Promise<Outcome> {
	const { context, reply, requests } = fakeContext(setup, delivery);
	const result = await trigger.webhook.call(context);
	if (result.workflowData) expectStarted({ result, reply });
	return { result, reply, requests, items: result.workflowData?.[0] ?? [] };
}

/** Answered 200 `{ received: true, started: true }` by the node, which hands n8n the execution's items. */
export function expectStarted(outcome: Pick<Outcome, 'result' | 'reply'>) {
	expect(outcome.reply).toEqual({ status: 200, body: { received: true, started: true } });
	expect(outcome.result.noWebhookResponse).toBe(true);
	expect(outcome.result.workflowData).toEqual([[expect.objectContaining({ json: expect.any(Object) })]]);
}

/** The request was answered with `status` by the node itself, and nothing started. */
export function expectRefused(outcome: Outcome, status: number, message?: RegExp) {
	expect(outcome.result).toEqual({ noWebhookResponse: true });
	expect(outcome.reply.status).toBe(status);
	if (message) expect(String(outcome.reply.body?.message)).toMatch(message);
}

/** Acknowledged with 200 and n8n's own answer, and nothing started. */
export function expectIgnored(outcome: Outcome, reason: RegExp) {
	expect(outcome.result.workflowData).toBeUndefined();
	expect(outcome.result.noWebhookResponse).toBeUndefined();
	expect(outcome.reply.status).toBeUndefined();
	expect(outcome.result.webhookResponse).toMatchObject({ received: true, started: false });
	expect(String(outcome.result.webhookResponse.reason)).toMatch(reason);
}

export const envelope = (data: unknown) => `{"code":0,"message":"SUCCEED","request_id":"req-1","data":${typeof data === 'string' ? data : JSON.stringify(data)}}`;
