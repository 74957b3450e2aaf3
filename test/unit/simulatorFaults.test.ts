import { createServer, Server } from 'http';
import type { AddressInfo } from 'net';
import { classifyRequest, KlingSimulator, NO_ENVELOPE_CODE, parseLossless } from '../simulator';
import { API_KEY, ELEMENTS, FAST, imageElement, simulatorStarter, waitFor } from './simulatorKit';

interface CallResult {
	status: number;
	headers: Headers;
	text: string;
}

const start = simulatorStarter(FAST);

async function call(sim: KlingSimulator, method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<CallResult> {
	const response = await fetch(sim.url + path, {
		method,
		headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
		body: body === undefined ? undefined : JSON.stringify(body),
		signal,
	});
	return { status: response.status, headers: response.headers, text: await response.text() };
}

const json = (result: CallResult) => parseLossless(result.text) as { code: number; message: string; data?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- shapes vary

describe('request matching', () => {
	it('classifies product operations, with or without a relay prefix and trailing slash', () => {
		expect(classifyRequest('POST', ELEMENTS)).toEqual({ product: 'advanced-custom-elements', operation: 'create' });
		expect(classifyRequest('GET', `${ELEMENTS}/`)).toEqual({ product: 'advanced-custom-elements', operation: 'list' });
		expect(classifyRequest('GET', `/kling${ELEMENTS}/842250903629086785`)).toEqual({ product: 'advanced-custom-elements', operation: 'query' });
		expect(classifyRequest('POST', '/v1/videos/omni-video')).toEqual({ product: 'omni-video', operation: 'create' });
		expect(classifyRequest('GET', '/v1/general/advanced-presets-elements')).toEqual({});
		expect(classifyRequest('POST', '/v1/general/delete-advanced-elements')).toEqual({});
	});

	it('applies a rule only to requests matching every field, `times` times, until removed or reset', async () => {
		const sim = await start();
		const remove = sim.injectFault({
			when: { product: 'elements', operation: 'create', method: 'post', pathIncludes: '/general/', bodyIncludes: '"Target"' },
			times: 2,
			fault: { kind: 'error', code: 5001 },
		});
		expect(json(await call(sim, 'GET', ELEMENTS)).code).toBe(0);
		expect(json(await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Other' }))).code).toBe(0);
		expect((await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Target' }))).status).toBe(503);
		expect(json(await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Target' }))).code).toBe(5001);
		expect(json(await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Target' }))).code).toBe(0);
		expect(sim.faultLog.map((f) => f.kind)).toEqual(['error', 'error']);

		remove();
		sim.injectFault({ times: Infinity, fault: { kind: 'error', code: 5000 } });
		for (let i = 0; i < 3; i++) expect((await call(sim, 'GET', ELEMENTS)).status).toBe(500);
		sim.reset();
		expect((await call(sim, 'GET', ELEMENTS)).status).toBe(200);
		expect(sim.faultLog).toHaveLength(0);
	});

	it('removes a rule with the returned function', async () => {
		const sim = await start();
		const remove = sim.injectFault({ times: Infinity, fault: { kind: 'html' } });
		expect((await call(sim, 'GET', ELEMENTS)).status).toBe(502);
		remove();
		expect((await call(sim, 'GET', ELEMENTS)).status).toBe(200);
	});

	it('rejects nonsense rules', async () => {
		const sim = await start();
		expect(() => sim.injectFault({ times: -1, fault: { kind: 'html' } })).toThrow(/times/);
		expect(() => sim.injectFault({ fault: { kind: 'repeatCallbacks', count: 0 } })).toThrow(/count/);
	});
});

describe('request faults', () => {
	it.each([
		[1302, 429],
		[1303, 429],
		[1100, 429],
		[1101, 429],
		[1102, 429],
		[1004, 401],
		[5000, 500],
		[5001, 503],
		[5002, 504],
	])('error %i answers HTTP %i in the envelope, creates nothing and is logged', async (code, status) => {
		const sim = await start();
		sim.injectFault({ when: { operation: 'create' }, fault: { kind: 'error', code } });
		const result = await call(sim, 'POST', ELEMENTS, imageElement());
		expect(result.status).toBe(status);
		expect(json(result)).toMatchObject({ code, message: expect.any(String) });
		expect(json(result).message.length).toBeGreaterThan(0);
		expect(sim.createdTaskCount()).toBe(0);
		const [logged] = sim.apiRequests({ method: 'POST' });
		expect(logged).toMatchObject({ status, code, fault: { kind: 'error', processed: false, answered: true } });
		expect(logged.body).toMatchObject({ element_name: 'Hero' }); // logged even though the handler never saw it
	});

	it('an error may overrule status and message, and echo the Authorization header like a careless relay', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'error', code: 1000, httpStatus: 403, message: 'bad token {authorization}' } });
		const result = await call(sim, 'GET', ELEMENTS);
		expect(result.status).toBe(403);
		expect(json(result).message).toBe(`bad token Bearer ${API_KEY}`);
	});

	it('a processed error (5000 after the create went through) leaves the task in place', async () => {
		const sim = await start();
		sim.injectFault({ when: { operation: 'create' }, fault: { kind: 'error', code: 5000, processed: true } });
		const result = await call(sim, 'POST', ELEMENTS, imageElement({ external_task_id: 'ambiguous-1' }));
		expect(json(result).code).toBe(5000);
		expect(sim.createdTaskCount()).toBe(1);
		const [task] = sim.tasks();
		expect(task.externalTaskId).toBe('ambiguous-1');
		expect(sim.apiRequests()[0].fault).toMatchObject({ processed: true, handled: { status: 200, code: 0 }, taskId: task.taskId });
		expect(json(await call(sim, 'GET', `${ELEMENTS}/ambiguous-1`)).data.task_id).toBe(task.taskId);
	});

	it('retryAfter answers 429 with a Retry-After header in seconds', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'retryAfter', seconds: 7 } });
		const result = await call(sim, 'POST', ELEMENTS, imageElement());
		expect(result.status).toBe(429);
		expect(result.headers.get('retry-after')).toBe('7');
		expect(json(result).code).toBe(1302);
		expect(sim.createdTaskCount()).toBe(0);
	});

	it('okWithCode answers HTTP 200 with a non-zero code', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'okWithCode', code: 1201, message: 'element_name is invalid' } });
		const result = await call(sim, 'POST', ELEMENTS, imageElement());
		expect(result.status).toBe(200);
		expect(json(result)).toMatchObject({ code: 1201, message: 'element_name is invalid' });
		expect(sim.createdTaskCount()).toBe(0);
	});

	it('dropAfterAccept creates the task, then closes the connection without an answer', async () => {
		const sim = await start();
		sim.injectFault({ when: { operation: 'create' }, fault: { kind: 'dropAfterAccept' } });
		await expect(call(sim, 'POST', ELEMENTS, imageElement({ external_task_id: 'dropped-1' }))).rejects.toThrow();
		expect(sim.createdTaskCount()).toBe(1);
		expect(sim.tasks()[0].externalTaskId).toBe('dropped-1');
		const [logged] = sim.apiRequests();
		expect(logged).toMatchObject({ status: 0, code: NO_ENVELOPE_CODE, fault: { kind: 'dropAfterAccept', processed: true, answered: false } });
	});

	it('dropAfterAccept with processed: false is a plain connection reset', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'dropAfterAccept', processed: false } });
		await expect(call(sim, 'POST', ELEMENTS, imageElement())).rejects.toThrow();
		expect(sim.createdTaskCount()).toBe(0);
	});

	it('delay handles the request at once and answers late', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'delay', ms: 80 } });
		const sent = Date.now();
		const result = await call(sim, 'POST', ELEMENTS, imageElement());
		expect(Date.now() - sent).toBeGreaterThanOrEqual(75);
		expect(json(result).code).toBe(0);
		expect(sim.apiRequests()[0]).toMatchObject({ status: 200, code: 0, fault: { kind: 'delay', answered: true } });
	});

	it('a delayed create whose client gave up still made its task', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'delay', ms: 150 } });
		await expect(call(sim, 'POST', ELEMENTS, imageElement(), AbortSignal.timeout(20))).rejects.toThrow();
		expect(sim.createdTaskCount()).toBe(1);
		const [logged] = sim.apiRequests();
		await waitFor(() => logged.fault?.answered === false);
		expect(logged.status).toBe(0);
	});

	it('an unprocessed delay reaches the simulator only when it answers', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'delay', ms: 60, processed: false } });
		const pending = call(sim, 'POST', ELEMENTS, imageElement());
		await waitFor(() => sim.apiRequests().length === 1);
		expect(sim.createdTaskCount()).toBe(0);
		expect(json(await pending).code).toBe(0);
		expect(sim.createdTaskCount()).toBe(1);
		expect(sim.apiRequests()[0].fault).toMatchObject({ processed: true, handled: { status: 200, code: 0 } });
	});

	it('reset abandons pending delayed answers', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'delay', ms: 60_000 } });
		const pending = call(sim, 'GET', ELEMENTS);
		await waitFor(() => sim.apiRequests().length === 1);
		sim.reset();
		await expect(pending).rejects.toThrow();
	});

	it('malformedJson sends a truncated body after creating the task', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'malformedJson' } });
		const result = await call(sim, 'POST', ELEMENTS, imageElement());
		expect(result.status).toBe(200);
		expect(result.text.startsWith('{"code":0')).toBe(true);
		expect(() => JSON.parse(result.text)).toThrow();
		expect(sim.createdTaskCount()).toBe(1);
		expect(sim.apiRequests()[0]).toMatchObject({ status: 200, code: NO_ENVELOPE_CODE });
	});

	it('malformedJson also works on reads and without processing', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'malformedJson', processed: false } });
		const result = await call(sim, 'POST', ELEMENTS, imageElement());
		expect(() => JSON.parse(result.text)).toThrow();
		expect(sim.createdTaskCount()).toBe(0);
		sim.injectFault({ fault: { kind: 'malformedJson' } });
		const read = await call(sim, 'GET', ELEMENTS);
		expect(() => JSON.parse(read.text)).toThrow();
	});

	it("html answers a relay's HTML error page without reaching Kling", async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'html' } });
		sim.injectFault({ fault: { kind: 'html', httpStatus: 504, processed: true } });
		const first = await call(sim, 'POST', ELEMENTS, imageElement());
		expect(first.status).toBe(502);
		expect(first.headers.get('content-type')).toBe('text/html');
		expect(first.text).toMatch(/^<html>[\s\S]*502 Bad Gateway[\s\S]*nginx/);
		expect(sim.createdTaskCount()).toBe(0);
		const second = await call(sim, 'POST', ELEMENTS, imageElement());
		expect(second.status).toBe(504);
		expect(second.text).toContain('504 Gateway Time-out');
		expect(sim.createdTaskCount()).toBe(1);
	});

	it('does not touch file downloads', async () => {
		const sim = await start();
		sim.injectFault({ times: Infinity, fault: { kind: 'html' } });
		const response = await fetch(`${sim.origin}/files/nothing.mp4`);
		expect(response.status).toBe(404);
		expect(sim.faultLog).toHaveLength(0);
	});
});

describe('task faults', () => {
	it('a stuck task stays processing while its neighbours finish', async () => {
		const sim = await start();
		sim.injectFault({ when: { bodyIncludes: '"Stuck"' }, fault: { kind: 'stuck' } });
		const stuck = json(await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Stuck' }))).data.task_id;
		const normal = json(await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Normal' }))).data.task_id;
		const statusOf = (id: string) => sim.tasks().find((t) => t.taskId === id)?.status;
		await waitFor(() => statusOf(normal) === 'succeed' && statusOf(stuck) === 'processing');
		// The normal task was created later and is final: the stuck one had all of its time and more.
		expect(statusOf(stuck)).toBe('processing');
		expect(sim.faultLog).toEqual([expect.objectContaining({ kind: 'stuck', taskId: stuck, method: 'POST' })]);
		expect(json(await call(sim, 'GET', `${ELEMENTS}/${stuck}`)).data.task_status).toBe('processing');
	});

	it('can keep a task submitted, and applies to one task by default', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'stuck', status: 'submitted' } });
		const first = json(await call(sim, 'POST', ELEMENTS, imageElement())).data.task_id;
		const second = json(await call(sim, 'POST', ELEMENTS, imageElement())).data.task_id;
		const statusOf = (id: string) => sim.tasks().find((t) => t.taskId === id)?.status;
		await waitFor(() => statusOf(second) === 'succeed');
		expect(statusOf(first)).toBe('submitted');
	});

	it('a refused create binds no task fault', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'stuck' } });
		expect(json(await call(sim, 'POST', ELEMENTS, imageElement({ element_name: '' }))).code).toBe(1201);
		const id = json(await call(sim, 'POST', ELEMENTS, imageElement())).data.task_id;
		expect(sim.faultLog).toEqual([expect.objectContaining({ kind: 'stuck', taskId: id })]);
	});
});

describe('callback faults', () => {
	let receiver: Server;
	let received: string[];
	let receiverUrl: string;

	beforeEach(async () => {
		received = [];
		receiver = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				received.push((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { task_status: string }).task_status);
				res.writeHead(200).end();
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
	});
	afterEach(async () => {
		await new Promise<void>((resolve) => {
			receiver.close(() => resolve());
			receiver.closeAllConnections();
		});
	});

	it('repeatCallbacks delivers each status change count times', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'repeatCallbacks', count: 3 } });
		await call(sim, 'POST', ELEMENTS, imageElement({ callback_url: receiverUrl }));
		await sim.idle();
		expect(received).toEqual(['processing', 'processing', 'processing', 'succeed', 'succeed', 'succeed']);
	});

	it('reorderCallbacks delivers the final status before the earlier ones', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'reorderCallbacks' } });
		await call(sim, 'POST', ELEMENTS, imageElement({ callback_url: receiverUrl, element_description: 'x [fail]' }));
		await sim.idle();
		expect(received).toEqual(['failed', 'processing']);
	});

	it('dropCallbacks sends nothing for the task; other tasks are untouched', async () => {
		const sim = await start();
		sim.injectFault({ when: { bodyIncludes: '"Silent"' }, fault: { kind: 'dropCallbacks' } });
		await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Silent', callback_url: receiverUrl }));
		await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Loud', callback_url: receiverUrl }));
		await sim.idle();
		expect(received).toEqual(['processing', 'succeed']);
		expect(sim.faultLog.map((f) => f.kind)).toEqual(['dropCallbacks']);
	});

	it('a callback fault waits for a task that has a callback URL', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'dropCallbacks' } });
		await call(sim, 'POST', ELEMENTS, imageElement());
		await call(sim, 'POST', ELEMENTS, imageElement({ callback_url: receiverUrl }));
		await sim.idle();
		expect(received).toEqual([]);
	});

	it('request and task faults combine: a dropped create can still call back', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'dropAfterAccept' } });
		sim.injectFault({ fault: { kind: 'repeatCallbacks', count: 2 } });
		await expect(call(sim, 'POST', ELEMENTS, imageElement({ callback_url: receiverUrl }))).rejects.toThrow();
		await sim.idle();
		expect(received).toEqual(['processing', 'processing', 'succeed', 'succeed']);
		expect(sim.faultLog.map((f) => f.kind)).toEqual(['dropAfterAccept', 'repeatCallbacks']);
	});
});
