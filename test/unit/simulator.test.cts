/** The simulator itself: start and stop, authentication, routing, lossless JSON, reset helpers. */
import {
	KlingSimulator,
	parseLossless,
	startSimulator,
	stringifyJson,
} from '../simulator/index.cts';
import { API_KEY, call, ELEMENTS, FAST, imageElement, jwt, simulatorStarter, statusOf, waitFor } from './simulatorKit.cts';

const start = simulatorStarter(FAST);

describe('simulator lifecycle', () => {
	it('starts on 127.0.0.1, serves requests and closes', async () => {
		const sim = await startSimulator();
		expect(sim.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(sim.url).toBe(sim.origin);
		expect(sim.options.timing).toEqual({ submittedMs: 30, processingMs: 60 });
		const res = await call(sim, 'GET', '/v1/general/advanced-presets-elements');
		expect(res.status).toBe(200);
		await sim.close();
		await expect(fetch(`${sim.origin}/v1/general/advanced-presets-elements`)).rejects.toThrow();
	});

	it('logs every request with lossless body, status and code', async () => {
		const sim = await start();
		await call(sim, 'POST', ELEMENTS, '{"element_name":"x","element_voice_id":835266081714884677}');
		const [logged] = sim.apiRequests({ method: 'POST', pathIncludes: 'advanced-custom-elements' });
		expect(logged.body).toEqual({ element_name: 'x', element_voice_id: '835266081714884677' });
		expect(logged.status).toBe(400);
		expect(logged.code).toBe(1201);
		expect(logged.headers.authorization).toBe(`Bearer ${API_KEY}`);
	});
});

describe('authentication', () => {
	let sim: KlingSimulator;
	beforeEach(async () => {
		sim = await start();
	});
	const presets = '/v1/general/advanced-presets-elements';

	it('accepts a listed API key and answers with a unique request_id', async () => {
		const a = await call(sim, 'GET', presets);
		const b = await call(sim, 'GET', presets);
		expect(a.status).toBe(200);
		expect(a.json.code).toBe(0);
		expect(a.json.request_id).toEqual(expect.any(String));
		expect(a.json.request_id).not.toBe(b.json.request_id);
	});

	it('accepts a valid HS256 JWT for a known access key', async () => {
		const res = await call(sim, 'GET', presets, undefined, { authorization: `Bearer ${jwt('test-access-key', 'test-secret-key')}` });
		expect(res.status).toBe(200);
		expect(res.json.code).toBe(0);
	});

	it.each([
		['missing header', null, 1001],
		['empty header', '', 1001],
		['not Bearer form', `Basic ${API_KEY}`, 1002],
		['unknown key', 'Bearer nope', 1002],
		['bad signature', `Bearer ${jwt('test-access-key', 'wrong-secret')}`, 1000],
		['unknown iss', `Bearer ${jwt('other-key', 'test-secret-key')}`, 1000],
		['expired', `Bearer ${jwt('test-access-key', 'test-secret-key', { exp: Math.floor(Date.now() / 1000) - 10 })}`, 1004],
		['not yet valid', `Bearer ${jwt('test-access-key', 'test-secret-key', { nbf: Math.floor(Date.now() / 1000) + 60 })}`, 1003],
	])('rejects %s with HTTP 401', async (_label, header, code) => {
		const res = await call(sim, 'GET', presets, undefined, { authorization: header });
		expect(res.status).toBe(401);
		expect(res.json.code).toBe(code);
		expect(res.json.request_id).toEqual(expect.any(String));
		expect(res.json.data).toBeUndefined();
	});
});

describe('routing and parsing', () => {
	it('answers 404 code 1202 for unknown paths and wrong methods', async () => {
		const sim = await start();
		const unknown = await call(sim, 'GET', '/v1/general/nothing-here');
		expect([unknown.status, unknown.json.code]).toEqual([404, 1202]);
		const wrongMethod = await call(sim, 'GET', '/v1/general/delete-advanced-elements');
		expect([wrongMethod.status, wrongMethod.json.code]).toEqual([404, 1202]);
		const putElement = await call(sim, 'PUT', ELEMENTS, imageElement());
		expect([putElement.status, putElement.json.code]).toEqual([404, 1202]);
	});

	it('answers 400 code 1200 for a body that is not a JSON object', async () => {
		const sim = await start();
		for (const body of ['{"element_name":', '[1,2]', '']) {
			const res = await call(sim, 'POST', ELEMENTS, body);
			expect([res.status, res.json.code]).toEqual([400, 1200]);
		}
		expect(sim.createdTaskCount()).toBe(0);
	});

	it('accepts the trailing slash of the vendor curl examples', async () => {
		const sim = await start();
		const res = await call(sim, 'POST', `${ELEMENTS}/`, imageElement());
		expect(res.json.code).toBe(0);
	});

	it('lives under a relay path prefix', async () => {
		const sim = await start({ pathPrefix: '/kling/' });
		expect(sim.url).toBe(`${sim.origin}/kling`);
		const ok = await call(sim, 'GET', '/v1/general/advanced-presets-elements');
		expect(ok.json.code).toBe(0);
		const bare = await call(sim, 'GET', '/v1/general/advanced-presets-elements', undefined, { base: sim.origin });
		expect([bare.status, bare.json.code]).toEqual([404, 1202]);
		expect(sim.apiRequests()[0].path).toBe('/kling/v1/general/advanced-presets-elements');
	});
});

describe('lossless JSON', () => {
	it('turns 16+ digit integers outside strings into strings and leaves the rest alone', () => {
		const text = '{"a":835266081714884677,"b":"835266081714884677 in text \\" 9999999999999999","c":1781080778802,"d":[-1234567890123456789,1.5e3,12345678901234567.5]}';
		expect(parseLossless(text)).toEqual({
			a: '835266081714884677',
			b: '835266081714884677 in text " 9999999999999999',
			c: 1781080778802,
			d: ['-1234567890123456789', 1500, 12345678901234567.5],
		});
	});

	it('writes bigint as bare digits', () => {
		expect(stringifyJson({ element_id: 835266081714884677n, s: 'x', u: undefined, n: [1, null] })).toBe(
			'{"element_id":835266081714884677,"s":"x","n":[1,null]}',
		);
	});
});

describe('reset and idle helpers', () => {
	it('reset clears tasks, elements, log and counters but keeps presets', async () => {
		const sim = await start();
		await call(sim, 'POST', ELEMENTS, imageElement());
		sim.seedElement();
		sim.reset();
		expect(sim.requests).toHaveLength(0);
		expect(sim.tasks()).toHaveLength(0);
		expect(sim.createdTaskCount()).toBe(0);
		expect(sim.maxInFlightSeen).toBe(0);
		expect((await call(sim, 'GET', ELEMENTS)).json.data).toEqual([]);
		expect((await call(sim, 'GET', '/v1/general/advanced-presets-elements')).json.data).toHaveLength(3);
		expect(sim.seedElement()).toBe('835266081714884677');
	});

	it('applies runtime option changes', async () => {
		// Started with hour-long phases: only the changed timing lets the task end while the test waits.
		const sim = await start({ timing: { submittedMs: 3_600_000, processingMs: 3_600_000 } });
		sim.options.apiKeys.push('second-key');
		sim.options.timing = { submittedMs: 0, processingMs: 0 };
		const res = await call(sim, 'POST', ELEMENTS, imageElement(), { authorization: 'Bearer second-key' });
		expect(res.json.code).toBe(0);
		await waitFor(() => statusOf(sim, res.json.data.task_id) === 'succeed');
	});
});

describe('new-standard batch query (GET /tasks)', () => {
	it('answers tasks of legacy endpoints in the new shape, by task ID or external task ID, leaving out unknown ones', async () => {
		const sim = await start();
		const created = await call(sim, 'POST', ELEMENTS, imageElement({ external_task_id: 'hero-1' }));
		const taskId = created.json.data.task_id as string;
		sim.finishTask(taskId);
		const [task] = sim.tasks('elements');

		const byId = await call(sim, 'GET', `/tasks?task_ids=${taskId},999000000000000001`);
		expect(byId.json.code).toBe(0);
		expect(byId.json.data).toEqual([
			expect.objectContaining({
				id: taskId,
				status: 'succeeded',
				external_id: 'hero-1',
				outputs: [expect.objectContaining({ type: 'element', id: task.outputId, name: 'Hero', element_type: 'multi_image_elements', status: 'succeeded' })],
			}),
		]);
		// 19-digit ids stay exact on the wire.
		expect(byId.text).toContain(`"id":${task.outputId}`);
		expect((await call(sim, 'GET', '/tasks?external_task_ids=hero-1')).json.data).toEqual([expect.objectContaining({ id: taskId })]);
		expect((await call(sim, 'GET', '/tasks?task_ids=999000000000000001')).json.data).toEqual([]);
	});

	it.each([
		['both kinds of ID', '/tasks?task_ids=1&external_task_ids=x'],
		['no ID', '/tasks'],
		['more than 20 IDs', `/tasks?task_ids=${Array.from({ length: 21 }, (_, n) => n + 1).join(',')}`],
	])('refuses %s', async (_label, path) => {
		const sim = await start();
		const res = await call(sim, 'GET', path);
		expect([res.status, res.json.code]).toEqual([400, 1201]);
	});

	it('takes the API key only: a signed token that the legacy endpoints accept is refused', async () => {
		const sim = await start();
		const res = await call(sim, 'GET', '/tasks?task_ids=1', undefined, { authorization: `Bearer ${jwt('test-access-key', 'test-secret-key')}` });
		expect([res.status, res.json.code]).toEqual([401, 1000]);
	});
});
