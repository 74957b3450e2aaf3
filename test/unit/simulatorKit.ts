/** What the simulator's unit tests share: a starter that closes simulators after each test, and raw HTTP calls. */
import { parseLossless, startSimulator, type KlingSimulator, type SimulatorOptions } from '../simulator';

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
	text: string;
	json: Envelope;
}

/** body: an object is JSON-encoded, a string is sent verbatim (to test raw big integers and bad JSON). */
export async function call(
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

export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 5));
	}
}

/** A Kling JWT signed the way the API doc describes (the simulator's own signer). */
export { signJwt as jwt } from '../simulator';

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
