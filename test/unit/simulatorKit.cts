/**
 * What the simulator's unit tests share: a starter that closes simulators after each test, raw HTTP calls, and a
 * receiver for callbacks.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'http';
import type { AddressInfo } from 'net';

import { parseLossless, startSimulator, type KlingSimulator, type SimulatorOptions } from '../simulator/index.cts';

export function simulatorStarter(timing: SimulatorOptions['timing']) {
	const running: KlingSimulator[] = [];
	afterEach(async () => {
		await Promise.all(running.splice(0).map((sim) => sim.close()));
	});
	return async (options: SimulatorOptions = {}): Promise<KlingSimulator> => {
		const sim = await startSimulator({ timing, ...options });
		running.push(sim);
		return sim;
	};
}

export const API_KEY = 'test-api-key';
export const FAST = { submittedMs: 15, processingMs: 30 };
export const ELEMENTS = '/v1/general/advanced-custom-elements';

export interface Envelope {
	code: number;
	message: string;
	request_id: string;
	data?: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response shapes vary per endpoint
}

export interface CallResult {
	status: number;
	headers: Headers;
	text: string;
	/** The body parsed without losing big integers; read lazily, as faults may answer HTML or broken JSON. */
	readonly json: Envelope;
}

export interface CallOptions {
	/** null sends no Authorization header. */
	authorization?: string | null;
	/** Another origin or prefix than the simulator's (a relay's path, the bare host). */
	base?: string;
	signal?: AbortSignal;
}

/** body: an object is JSON-encoded, a string is sent verbatim (to test raw big integers and bad JSON). */
export async function call(sim: KlingSimulator, method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<CallResult> {
	const { authorization = `Bearer ${API_KEY}`, base = sim.url, signal } = options;
	const headers: Record<string, string> = { 'content-type': 'application/json' };
	if (authorization !== null) headers.authorization = authorization;
	const response = await fetch(base + path, {
		method,
		headers,
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
		signal,
	});
	const text = await response.text();
	return {
		status: response.status,
		headers: response.headers,
		text,
		get json() {
			return parseLossless(text) as Envelope;
		},
	};
}

/** A local server that records the callbacks it receives, started before and closed after each test. */
export function callbackReceiver(path = '/hook') {
	const receiver = {
		url: '',
		received: [] as Array<{ headers: IncomingHttpHeaders; body: string }>,
		/** The HTTP status it answers with. */
		answer: 200,
		/** The task_status of each callback received, in order. */
		statuses: () => receiver.received.map((r) => (JSON.parse(r.body) as { task_status: string }).task_status),
	};
	let server: Server;
	beforeEach(async () => {
		receiver.received = [];
		receiver.answer = 200;
		server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				receiver.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
				res.writeHead(receiver.answer).end();
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
	});
	afterEach(async () => {
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	});
	return receiver;
}

export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

/** A Kling JWT signed the way the API doc describes (the simulator's own signer). */
export { signJwt as jwt } from '../simulator/index.cts';

export function imageElement(overrides: Record<string, unknown> = {}): Record<string, unknown> {
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

export function statusOf(sim: KlingSimulator, taskId: string): string | undefined {
	return sim.tasks().find((t) => t.taskId === taskId)?.status;
}
