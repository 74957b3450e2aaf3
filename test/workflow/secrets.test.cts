/**
 * No secret ever leaves the node (issue "Reliability and security under faults"). Representative workflows run
 * with distinctive credentials (an API key, an access key + secret key, and so the JWTs signed from them), and
 * everything the run produced is scanned: output items, the run's error with its message, description, stack,
 * context and cause, the whole IRun (every own property, enumerable or not), and what n8n logged or reported.
 */
import { ErrorReporter } from 'n8n-core';
import type { IDataObject, IRun, Logger } from 'n8n-workflow';
import { LoggerProxy } from 'n8n-workflow';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { RESULTS_DIR } from '../harness/report.cts';

import { chain, emptyItems, runWorkflow, type RunResult } from '../harness/workflow.cts';
import type { Fault, FaultRule } from '../simulator/index.cts';
import { imageUrls, klingNode, useSimulator } from './helpers.cts';

// n8n-core's own copies of the DI container and its Logger, as in the harness.
const requireFromCore = createRequire(require.resolve('n8n-core'));
const { Container } = requireFromCore('@n8n/di') as typeof import('@n8n/di');
const { Logger: CoreLogger } = requireFromCore('@n8n/backend-common') as { Logger: import('@n8n/di').Constructable<Logger> };

const API_KEY = 'sk-kling-SECRETAPIKEY-5c1f9e0d7a3b';
const WRONG_API_KEY = 'sk-kling-SECRETWRONGKEY-0b4d2f6a';
const ACCESS_KEY = 'AK-kling-SECRETACCESS-8e2d4b6f';
const SECRET_KEY = 'SK-kling-SECRETSECRET-3a9c7e1f';
const WRONG_SECRET_KEY = 'SK-kling-SECRETWRONGSECRET-77aa';
const SECRETS = [API_KEY, WRONG_API_KEY, ACCESS_KEY, SECRET_KEY, WRONG_SECRET_KEY];
/** Any JWT: base64url JSON header and payload, then a signature. */
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}/;

const ctx = useSimulator({ apiKeys: [API_KEY], keyPairs: { [ACCESS_KEY]: SECRET_KEY }, timing: { submittedMs: 20, processingMs: 40 } });

type Auth = 'apiKey' | 'keyPair' | 'wrongApiKey' | 'wrongSecretKey';

function credentials(auth: Auth) {
	const base = { region: 'custom', customBaseUrl: ctx.sim.url };
	switch (auth) {
		case 'apiKey':
			return { klingApi: { ...base, authType: 'apiKey', apiKey: API_KEY } };
		case 'wrongApiKey':
			return { klingApi: { ...base, authType: 'apiKey', apiKey: WRONG_API_KEY } };
		case 'keyPair':
			return { klingApi: { ...base, authType: 'keyPair', accessKey: ACCESS_KEY, secretKey: SECRET_KEY } };
		case 'wrongSecretKey':
			return { klingApi: { ...base, authType: 'keyPair', accessKey: ACCESS_KEY, secretKey: WRONG_SECRET_KEY } };
	}
}

// ---- capture what n8n logs and reports ---------------------------------------------------------------------------

const captured: unknown[] = [];
const record =
	(source: string) =>
	(...args: unknown[]) => {
		captured.push({ source, args });
	};

beforeAll(() => {
	// n8n's Logger points LoggerProxy at itself when it is built, so build it first, then take both over.
	const logger = Container.get(CoreLogger);
	for (const level of ['error', 'warn', 'info', 'debug'] as const) jest.spyOn(logger, level).mockImplementation(record(`Logger.${level}`));
	const recorder = { error: record('LoggerProxy.error'), warn: record('LoggerProxy.warn'), info: record('LoggerProxy.info'), debug: record('LoggerProxy.debug') };
	LoggerProxy.init(recorder as unknown as Logger);
	jest.spyOn(Container.get(ErrorReporter), 'error').mockImplementation(record('ErrorReporter.error'));
	jest.spyOn(Container.get(ErrorReporter), 'warn').mockImplementation(record('ErrorReporter.warn'));
	jest.spyOn(Container.get(ErrorReporter), 'info').mockImplementation(record('ErrorReporter.info'));
	for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) jest.spyOn(console, level).mockImplementation(record(`console.${level}`));
});

afterAll(() => jest.restoreAllMocks());

beforeEach(() => {
	captured.length = 0;
});

// ---- scanning --------------------------------------------------------------------------------------------------

/** Every string reachable from `value`: keys, values, and every own property of errors (message, stack, cause...). */
function strings(value: unknown, out: string[] = [], seen = new Set<unknown>()): string[] {
	if (typeof value === 'string') {
		out.push(value);
		return out;
	}
	if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return out;
	if (value === null || value === undefined || typeof value === 'function' || typeof value === 'symbol') return out;
	if (seen.has(value)) return out;
	seen.add(value);
	if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
		out.push(Buffer.from(value).toString('utf8'));
		return out;
	}
	if (value instanceof Map) {
		for (const [k, v] of value) strings(k, out, seen), strings(v, out, seen);
		return out;
	}
	if (value instanceof Set) {
		for (const v of value) strings(v, out, seen);
		return out;
	}
	for (const key of Object.getOwnPropertyNames(value)) {
		out.push(key);
		let child: unknown;
		try {
			child = (value as Record<string, unknown>)[key];
		} catch {
			continue;
		}
		strings(child, out, seen);
	}
	if (value instanceof Error && value.cause !== undefined) strings(value.cause, out, seen);
	return out;
}

function safeJson(value: unknown): string {
	try {
		return JSON.stringify(value) ?? '';
	} catch (error) {
		return `<not serialisable: ${(error as Error).message}>`;
	}
}

/** Every form a secret could take in text: as is, base64, base64url, URL-encoded. */
function forms(secret: string): string[] {
	return [...new Set([secret, Buffer.from(secret).toString('base64').replace(/=+$/, ''), Buffer.from(secret).toString('base64url'), encodeURIComponent(secret)])];
}

/** The tokens the simulator actually received during the run (exact JWTs, bearer values). */
function tokensSent(): string[] {
	return ctx.sim.requests.map((r) => String(r.headers.authorization ?? '').replace(/^Bearer\s+/, '')).filter((token) => token.length > 0);
}

interface Leak {
	where: string;
	needle: string;
	context: string;
}

function findLeaks(result: RunResult): Leak[] {
	const run = result.run as IRun | undefined;
	const haystacks: Array<[string, string]> = [
		['IRun (all own properties)', strings(run).join('\n')],
		['IRun (JSON)', safeJson(run)],
		['run error', strings(run?.data?.resultData?.error).join('\n')],
		['harness error', safeJson(result.error)],
		['logs and reports', strings(captured).join('\n')],
	];
	const needles = [...new Set([...SECRETS.flatMap(forms), ...tokensSent()])];
	const leaks: Leak[] = [];
	for (const [where, text] of haystacks) {
		for (const needle of needles) {
			const at = text.indexOf(needle);
			if (at >= 0) leaks.push({ where, needle, context: text.slice(Math.max(0, at - 80), at + needle.length + 40) });
		}
		const jwt = JWT_SHAPE.exec(text);
		if (jwt) leaks.push({ where, needle: 'a JWT', context: text.slice(Math.max(0, jwt.index - 80), jwt.index + jwt[0].length) });
	}
	return leaks;
}

// ---- workflows --------------------------------------------------------------------------------------------------

const createElement = (extra: IDataObject = {}, continueOnFail = false) => ({
	...klingNode('Create Element', {
		resource: 'element',
		operation: 'create',
		elementName: '={{ "Secret test " + $json.index }}',
		elementDescription: 'A subject for the secrets suite',
		referenceType: 'image_refer',
		...imageUrls,
		...extra,
	}),
	continueOnFail,
});

async function run(auth: Auth, ...nodes: Array<ReturnType<typeof createElement>>): Promise<RunResult> {
	return await runWorkflow({ ...chain(emptyItems(2), ...nodes), credentials: credentials(auth) });
}

const scanned = { runs: 0, leaks: 0 };
afterAll(() => {
	mkdirSync(RESULTS_DIR, { recursive: true });
	writeFileSync(path.join(RESULTS_DIR, 'secrets.json'), JSON.stringify(scanned));
});

function expectNoLeaks(result: RunResult) {
	// The run must have produced something worth scanning.
	expect(result.run).toBeDefined();
	const leaks = findLeaks(result);
	scanned.runs++;
	scanned.leaks += leaks.length;
	expect(leaks).toEqual([]);
}

const AUTHS: Auth[] = ['apiKey', 'keyPair'];

describe('the scanner', () => {
	it('finds a secret in a non-enumerable stack, an error cause, a log line and a base64 form', () => {
		const hidden = new Error('nothing to see');
		Object.defineProperty(hidden, 'stack', { value: `Error: x\n    at Bearer ${API_KEY}`, enumerable: false });
		const fake = (error: unknown) => ({ run: { data: { resultData: { error } } }, status: 'error', output: () => [] }) as unknown as RunResult;
		expect(findLeaks(fake(hidden)).map((leak) => leak.needle)).toContain(API_KEY);
		expect(findLeaks(fake(new Error('wrapped', { cause: { token: SECRET_KEY } }))).map((leak) => leak.needle)).toContain(SECRET_KEY);
		expect(findLeaks(fake({ header: Buffer.from(ACCESS_KEY).toString('base64') })).length).toBeGreaterThan(0);
		expect(findLeaks(fake({ jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJlLXZhbHVl' })).map((leak) => leak.needle)).toContain('a JWT');
		captured.push({ source: 'Logger.debug', args: [`token ${WRONG_API_KEY}`] });
		expect(findLeaks(fake(undefined)).map((leak) => leak.where)).toContain('logs and reports');
	});
});

describe('no secret or token in anything a run emits', () => {
	it.each(AUTHS)('success: create, get its task and the element, and list (%s)', async (auth) => {
		const result = await run(
			auth,
			createElement(),
			{ ...klingNode('Get Creation Task', { resource: 'element', operation: 'getTask', taskId: '={{ $json.taskId }}' }), continueOnFail: false },
			{ ...klingNode('Get Element', { resource: 'element', operation: 'get', element: { __rl: true, mode: 'id', value: '={{ $json.elementId }}' } }), continueOnFail: false },
			{ ...klingNode('List Elements', { resource: 'element', operation: 'getAll', returnAll: true }), continueOnFail: false },
		);
		expect(result.error).toBeUndefined();
		expect(result.output('Get Element').map((item) => item.json.elementName)).toEqual(['Secret test 0', 'Secret test 1']);
		expect(result.output('List Elements').length).toBeGreaterThan(0);
		expect(tokensSent().length).toBeGreaterThan(0);
		// The capture is live: n8n logged the run through it.
		expect(captured.some((entry) => (entry as { source: string }).source.startsWith('LoggerProxy.'))).toBe(true);
		expectNoLeaks(result);
	});

	it.each(['wrongApiKey', 'wrongSecretKey'] as Auth[])('authentication failure (%s)', async (auth) => {
		const stopped = await run(auth, createElement());
		expect(stopped.status).toBe('error');
		expect(stopped.error?.message).toMatch(/Authentication failed/);
		expectNoLeaks(stopped);

		const continued = await run(auth, createElement({}, true));
		expect(continued.output('Create Element')[0].json.error).toMatch(/Authentication failed/);
		expectNoLeaks(continued);
	});

	it.each(AUTHS)('validation errors, before anything is sent (%s)', async (auth) => {
		const result = await run(auth, createElement({ additionalImages: {}, options: { callbackUrl: 'not a url' } }));
		expect(result.status).toBe('error');
		expect(ctx.sim.createdTaskCount()).toBe(0);
		expectNoLeaks(result);
	});

	it.each(AUTHS)('a task id Kling does not know (%s)', async (auth) => {
		const result = await runWorkflow({
			...chain(klingNode('Get Creation Task', { resource: 'element', operation: 'getTask', taskId: 'no-such-task' })),
			credentials: credentials(auth),
		});
		expect(result.status).toBe('error');
		expectNoLeaks(result);
	});

	const faults: Array<[string, FaultRule, IDataObject?]> = [
		['5000 on a create, task made', { when: { operation: 'create' }, fault: { kind: 'error', code: 5000, processed: true } }],
		['creates that never get through', { when: { operation: 'create' }, times: Infinity, fault: { kind: 'dropAfterAccept', processed: false } }],
		['an answer slower than the timeout', { when: { operation: 'create' }, fault: { kind: 'delay', ms: 60_000 * 2.5 } }],
		// Reads that never get an answer keep the tasks waiting until their timeout.
		["a relay's HTML page", { when: { method: 'GET' }, times: Infinity, fault: { kind: 'html', httpStatus: 502 } }, { options: { timeoutMinutes: 0.3 } }],
		['malformed JSON on every read', { when: { method: 'GET' }, times: Infinity, fault: { kind: 'malformedJson' } }, { options: { timeoutMinutes: 0.3 } }],
		['HTTP 200 with a non-zero code', { when: { operation: 'create' }, times: Infinity, fault: { kind: 'okWithCode', code: 1201 } }],
		['a rate limit that never lifts', { when: { operation: 'create' }, times: Infinity, fault: { kind: 'error', code: 1303 } }, { options: { timeoutMinutes: 0.1 } }],
		['a resource pack that is used up', { when: { operation: 'create' }, times: Infinity, fault: { kind: 'error', code: 1102 } }],
		['an expired token, twice', { when: { operation: 'create' }, times: 2, fault: { kind: 'error', code: 1004 } }],
		['a task that never finishes', { fault: { kind: 'stuck' }, times: Infinity }, { options: { timeoutMinutes: 0.3 } }],
	];

	describe.each(AUTHS)('faults (%s)', (auth) => {
		it.each(faults)('%s', async (_label, rule, node = {}) => {
			ctx.sim.injectFault(rule);
			const stopped = await run(auth, createElement(node));
			expect(ctx.sim.faultLog.length).toBeGreaterThan(0);
			expectNoLeaks(stopped);

			ctx.sim.reset();
			ctx.sim.injectFault(rule);
			const continued = await run(auth, createElement(node, true));
			expect(continued.output('Create Element')).toHaveLength(2);
			expectNoLeaks(continued);
		});
	});
});

describe('hardening: a relay that echoes the Authorization header in its error message', () => {
	const echo: Fault = { kind: 'error', code: 1000, httpStatus: 401, message: 'Invalid token: {authorization}' };

	it.each(AUTHS)('the echoed credential is not passed on (%s)', async (auth) => {
		ctx.sim.injectFault({ times: Infinity, fault: echo });
		const stopped = await run(auth, createElement());
		expect(stopped.status).toBe('error');
		expect(stopped.error?.message).toMatch(/Authentication failed/);
		expectNoLeaks(stopped);

		const continued = await run(auth, createElement({}, true));
		expectNoLeaks(continued);
	});
});
