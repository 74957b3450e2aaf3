/**
 * What the unit tests of the transport and the tasks share: a small stateful fake of Kling's task API behind a
 * hand-built IExecuteFunctions (or IWebhookFunctions), and jest's fake timers to let Kling's seconds pass.
 */
import { Readable } from 'node:stream';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	IWebhookFunctions,
} from 'n8n-workflow';

import { PRODUCTS, type KlingTask, type TaskProduct } from '../../nodes/Kling/contract/task';
import { recordingResponse } from '../harness/webhook.cts';

export const BASE_URL = 'https://kling.test';
export const PRODUCT: TaskProduct = PRODUCTS.omniVideo;
/** A moment in 2026, so Kling's timestamps look real. */
export const T0 = 1_781_080_000_000;

/** What the fake answers: an HTTP status and body text (and headers), or an error the HTTP client throws. */
export type Answer = { status: number; body: string; headers?: Record<string, string> } | Error;

export const ok = (data: unknown): Answer => ({ status: 200, body: JSON.stringify({ code: 0, message: 'SUCCEED', request_id: 'req-ok', data }) });
export const refused = (code: number, message = `refused with ${code}`, status = 400, headers?: Record<string, string>): Answer => ({
	status,
	body: JSON.stringify({ code, message, request_id: `req-${code}` }),
	headers,
});
/** Kling's answer to a query for a task it does not know (kling-api.md §10). */
export const notFound = (id: string) => refused(1201, `Task not found by id/external id: ${id}`);
export const connectionError = (code: string): Error => Object.assign(new Error(`connect ${code} 127.0.0.1:443`), { code });
/** No answer within the request timeout: the request may have reached Kling. */
export const timedOut = (): Error => Object.assign(new Error('timeout of 60000ms exceeded'), { code: 'ECONNABORTED' });

/** One request the node sent, as the fake saw it. */
export interface Sent {
	at: number;
	method: string;
	path: string;
	qs?: IDataObject;
	body?: string;
	timeout?: number;
	/** The body exactly as handed to the HTTP client. */
	rawBody?: unknown;
}

interface FakeTask {
	id: string;
	externalTaskId: string;
	body: IDataObject;
	createdAt: number;
	doneAt: number;
	outcome: 'succeed' | 'failed';
}

interface Rule {
	when: (sent: Sent) => boolean;
	answer: (sent: Sent) => Answer;
	times: number;
}

export const isCreate = (sent: Sent) => sent.method === 'POST';
export const isList = (sent: Sent) => sent.method === 'GET' && sent.qs?.pageNum !== undefined;
export const isQuery = (sent: Sent) => sent.method === 'GET' && sent.qs?.pageNum === undefined;

/**
 * Kling's task API for one product: creates make tasks that run `durationOf` ms of (fake) time and then succeed or
 * fail; queries take a task id or an external task id; lists are newest first. `accountLimit` running tasks at most,
 * a create beyond that is answered 1303. `inject` overrides the answers to chosen requests.
 */
export class FakeKling {
	readonly sent: Sent[] = [];
	readonly tasks: FakeTask[] = [];
	accountLimit = Infinity;
	durationOf: (body: IDataObject, index: number) => number = () => 10_000;
	outcomeOf: (body: IDataObject) => 'succeed' | 'failed' = () => 'succeed';
	/** How long the nth create takes to reach Kling, in (fake) ms. */
	createLatencyOf: (index: number) => number = () => 0;
	private readonly rules: Rule[] = [];
	private nextId = 842250903629086000n;

	/** The next `times` requests that match `when` get `answer` instead of the fake's own. */
	inject(when: (sent: Sent) => boolean, answer: Answer | ((sent: Sent) => Answer), times = 1): this {
		this.rules.push({ when, answer: typeof answer === 'function' ? answer : () => answer, times });
		return this;
	}

	/** A relay in front of the fake: it passes the first matching create on to Kling, then answers it, and every later one, with its own 429. */
	relayPassesOnThen429(when: (sent: Sent) => boolean): this {
		let first = true;
		return this.inject(when, (sent) => {
			if (first) this.create(sent);
			first = false;
			return { status: 429, body: '<html>Too Many Requests</html>' };
		}, Infinity);
	}

	creates = () => this.sent.filter(isCreate);
	reads = () => this.sent.filter((sent) => sent.method === 'GET');

	statusOf(task: FakeTask, now = Date.now()): string {
		return now >= task.doneAt ? task.outcome : 'processing';
	}

	running(now = Date.now()): number {
		return this.tasks.filter((task) => this.statusOf(task, now) === 'processing').length;
	}

	taskJson(task: FakeTask, now = Date.now()): KlingTask {
		const status = this.statusOf(task, now);
		return {
			task_id: task.id,
			task_status: status,
			task_status_msg: status === 'failed' ? 'Kling could not make it' : '',
			task_info: { external_task_id: task.externalTaskId },
			task_result: status === 'succeed' ? { videos: [{ id: `${task.id}1`, url: `https://cdn.kling.test/${task.id}.mp4`, duration: '5' }] } : {},
			created_at: task.createdAt,
			updated_at: status === 'processing' ? now : task.doneAt,
		};
	}

	/** Makes the task of a create, whatever the answer to the create will be. */
	create(sent: Sent): FakeTask {
		const body = JSON.parse(sent.body ?? '{}') as IDataObject;
		const task: FakeTask = {
			id: String(this.nextId++),
			externalTaskId: String(body.external_task_id ?? ''),
			body,
			createdAt: sent.at,
			doneAt: sent.at + this.durationOf(body, this.tasks.length),
			outcome: this.outcomeOf(body),
		};
		this.tasks.push(task);
		return task;
	}

	find(id: string): FakeTask | undefined {
		return this.tasks.find((task) => task.id === id || task.externalTaskId === id);
	}

	handle(request: IHttpRequestOptions): Answer {
		const raw = request.body;
		const sent: Sent = {
			at: Date.now(),
			method: String(request.method ?? 'GET'),
			path: String(request.url).replace(BASE_URL, ''),
			qs: request.qs as IDataObject | undefined,
			body: Buffer.isBuffer(raw) ? raw.toString('utf8') : typeof raw === 'string' ? raw : undefined,
			timeout: request.timeout,
			rawBody: raw,
		};
		this.sent.push(sent);
		const rule = this.rules.find((candidate) => candidate.times > 0 && candidate.when(sent));
		if (rule) {
			rule.times--;
			return rule.answer(sent);
		}
		return this.answer(sent);
	}

	private answer(sent: Sent): Answer {
		if (!sent.path.startsWith(PRODUCT.path)) return { status: 404, body: '<html>Not Found</html>' };
		if (sent.method === 'POST') {
			// Kling's answer to an external task id it has seen (docs/kling-api.md §10, observed live).
			const externalTaskId = (JSON.parse(sent.body ?? '{}') as IDataObject).external_task_id;
			if (externalTaskId && this.find(String(externalTaskId))) return refused(1201, `External_task_id ${String(externalTaskId)} already exists`);
			if (this.running(sent.at) >= this.accountLimit) return refused(1303, 'parallel task over resource pack limit', 429);
			return ok(this.taskJson(this.create(sent), sent.at));
		}
		if (sent.path === PRODUCT.path) {
			const pageNum = Number(sent.qs?.pageNum ?? 1);
			const pageSize = Number(sent.qs?.pageSize ?? 30);
			const newestFirst = [...this.tasks].reverse().slice((pageNum - 1) * pageSize, pageNum * pageSize);
			return ok(newestFirst.map((task) => this.taskJson(task, sent.at)));
		}
		const id = decodeURIComponent(sent.path.slice(PRODUCT.path.length + 1));
		const task = this.find(id);
		return task ? ok(this.taskJson(task, sent.at)) : notFound(id);
	}
}

export const credentials = (): ICredentialDataDecryptedObject => ({ authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: BASE_URL });

export const node: INode = {
	id: 'kling-1',
	name: 'Kling',
	type: 'n8n-nodes-kling-elements.kling',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	credentials: { klingApi: { id: '1', name: 'Kling account' } },
};

/** n8n's HTTP helper, answered by the fake. */
function httpHelper(kling: FakeKling) {
	return jest.fn(async (_type: string, request: IHttpRequestOptions) => {
		const latency = request.method === 'POST' ? kling.createLatencyOf(kling.creates().length) : 0;
		if (latency) await new Promise((resolve) => setTimeout(resolve, latency));
		const answer = kling.handle(request);
		if (answer instanceof Error) throw answer;
		return { statusCode: answer.status, headers: answer.headers ?? {}, body: answer.body };
	});
}

/** A binary field of item 0: in memory (n8n's default mode) or stored (it has an id; its size comes from the store). */
export interface BinaryFile {
	bytes: Buffer;
	stored?: boolean;
	/** The size the store reports, when it differs from the bytes (a file that changed). */
	reportedSize?: number;
	/** The size of the chunks the store's stream hands out, when it is not the one asked for. */
	streamChunk?: number;
}

export interface ExecuteSetup {
	kling?: FakeKling;
	/** Node parameters by name, the same for every item. */
	parameters?: IDataObject;
	continueOnFail?: boolean;
	items?: INodeExecutionData[];
	resumeUrl?: string;
	binaries?: Record<string, BinaryFile>;
	/** The node's run index in its execution (a node in a loop runs more than once). */
	runIndex?: number;
	/** The execution's ID (default exec-1); an MCP client's tool call has none. */
	executionId?: string | null;
	/** Whether an AI agent or an MCP client calls the node as a tool: n8n runs it as its `klingTool` variant. */
	toolExecution?: boolean;
	/** The credential's fields over the default API key ones. */
	credentials?: IDataObject;
}

/** A hand-built IExecuteFunctions: just what the transport, the tasks and the operations' helpers use. */
export function executeContext(setup: ExecuteSetup = {}) {
	const kling = setup.kling ?? new FakeKling();
	const cancel = new AbortController();
	const parameters = setup.parameters ?? {};
	const binaries = setup.binaries ?? {};
	const binaryOf = (property: string) => {
		const file = binaries[property];
		if (!file) throw new Error(`The item has no binary field '${property}'`);
		return { data: file.stored ? 'filesystem-v2' : file.bytes.toString('base64'), mimeType: 'image/png', ...(file.stored ? { id: `filesystem-v2:${property}` } : {}) };
	};
	const context = {
		getNode: () => (setup.toolExecution ? { ...node, type: `${node.type}Tool` } : node),
		getNodeParameter: (name: string, _itemIndex: number, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
		getCredentials: async () => ({ ...credentials(), ...setup.credentials }),
		getExecutionCancelSignal: () => cancel.signal,
		continueOnFail: () => setup.continueOnFail ?? false,
		getExecutionId: () => (setup.executionId === null ? undefined : (setup.executionId ?? 'exec-1')),
		getInputData: () => setup.items ?? [{ json: {} }],
		isToolExecution: () => false,
		getWorkflowDataProxy: () => ({ $runIndex: setup.runIndex ?? 0, $execution: { resumeUrl: setup.resumeUrl ?? 'https://n8n.test/webhook-waiting/exec-1' } }),
		putExecutionToWait: jest.fn(async () => {}),
		helpers: {
			httpRequestWithAuthentication: httpHelper(kling),
			assertBinaryData: (_itemIndex: number, property: string) => binaryOf(property),
			getBinaryDataBuffer: jest.fn(async (_itemIndex: number, property: string) => binaries[property].bytes),
			getBinaryStream: jest.fn(async (id: string, chunkSize = 64 * 1024) => {
				const file = binaries[id.replace('filesystem-v2:', '')];
				const step = file.streamChunk ?? chunkSize;
				const chunks = Array.from({ length: Math.ceil(file.bytes.length / step) }, (_, n) => file.bytes.subarray(n * step, (n + 1) * step));
				return Readable.from(chunks);
			}),
			getBinaryMetadata: jest.fn(async (id: string) => {
				const file = binaries[id.replace('filesystem-v2:', '')];
				return { fileSize: file.reportedSize ?? file.bytes.length };
			}),
		},
	};
	return { ctx: context as unknown as IExecuteFunctions, context, kling, cancel };
}

export interface WebhookSetup {
	kling?: FakeKling;
	query: IDataObject;
	parameters?: IDataObject;
	/** What the request's body claims; a callback handler that trusts it would act on it. */
	body?: IDataObject;
}

/** A hand-built IWebhookFunctions for a call on the resume URL of a paused run. */
export function webhookContext(setup: WebhookSetup) {
	const kling = setup.kling ?? new FakeKling();
	const parameters = setup.parameters ?? {};
	const { reply, response } = recordingResponse();
	const context = {
		getNode: () => node,
		getNodeParameter: (name: string, fallback?: unknown) => (name in parameters ? parameters[name] : fallback),
		getCredentials: async () => credentials(),
		getQueryData: () => setup.query,
		getBodyData: jest.fn(() => setup.body ?? {}),
		getHeaderData: jest.fn(() => ({})),
		getResponseObject: () => response,
		helpers: { httpRequestWithAuthentication: httpHelper(kling) },
	};
	return { ctx: context as unknown as IWebhookFunctions, context, kling, reply };
}

/** Jest's fake timers and Date, starting at T0; real microtasks, so promises run as usual. */
export function useFakeTime(): void {
	beforeEach(() => {
		jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'queueMicrotask'], now: T0 });
	});
	afterEach(() => {
		jest.useRealTimers();
	});
}

/** Lets fake time pass, a second at a time, until `promise` settles; then resolves or rejects as it did. */
export async function whileTimePasses<T>(promise: Promise<T>): Promise<T> {
	let settled = false;
	promise.then(
		() => (settled = true),
		() => (settled = true),
	);
	while (!settled) await jest.advanceTimersByTimeAsync(1_000);
	return await promise;
}

/** The error a promise rejects with (after letting fake time pass). */
export async function failureOf(promise: Promise<unknown>): Promise<Error & { description?: string; context?: IDataObject }> {
	try {
		await whileTimePasses(promise);
	} catch (error) {
		return error as Error & { description?: string };
	}
	throw new Error('expected a failure, but it succeeded');
}

/** The gaps between consecutive times. */
export const gaps = (times: number[]) => times.slice(1).map((time, n) => time - times[n]);
