/** tasks/poll.ts: the polling cadence (§12), the learnt task duration, and reading many tasks at the cost of one. */
import type { KlingTask } from '../../../nodes/Kling/contract/task';
import { DurationEstimate, POLL_INTERVAL, pollIntervalMs, readTasks } from '../../../nodes/Kling/tasks/poll';
import { executeContext, FakeKling, isList, isQuery, ok, PRODUCT, refused, useFakeTime, whileTimePasses } from '../executeKit.cts';

useFakeTime();

describe('pollIntervalMs', () => {
	it('starts at 3 s and grows by half each check, never beyond 30 s', () => {
		expect([0, 1, 2, 3, 4, 5, 6, 7, 20].map(pollIntervalMs)).toEqual([3_000, 4_500, 6_750, 10_125, 15_187.5, 22_781.25, 30_000, 30_000, 30_000]);
	});

	it('never lets two rounds come less than 2 s apart', () => {
		expect(POLL_INTERVAL.floorMs).toBe(2_000);
	});
});

describe('DurationEstimate', () => {
	const task = (created_at?: number, updated_at?: number) => ({ task_id: '1', task_status: 'succeed', created_at, updated_at }) as KlingTask;

	it('knows nothing before a task finished', () => {
		expect(new DurationEstimate().expectedMs).toBeUndefined();
	});

	it("is the median of Kling's own durations (created_at to updated_at)", () => {
		const estimate = new DurationEstimate();
		for (const ms of [40_000, 10_000, 90_000, 20_000, 30_000]) estimate.record(task(1_000, 1_000 + ms));
		expect(estimate.expectedMs).toBe(30_000);
		estimate.record(task(0, 100_000));
		// An even count takes the upper middle.
		expect(estimate.expectedMs).toBe(40_000);
	});

	it('ignores tasks without both times, or whose times run backwards', () => {
		const estimate = new DurationEstimate();
		estimate.record(task(undefined, 5_000));
		estimate.record(task(5_000, undefined));
		estimate.record(task(9_000, 8_000));
		expect(estimate.expectedMs).toBeUndefined();
		estimate.record(task(8_000, 8_000));
		expect(estimate.expectedMs).toBe(0);
	});
});

describe('readTasks', () => {
	/** A fake with `count` tasks, created a second apart, and a context to read them through. */
	async function withTasks(count: number) {
		const kling = new FakeKling();
		const { ctx } = executeContext({ kling });
		for (let n = 0; n < count; n++) {
			kling.create({ at: Date.now(), method: 'POST', path: PRODUCT.path, body: JSON.stringify({ external_task_id: `ext-${n}` }) });
			await jest.advanceTimersByTimeAsync(1_000);
		}
		return { kling, read: (ids: string[], by?: 'taskId' | 'externalTaskId') => whileTimePasses(readTasks.call(ctx, PRODUCT, ids, { by })) };
	}

	it('reads one task directly', async () => {
		const { kling, read } = await withTasks(3);
		const found = await read([kling.tasks[1].id]);
		expect([...found.keys()]).toEqual([kling.tasks[1].id]);
		expect(kling.sent.map((sent) => sent.path)).toEqual([`${PRODUCT.path}/${kling.tasks[1].id}`]);
	});

	it('reads several with one list request, whatever their number, with room for other work on the page', async () => {
		const { kling, read } = await withTasks(40);
		const ids = kling.tasks.slice(25).map((task) => task.id);
		const found = await read(ids);
		expect([...found.keys()].sort()).toEqual([...ids].sort());
		expect(found.get(ids[0])).toMatchObject({ task_id: ids[0], task_info: { external_task_id: 'ext-25' } });
		expect(kling.sent).toHaveLength(1);
		expect(kling.sent[0]).toMatchObject({ method: 'GET', path: PRODUCT.path, qs: { pageNum: 1, pageSize: 30 } });

		kling.sent.length = 0;
		await read(kling.tasks.map((task) => task.id));
		expect(kling.sent[0].qs).toEqual({ pageNum: 1, pageSize: 80 });
	});

	it('reads more than 250 tasks with a page of 500 per 250 of them, not one request per task beyond the first page', async () => {
		const { kling, read } = await withTasks(600);
		const found = await read(kling.tasks.map((task) => task.id));
		expect(found.size).toBe(600);
		expect(kling.sent.map((sent) => sent.qs)).toEqual([
			{ pageNum: 1, pageSize: 500 },
			{ pageNum: 2, pageSize: 500 },
		]);
	});

	it('reads directly the tasks the page does not show (an account busy with other work)', async () => {
		const { kling, read } = await withTasks(40);
		// The two oldest are past the first page of 30.
		const ids = [kling.tasks[0].id, kling.tasks[1].id, kling.tasks[39].id];
		const found = await read(ids);
		expect([...found.keys()].sort()).toEqual([...ids].sort());
		expect(kling.sent.filter(isList)).toHaveLength(1);
		expect(kling.sent.filter(isQuery).map((sent) => sent.path)).toEqual([`${PRODUCT.path}/${ids[0]}`, `${PRODUCT.path}/${ids[1]}`]);
	});

	it('reads by external task id, keyed by it', async () => {
		const { kling, read } = await withTasks(3);
		const found = await read(['ext-0', 'ext-2'], 'externalTaskId');
		expect(found.get('ext-0')).toMatchObject({ task_id: kling.tasks[0].id });
		expect(found.get('ext-2')).toMatchObject({ task_id: kling.tasks[2].id });
		expect(kling.sent).toHaveLength(1);
		expect((await read(['ext-1'], 'externalTaskId')).get('ext-1')).toMatchObject({ task_id: kling.tasks[1].id });
		expect(kling.sent[1].path).toBe(`${PRODUCT.path}/ext-1`);
	});

	it('leaves out the tasks Kling does not know', async () => {
		const { kling, read } = await withTasks(2);
		const found = await read([kling.tasks[0].id, '999']);
		expect([...found.keys()]).toEqual([kling.tasks[0].id]);
		expect((await read(['998'])).size).toBe(0);
	});

	it('reads each task directly when the list read fails outright (a relay without the list path), and again in later calls', async () => {
		const { kling } = await withTasks(3);
		kling.inject(isList, { status: 404, body: '<html>Not Found</html>' }, Infinity);
		const { ctx } = executeContext({ kling });
		const ids = kling.tasks.map((task) => task.id);
		const listPath = {};
		const found = await whileTimePasses(readTasks.call(ctx, PRODUCT, ids, { listPath }));
		expect([...found.keys()].sort()).toEqual([...ids].sort());
		expect(kling.sent.filter(isList)).toHaveLength(1);
		await whileTimePasses(readTasks.call(ctx, PRODUCT, ids, { listPath }));
		expect(kling.sent.filter(isList)).toHaveLength(1);
		expect(kling.sent.filter(isQuery)).toHaveLength(6);
	});

	it('leaves a list read Kling could not answer (5001) to the caller, with no direct reads', async () => {
		const { kling, read } = await withTasks(3);
		kling.inject(isList, refused(5001, 'system maintenance', 503), Infinity);
		await expect(read(kling.tasks.map((task) => task.id))).rejects.toThrow(/system maintenance/);
		expect(kling.sent.filter(isQuery)).toEqual([]);
	});

	it("throws Kling's own refusal of the list read (1000), which each direct read would meet too, with no direct reads", async () => {
		const { kling } = await withTasks(3);
		kling.inject(isList, refused(1000, 'Authentication failed', 401), Infinity);
		const { ctx } = executeContext({ kling });
		const listPath: { failed?: boolean } = {};
		await expect(whileTimePasses(readTasks.call(ctx, PRODUCT, kling.tasks.map((task) => task.id), { listPath }))).rejects.toThrow(/Authentication failed/);
		expect(kling.sent.filter(isQuery)).toEqual([]);
		expect(listPath.failed).toBeUndefined();
	});

	it('hands a failed direct read to onReadError and reads the other tasks on', async () => {
		const { kling } = await withTasks(2);
		kling.inject(isQuery, { status: 403, body: '<html>Forbidden</html>' });
		const { ctx } = executeContext({ kling });
		const failed: string[] = [];
		const found = await whileTimePasses(readTasks.call(ctx, PRODUCT, ['ext-0', 'ext-1'], { by: 'externalTaskId', listPath: { failed: true }, onReadError: (id) => failed.push(id) }));
		expect(failed).toEqual(['ext-0']);
		expect([...found.keys()]).toEqual(['ext-1']);
	});

	it('ends the direct reads when one finds Kling out of reach, handing each unread task to onReadError', async () => {
		const { kling } = await withTasks(2);
		kling.inject(isQuery, refused(5001, 'system maintenance', 503), Infinity);
		const { ctx } = executeContext({ kling });
		const failed: string[] = [];
		const reading = readTasks.call(ctx, PRODUCT, ['ext-0', 'ext-1'], { by: 'externalTaskId', listPath: { failed: true }, onReadError: (id, error) => failed.push(`${id}: ${(error as Error).message}`) });
		expect((await whileTimePasses(reading)).size).toBe(0);
		expect(failed).toEqual([expect.stringMatching(/^ext-0: .*system maintenance/), expect.stringMatching(/^ext-1: .*system maintenance/)]);
		expect(kling.sent.filter(isQuery).map((sent) => sent.path)).not.toContain(`${PRODUCT.path}/ext-1`);
	});

	it('keeps what the list page showed when a direct read then finds Kling out of reach', async () => {
		const { kling } = await withTasks(3);
		// The page shows the newest task only; the two older ones are read directly, and the first of those fails.
		kling.inject(isList, ok([{ task_id: kling.tasks[2].id, task_status: 'succeed' }]));
		kling.inject(isQuery, refused(5001, 'system maintenance', 503), Infinity);
		const { ctx } = executeContext({ kling });
		const failed: string[] = [];
		const ids = kling.tasks.map((task) => task.id);
		const found = await whileTimePasses(readTasks.call(ctx, PRODUCT, ids, { onReadError: (id) => failed.push(id) }));
		expect([...found.keys()]).toEqual([ids[2]]);
		expect(failed).toEqual([ids[0], ids[1]]);
	});

	it('uses what a page holds around an odd entry, and reads only the missing task directly', async () => {
		const { kling, read } = await withTasks(2);
		kling.inject(isList, ok([{ task_id: kling.tasks[0].id, task_status: 'succeed' }, { nonsense: true }]));
		const found = await read([kling.tasks[0].id, kling.tasks[1].id]);
		expect([...found.keys()].sort()).toEqual([kling.tasks[0].id, kling.tasks[1].id].sort());
		expect(found.get(kling.tasks[0].id)?.task_status).toBe('succeed');
		expect(kling.sent.filter(isQuery).map((sent) => sent.path)).toEqual([`${PRODUCT.path}/${kling.tasks[1].id}`]);
	});
});
