/** The simulator's request faults and how a fault rule picks the requests it applies to. */
import { classifyRequest, NO_ENVELOPE_CODE } from '../simulator/index.cts';
import { API_KEY, call, ELEMENTS, FAST, imageElement, simulatorStarter, waitFor } from './simulatorKit.cts';

const start = simulatorStarter(FAST);

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
		expect((await call(sim, 'GET', ELEMENTS)).json.code).toBe(0);
		expect((await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Other' }))).json.code).toBe(0);
		expect((await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Target' }))).status).toBe(503);
		expect((await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Target' }))).json.code).toBe(5001);
		expect((await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Target' }))).json.code).toBe(0);
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
		expect(result.json).toMatchObject({ code, message: expect.any(String) });
		expect(result.json.message.length).toBeGreaterThan(0);
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
		expect(result.json.message).toBe(`bad token Bearer ${API_KEY}`);
	});

	it('a processed error (5000 after the create went through) leaves the task in place', async () => {
		const sim = await start();
		sim.injectFault({ when: { operation: 'create' }, fault: { kind: 'error', code: 5000, processed: true } });
		const result = await call(sim, 'POST', ELEMENTS, imageElement({ external_task_id: 'ambiguous-1' }));
		expect(result.json.code).toBe(5000);
		expect(sim.createdTaskCount()).toBe(1);
		const [task] = sim.tasks();
		expect(task.externalTaskId).toBe('ambiguous-1');
		expect(sim.apiRequests()[0].fault).toMatchObject({ processed: true, handled: { status: 200, code: 0 }, taskId: task.taskId });
		expect((await call(sim, 'GET', `${ELEMENTS}/ambiguous-1`)).json.data.task_id).toBe(task.taskId);
	});

	it('retryAfter answers 429 with a Retry-After header in seconds', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'retryAfter', seconds: 7 } });
		const result = await call(sim, 'POST', ELEMENTS, imageElement());
		expect(result.status).toBe(429);
		expect(result.headers.get('retry-after')).toBe('7');
		expect(result.json.code).toBe(1302);
		expect(sim.createdTaskCount()).toBe(0);
	});

	it('okWithCode answers HTTP 200 with a non-zero code', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'okWithCode', code: 1201, message: 'element_name is invalid' } });
		const result = await call(sim, 'POST', ELEMENTS, imageElement());
		expect(result.status).toBe(200);
		expect(result.json).toMatchObject({ code: 1201, message: 'element_name is invalid' });
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
		expect(result.json.code).toBe(0);
		expect(sim.apiRequests()[0]).toMatchObject({ status: 200, code: 0, fault: { kind: 'delay', answered: true } });
	});

	it('a delayed create whose client gave up still made its task', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'delay', ms: 150 } });
		await expect(call(sim, 'POST', ELEMENTS, imageElement(), { signal: AbortSignal.timeout(20) })).rejects.toThrow();
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
		expect((await pending).json.code).toBe(0);
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

describe('file faults', () => {
	it('cutFile announces the whole file, sends half of it and closes the connection, once', async () => {
		const sim = await start({ videoBytes: 5000 });
		const created = await call(sim, 'POST', '/v1/videos/omni-video', '{"model_name":"kling-v3-omni","prompt":"waves","aspect_ratio":"16:9","duration":"5","mode":"std"}');
		await sim.idle();
		const task = (await call(sim, 'GET', `/v1/videos/omni-video/${created.json.data.task_id}`)).json.data;
		const { url } = task.task_result.videos[0];
		sim.injectFault({ when: { pathIncludes: '/files/' }, fault: { kind: 'cutFile' } });

		const cut = await fetch(url);
		expect(cut.headers.get('content-length')).toBe('5000');
		await expect(cut.arrayBuffer()).rejects.toThrow();
		expect(sim.faultLog.map((fault) => fault.kind)).toEqual(['cutFile']);
		expect((await (await fetch(url)).arrayBuffer()).byteLength).toBe(5000);
	});
});
