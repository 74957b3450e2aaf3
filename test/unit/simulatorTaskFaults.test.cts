/** The simulator's task faults (stuck tasks, a success without its result) and callback faults (repeated, reordered, dropped deliveries). */
import { call, callbackReceiver, ELEMENTS, FAST, imageElement, simulatorStarter, statusOf, waitFor } from './simulatorKit.cts';

const start = simulatorStarter(FAST);

describe('task faults', () => {
	const receiver = callbackReceiver();

	it('a stuck task stays processing while its neighbours finish', async () => {
		const sim = await start();
		sim.injectFault({ when: { bodyIncludes: '"Stuck"' }, fault: { kind: 'stuck' } });
		const stuck = (await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Stuck' }))).json.data.task_id;
		const normal = (await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Normal' }))).json.data.task_id;
		await waitFor(() => statusOf(sim, normal) === 'succeed' && statusOf(sim, stuck) === 'processing');
		// The normal task was created later and is final: the stuck one had all of its time and more.
		expect(statusOf(sim, stuck)).toBe('processing');
		expect(sim.faultLog).toEqual([expect.objectContaining({ kind: 'stuck', taskId: stuck, method: 'POST' })]);
		expect((await call(sim, 'GET', `${ELEMENTS}/${stuck}`)).json.data.task_status).toBe('processing');
	});

	it('can keep a task submitted, and applies to one task by default', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'stuck', status: 'submitted' } });
		const first = (await call(sim, 'POST', ELEMENTS, imageElement())).json.data.task_id;
		const second = (await call(sim, 'POST', ELEMENTS, imageElement())).json.data.task_id;
		await waitFor(() => statusOf(sim, second) === 'succeed');
		expect(statusOf(sim, first)).toBe('submitted');
	});

	it('noResult: the task succeeds and is charged like any other, but its query, list and callbacks show an empty task_result', async () => {
		const sim = await start();
		sim.injectFault({ when: { bodyIncludes: '"Empty"' }, fault: { kind: 'noResult' } });
		const empty = (await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Empty', callback_url: receiver.url }))).json.data.task_id;
		const normal = (await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Normal' }))).json.data.task_id;
		await sim.idle();
		const query = (await call(sim, 'GET', `${ELEMENTS}/${empty}`)).json.data;
		expect(query).toMatchObject({ task_status: 'succeed', task_result: {} });
		expect(query.final_unit_deduction).toBe((await call(sim, 'GET', `${ELEMENTS}/${normal}`)).json.data.final_unit_deduction);
		const listed = (await call(sim, 'GET', `${ELEMENTS}?pageNum=1&pageSize=30`)).json.data as Array<Record<string, unknown>>;
		expect(listed.find((task) => task.task_id === empty)?.task_result).toEqual({});
		expect(listed.find((task) => task.task_id === normal)?.task_result).toEqual({ elements: [expect.objectContaining({ element_name: 'Normal' })] });
		const final = receiver.received.map((delivery) => JSON.parse(delivery.body)).find((body) => body.task_status === 'succeed');
		expect(final.task_result).toEqual({});
		expect(sim.faultLog).toEqual([expect.objectContaining({ kind: 'noResult', taskId: empty })]);
	});

	it('a refused create binds no task fault', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'stuck' } });
		expect((await call(sim, 'POST', ELEMENTS, imageElement({ element_name: '' }))).json.code).toBe(1201);
		const id = (await call(sim, 'POST', ELEMENTS, imageElement())).json.data.task_id;
		expect(sim.faultLog).toEqual([expect.objectContaining({ kind: 'stuck', taskId: id })]);
	});
});

describe('callback faults', () => {
	const receiver = callbackReceiver();

	it('repeatCallbacks delivers each status change count times', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'repeatCallbacks', count: 3 } });
		await call(sim, 'POST', ELEMENTS, imageElement({ callback_url: receiver.url }));
		await sim.idle();
		expect(receiver.statuses()).toEqual(['processing', 'processing', 'processing', 'succeed', 'succeed', 'succeed']);
	});

	it('reorderCallbacks delivers the final status before the earlier ones', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'reorderCallbacks' } });
		await call(sim, 'POST', ELEMENTS, imageElement({ callback_url: receiver.url, element_description: 'x [fail]' }));
		await sim.idle();
		expect(receiver.statuses()).toEqual(['failed', 'processing']);
	});

	it('dropCallbacks sends nothing for the task; other tasks are untouched', async () => {
		const sim = await start();
		sim.injectFault({ when: { bodyIncludes: '"Silent"' }, fault: { kind: 'dropCallbacks' } });
		await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Silent', callback_url: receiver.url }));
		await call(sim, 'POST', ELEMENTS, imageElement({ element_name: 'Loud', callback_url: receiver.url }));
		await sim.idle();
		expect(receiver.statuses()).toEqual(['processing', 'succeed']);
		expect(sim.faultLog.map((f) => f.kind)).toEqual(['dropCallbacks']);
	});

	it('a callback fault waits for a task that has a callback URL', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'dropCallbacks' } });
		await call(sim, 'POST', ELEMENTS, imageElement());
		await call(sim, 'POST', ELEMENTS, imageElement({ callback_url: receiver.url }));
		await sim.idle();
		expect(receiver.statuses()).toEqual([]);
	});

	it('request and task faults combine: a dropped create can still call back', async () => {
		const sim = await start();
		sim.injectFault({ fault: { kind: 'dropAfterAccept' } });
		sim.injectFault({ fault: { kind: 'repeatCallbacks', count: 2 } });
		await expect(call(sim, 'POST', ELEMENTS, imageElement({ callback_url: receiver.url }))).rejects.toThrow();
		await sim.idle();
		expect(receiver.statuses()).toEqual(['processing', 'processing', 'succeed', 'succeed']);
		expect(sim.faultLog.map((f) => f.kind)).toEqual(['dropAfterAccept', 'repeatCallbacks']);
	});
});
