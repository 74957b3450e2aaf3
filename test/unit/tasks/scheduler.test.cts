/**
 * tasks/scheduler.ts: submits the jobs in order within Max Concurrent Tasks' slots, holds the queue back on Kling's
 * 1302/1303 and on a lost create's lookups, and checks the running tasks in rounds of one list read, at least 2 s
 * apart, until each is final or timed out.
 */
import { imageSlots } from '../../../nodes/Kling/contract/image';
import type { KlingTask } from '../../../nodes/Kling/contract/task';
import { Scheduler, type Job, type Outcome } from '../../../nodes/Kling/tasks/scheduler';
import type { CompletionSettings } from '../../../nodes/Kling/tasks/taskOperation';
import {
	executeContext,
	FakeKling,
	gaps,
	isCreate,
	isList,
	isQuery,
	PRODUCT,
	refused,
	timedOut,
	useFakeTime,
	whileTimePasses,
} from '../executeKit.cts';

useFakeTime();

const job = (itemIndex: number, slots = 1): Job => ({
	itemIndex,
	body: { prompt: `item ${itemIndex}`, external_task_id: `ext-${itemIndex}` },
	externalTaskId: `ext-${itemIndex}`,
	slots,
	checks: 0,
	retries: 0,
	notBefore: 0,
});

interface Settled {
	itemIndex: number;
	at: number;
	outcome: Outcome;
}

function schedule(kling: FakeKling, jobs: Job[], settings: Partial<CompletionSettings> = {}) {
	const { ctx, cancel } = executeContext({ kling });
	const settled: Settled[] = [];
	const scheduler = new Scheduler(ctx, PRODUCT, { mode: 'poll', timeoutMs: 30 * 60_000, maxConcurrent: 3, ...settings }, async (settledJob, outcome) => {
		settled.push({ itemIndex: settledJob.itemIndex, at: Date.now(), outcome });
	});
	const run = scheduler.run(jobs);
	run.catch(() => {});
	return { run, settled, cancel, finish: async () => (await whileTimePasses(run), settled) };
}

const taskOf = (settled: Settled) => ('task' in settled.outcome ? settled.outcome.task : undefined);
const errorOf = (settled: Settled) => ('error' in settled.outcome ? (settled.outcome.error as Error & { description?: string }) : undefined);
const byItem = (settled: Settled[]) => [...settled].sort((a, b) => a.itemIndex - b.itemIndex);
/** How many of the fake's tasks run at time `at`. */
const runningAt = (kling: FakeKling, at: number) => kling.tasks.filter((task) => task.createdAt <= at && at < task.doneAt).length;
const taskFor = (kling: FakeKling, externalTaskId: string) => kling.tasks.find((task) => task.externalTaskId === externalTaskId)!;

describe('Scheduler: order and Max Concurrent Tasks', () => {
	it('submits the jobs in input order, never more than Max Concurrent Tasks at once, and waits for every result', async () => {
		const kling = new FakeKling();
		const settled = await schedule(kling, [0, 1, 2, 3, 4].map((n) => job(n)), { maxConcurrent: 2 }).finish();

		expect(kling.tasks.map((task) => task.externalTaskId)).toEqual(['ext-0', 'ext-1', 'ext-2', 'ext-3', 'ext-4']);
		expect(Math.max(...kling.tasks.map((task) => runningAt(kling, task.createdAt)))).toBe(2);
		expect(byItem(settled).map((entry) => taskOf(entry)?.task_status)).toEqual(['succeed', 'succeed', 'succeed', 'succeed', 'succeed']);
		for (const entry of settled) expect(entry.at).toBeGreaterThanOrEqual(taskFor(kling, `ext-${entry.itemIndex}`).doneAt);
	});

	it('counts slots: a job that takes several waits until that many are free, and the jobs behind it wait too', async () => {
		const kling = new FakeKling();
		await schedule(kling, [job(0), job(1, 3), job(2)], { maxConcurrent: 3 }).finish();
		const [a, b, c] = ['ext-0', 'ext-1', 'ext-2'].map((id) => taskFor(kling, id));
		expect(b.createdAt).toBeGreaterThanOrEqual(a.doneAt);
		expect(c.createdAt).toBeGreaterThanOrEqual(b.doneAt);
	});

	it('counts an image task as one slot per image', async () => {
		const kling = new FakeKling();
		const jobs = [job(0, imageSlots({ n: 2 })), job(1, imageSlots({ result_type: 'series', series_amount: '3' })), job(2, imageSlots({}))];
		expect(jobs.map((entry) => entry.slots)).toEqual([2, 3, 1]);
		await schedule(kling, jobs, { maxConcurrent: 4 }).finish();
		const [two, three, one] = ['ext-0', 'ext-1', 'ext-2'].map((id) => taskFor(kling, id));
		// 2 + 3 slots exceed 4: the series waits for the first task; the single image fits beside the series.
		expect(three.createdAt).toBeGreaterThanOrEqual(two.doneAt);
		expect(one.createdAt).toBe(three.createdAt);
	});

	it('lets a job bigger than the limit go alone, rather than wait forever', async () => {
		const kling = new FakeKling();
		const settled = await schedule(kling, [job(0), job(1, 5)], { maxConcurrent: 2 }).finish();
		expect(taskFor(kling, 'ext-1').createdAt).toBeGreaterThanOrEqual(taskFor(kling, 'ext-0').doneAt);
		expect(settled.map((entry) => taskOf(entry)?.task_status)).toEqual(['succeed', 'succeed']);
	});

	it('returns each task at once with Return Task Immediately: no slots, no polling', async () => {
		const kling = new FakeKling();
		const settled = await schedule(kling, [0, 1, 2].map((n) => job(n)), { mode: 'returnTask', maxConcurrent: 1 }).finish();
		expect(settled.map((entry) => taskOf(entry)?.task_status)).toEqual(['processing', 'processing', 'processing']);
		expect(kling.reads()).toEqual([]);
	});
});

describe("Scheduler: Kling's limits", () => {
	it('takes a 1303 while its own tasks run as the account’s limit: the next job goes when one of ours finishes', async () => {
		const kling = new FakeKling();
		kling.accountLimit = 2;
		kling.durationOf = (_body, index) => [10_000, 30_000, 30_000, 10_000][index];
		const settled = await schedule(kling, [0, 1, 2, 3].map((n) => job(n)), { maxConcurrent: 5 }).finish();

		expect(settled.map((entry) => taskOf(entry)?.task_status)).toEqual(['succeed', 'succeed', 'succeed', 'succeed']);
		// One 1303 taught the limit: no create was sent into a full account after it.
		expect(kling.creates()).toHaveLength(5);
		const [a, b, c, d] = ['ext-0', 'ext-1', 'ext-2', 'ext-3'].map((id) => taskFor(kling, id));
		expect(c.createdAt).toBeGreaterThanOrEqual(a.doneAt);
		expect(d.createdAt).toBeGreaterThanOrEqual(Math.min(b.doneAt, c.doneAt));
	});

	it('tries its full Max Concurrent Tasks again a minute after a 1303: slots that other executions held come back', async () => {
		const kling = new FakeKling();
		// Another execution holds 3 of the account's 5 slots for the first 30 s.
		kling.accountLimit = 2;
		setTimeout(() => (kling.accountLimit = 5), 30_000);
		kling.durationOf = () => 20_000;
		await schedule(kling, [...Array(20).keys()].map((n) => job(n)), { maxConcurrent: 5 }).finish();

		expect(kling.tasks).toHaveLength(20);
		expect(Math.max(...kling.tasks.map((task) => runningAt(kling, task.createdAt)))).toBe(5);
		// The 1303 that taught the limit was the only one: the limit was tried again only after a minute.
		expect(kling.creates()).toHaveLength(21);
	});

	it('backs off 1, 2, 4 s on 1303 while none of its tasks run, and keeps later jobs behind', async () => {
		const kling = new FakeKling().inject(isCreate, refused(1303, 'parallel task over resource pack limit', 429), 3);
		await schedule(kling, [job(0), job(1)], { mode: 'returnTask' }).finish();
		const creates = kling.creates();
		expect(creates.map((sent) => JSON.parse(sent.body!).external_task_id)).toEqual(['ext-0', 'ext-0', 'ext-0', 'ext-0', 'ext-1']);
		gaps(creates.slice(0, 4).map((sent) => sent.at)).forEach((gap, n) => expect(gap).toBeGreaterThanOrEqual(1000 * 2 ** n));
	});

	it("waits at least as long as a 1302's Retry-After asks", async () => {
		const kling = new FakeKling().inject(isCreate, refused(1302, 'too many requests', 429, { 'retry-after': '20' }));
		await schedule(kling, [job(0)]).finish();
		const [first, second] = kling.creates();
		expect(second.at - first.at).toBeGreaterThanOrEqual(20_000);
	});

	it('fails the item, with no task created, when Kling stays at its limit past the timeout', async () => {
		const kling = new FakeKling().inject(isCreate, refused(1303, 'parallel task over resource pack limit', 429), Infinity);
		const [entry] = await schedule(kling, [job(0)], { timeoutMs: 60_000 }).finish();
		expect(errorOf(entry)?.message).toBe('Kling stayed at its concurrency or rate limit; no task was created');
		expect(errorOf(entry)?.description).toMatch(/Options → Max Concurrent Tasks.*Options → Timeout \(Minutes\)/);
		// It kept trying, backing off (at 0, 1, 3, 7, 15 s and on), before it gave up.
		expect(kling.creates().length).toBeGreaterThanOrEqual(5);
	});
});

describe("Scheduler: a relay's own 429", () => {
	it('fails the item past the timeout naming the external task id to look up: the relay may have passed the create on', async () => {
		const kling = new FakeKling();
		kling.relayPassesOnThen429(isCreate);
		const [entry] = await schedule(kling, [job(0)], { timeoutMs: 60_000 }).finish();
		expect(kling.tasks).toHaveLength(1);
		expect(errorOf(entry)?.message).toBe('The relay in front of Kling stayed at its rate limit (HTTP 429); it may have passed the create on to Kling');
		expect(errorOf(entry)?.description).toContain(
			'Kling may have created the task with external task ID ext-0. Look it up with Video → Get (by that external task ID) before running the node again',
		);
	});
});

describe('Scheduler: a lost create', () => {
	it('looks its task up with back-off, never sends it again, then fails naming the external task id; later jobs wait', async () => {
		const kling = new FakeKling().inject((sent) => isCreate(sent) && sent.body!.includes('ext-0'), timedOut());
		const settled = await schedule(kling, [job(0), job(1)]).finish();

		const lookups = kling.sent.filter((sent) => isQuery(sent) && sent.path.endsWith('/ext-0'));
		expect(lookups).toHaveLength(4);
		gaps(lookups.map((sent) => sent.at)).forEach((gap, n) => expect(gap).toBeGreaterThanOrEqual(1000 * 2 ** n));
		expect(kling.creates().filter((sent) => sent.body!.includes('ext-0'))).toHaveLength(1);
		const [lost, next] = byItem(settled);
		expect(errorOf(lost)?.description).toContain('external task ID ext-0');
		expect(taskOf(next)?.task_status).toBe('succeed');
		expect(taskFor(kling, 'ext-1').createdAt).toBeGreaterThanOrEqual(lookups[3].at);
	});
});

describe('Scheduler: timeouts and failures', () => {
	it('fails an item whose task stays running past the timeout, naming the task id', async () => {
		const kling = new FakeKling();
		kling.durationOf = () => Infinity;
		const [entry] = await schedule(kling, [job(0)], { timeoutMs: 60_000 }).finish();
		const { id, createdAt } = kling.tasks[0];
		expect(errorOf(entry)?.message).toBe(`Kling task ${id} is still processing after 1 minutes`);
		expect(errorOf(entry)?.description).toBe(
			`The task keeps running on Kling. Fetch it later by its task ID ${id}, or raise Options → Timeout (Minutes).`,
		);
		expect(entry.at - createdAt).toBeGreaterThanOrEqual(60_000);
		// Nothing more is read once the item has failed.
		expect(kling.reads().filter((sent) => sent.at > entry.at)).toEqual([]);
	});

	it('says Kling no longer finds the task, rather than that it still runs, when its reads answer "no such task" until the timeout', async () => {
		const kling = new FakeKling();
		kling.durationOf = () => Infinity;
		kling.inject((sent) => isQuery(sent) || isList(sent), refused(1201, 'Task not found by id/external id', 400), Infinity);
		const [entry] = await schedule(kling, [job(0)], { timeoutMs: 60_000 }).finish();
		const { id } = kling.tasks[0];
		expect(errorOf(entry)?.message).toMatch(new RegExp(`^Kling no longer finds task ${id}: its last \\d+ reads answered that there is no such task$`));
		expect(errorOf(entry)?.description).toMatch(new RegExp(`^It was processing when last seen, 1 minutes after its create\\. Fetch it later by its task ID ${id}`));
	});

	it('keeps saying the task still runs when only its last read before the timeout found no such task (a hiccup)', async () => {
		const kling = new FakeKling();
		kling.durationOf = () => Infinity;
		kling.inject((sent) => isQuery(sent) && sent.at - kling.tasks[0].createdAt > 50_000, refused(1201, 'Task not found by id/external id', 400), 1);
		const [entry] = await schedule(kling, [job(0)], { timeoutMs: 60_000 }).finish();
		expect(errorOf(entry)?.message).toBe(`Kling task ${kling.tasks[0].id} is still processing after 1 minutes`);
	});

	it("keeps a timed-out item's task in its slot while it runs on Kling, so later items never exceed Max Concurrent Tasks", async () => {
		const kling = new FakeKling();
		kling.durationOf = () => 90_000;
		const settled = byItem(await schedule(kling, [0, 1, 2, 3].map((n) => job(n)), { timeoutMs: 60_000, maxConcurrent: 2 }).finish());
		const [first, second, third] = kling.tasks;
		expect(settled.slice(0, 2).map((entry) => errorOf(entry)?.message)).toEqual([first, second].map((task) => `Kling task ${task.id} is still processing after 1 minutes`));
		// Items 2 and 3 went once the timed-out tasks had ended on Kling, not at the timeout.
		expect(third.createdAt).toBeGreaterThanOrEqual(first.doneAt);
		expect(Math.max(...kling.tasks.map((task) => runningAt(kling, task.createdAt)))).toBe(2);
	});

	it('stops holding a timed-out task\'s slot after one more Timeout, so a task that never ends cannot hold the queue forever', async () => {
		const kling = new FakeKling();
		kling.durationOf = () => Infinity;
		const settled = await schedule(kling, [job(0), job(1)], { timeoutMs: 60_000, maxConcurrent: 1 }).finish();
		const [first, second] = kling.tasks;
		expect(second.createdAt - first.createdAt).toBeGreaterThanOrEqual(120_000);
		expect(settled).toHaveLength(2);
	});

	it("leaves the other items' tasks to the caller: an item's note is about its own task only", async () => {
		const kling = new FakeKling().inject((sent) => isCreate(sent) && sent.body!.includes('ext-1'), refused(1301, 'prompt violates the policy'));
		kling.durationOf = () => 60_000;
		const settled = byItem(await schedule(kling, [job(0), job(1), job(2)]).finish());
		const [first, third] = [taskFor(kling, 'ext-0').id, taskFor(kling, 'ext-2').id];
		expect(errorOf(settled[1])?.message).toBe('Content-safety policy triggered: prompt violates the policy');
		expect('note' in settled[1].outcome && settled[1].outcome.note).toBeUndefined();
		expect([taskOf(settled[0])?.task_id, taskOf(settled[2])?.task_id]).toEqual([first, third]);
	});

	it('keeps waiting through a Kling outage: rounds whose reads all fail (5001) fail no item', async () => {
		const kling = new FakeKling().inject((sent) => sent.method === 'GET', refused(5001, 'system maintenance', 503), 18);
		kling.durationOf = () => 120_000;
		const settled = byItem(await schedule(kling, [job(0), job(1)]).finish());
		// Each round's read is tried 6 times by the transport: the first three rounds failed whole, later ones read.
		expect(kling.reads().length).toBeGreaterThan(18);
		expect(settled.map((entry) => taskOf(entry)?.task_status)).toEqual(['succeed', 'succeed']);
	});

	it('fails the item at its timeout, naming its task, when Kling stays out of reach', async () => {
		const kling = new FakeKling().inject((sent) => sent.method === 'GET', refused(5001, 'system maintenance', 503), Infinity);
		kling.durationOf = () => Infinity;
		const [entry] = await schedule(kling, [job(0)], { timeoutMs: 120_000 }).finish();
		expect(errorOf(entry)?.message).toBe(`Kling task ${kling.tasks[0].id} is still processing after 2 minutes`);
	});

	it("says that an item's own task may still run when reading it fails", async () => {
		const kling = new FakeKling().inject(isQuery, refused(1000, 'Authentication failed', 401), 2);
		const [entry] = await schedule(kling, [job(0)]).finish();
		expect('note' in entry.outcome && entry.outcome.note).toBe(
			`This item's task ${kling.tasks[0].id} may still be running on Kling; fetch it later with Video → Get.`,
		);
	});
});

describe('Scheduler: cancellation', () => {
	it('stops the run, and sends nothing more, when the execution is cancelled', async () => {
		const kling = new FakeKling();
		kling.durationOf = () => 600_000;
		const { run, cancel } = schedule(kling, [0, 1, 2, 3].map((n) => job(n)), { maxConcurrent: 2 });
		await jest.advanceTimersByTimeAsync(20_000);
		const sentBefore = kling.sent.length;
		cancel.abort();
		await expect(run).rejects.toThrow('The execution was cancelled while waiting for Kling');
		await jest.advanceTimersByTimeAsync(600_000);
		expect(kling.sent).toHaveLength(sentBefore);
		expect(kling.creates()).toHaveLength(2);
	});
});

describe('Scheduler: polling rounds', () => {
	it('reads all running tasks with one list request per round, rounds at least 2 s apart, also once durations are learnt', async () => {
		const kling = new FakeKling();
		// Staggered by 300 ms: the learnt duration would have the rounds come closer than 2 s.
		kling.durationOf = (_body, index) => 20_000 + 300 * index;
		const settled = await schedule(kling, [0, 1, 2, 3, 4, 5].map((n) => job(n)), { maxConcurrent: 6 }).finish();

		expect(settled).toHaveLength(6);
		const reads = kling.reads();
		expect(reads[0]).toMatchObject({ path: PRODUCT.path, qs: { pageNum: 1, pageSize: 30 } });
		// One request a round: a list while several run, a direct read for the last one.
		for (const read of reads) expect(isList(read) || runningAt(kling, read.at) <= 1).toBe(true);
		expect(reads.length).toBeGreaterThan(1);
		for (const gap of gaps(reads.map((read) => read.at))) expect(gap).toBeGreaterThanOrEqual(2_000);
		// The first look comes after the initial 3 s.
		expect(reads[0].at - kling.tasks[5].createdAt).toBeGreaterThanOrEqual(3_000);
	});

	it('keeps rounds 2 s apart when the learnt duration has two tasks due 1 s apart', async () => {
		// Job 5's create is refused once (1302), so it starts a second after job 4, which makes them likely done a second
		// apart: the round for job 5 waits until 2 s after the round for job 4.
		const kling = new FakeKling().inject((sent) => isCreate(sent) && sent.body!.includes('ext-5'), refused(1302, 'too many requests', 429));
		kling.durationOf = (_body, index) => [4_000, 9_000, 9_000, 4_000, 9_000, 9_000][index];
		const settled = await schedule(kling, [0, 1, 2, 3, 4, 5].map((n) => job(n)), { maxConcurrent: 3 }).finish();
		expect(settled.map((entry) => taskOf(entry)?.task_status)).toEqual(Array(6).fill('succeed'));
		// Jobs 4 and 5 are read in rounds of their own, after the rounds of the first wave.
		expect(kling.reads().length).toBeGreaterThan(2);
		for (const gap of gaps(kling.reads().map((read) => read.at))) expect(gap).toBeGreaterThanOrEqual(2_000);
	});

	it('waits for a task likely done just after the round, so a batch whose creates went out a little apart reads each wave once', async () => {
		// In every wave of 5 the last create reaches Kling 61 ms after the others (seen in the batch benchmark).
		const kling = new FakeKling();
		kling.durationOf = () => 2_000;
		kling.createLatencyOf = (index) => (index % 5 === 4 ? 61 : 0);
		const settled = await schedule(kling, Array.from({ length: 15 }, (_, n) => job(n)), { maxConcurrent: 5 }).finish();
		expect(settled.map((entry) => taskOf(entry)?.task_status)).toEqual(Array(15).fill('succeed'));
		// One round per wave, and each next wave goes out together, once the whole previous wave is seen done.
		expect(kling.reads()).toHaveLength(3);
		for (const wave of [5, 10]) expect(kling.tasks[wave].createdAt).toBeGreaterThanOrEqual(kling.tasks[wave - 1].doneAt);
	});

	it('outputs the task as Kling last showed it', async () => {
		const kling = new FakeKling();
		kling.outcomeOf = () => 'failed';
		const [entry] = await schedule(kling, [job(0)]).finish();
		expect(taskOf(entry) as KlingTask).toMatchObject({ task_id: kling.tasks[0].id, task_status: 'failed', task_status_msg: 'Kling could not make it' });
	});
});

describe('Scheduler: a relay without the list path', () => {
	it('reads each task directly once a list read failed outright (404), for the rest of the run', async () => {
		const kling = new FakeKling().inject(isList, { status: 404, body: '<html>Not Found</html>' }, Infinity);
		kling.durationOf = () => 20_000;
		const settled = await schedule(kling, [0, 1, 2].map((n) => job(n))).finish();
		expect(settled.map((entry) => taskOf(entry)?.task_status)).toEqual(['succeed', 'succeed', 'succeed']);
		expect(kling.sent.filter(isList)).toHaveLength(1);
		expect(kling.sent.filter(isQuery).length).toBeGreaterThan(3);
	});

	it("fails only the item whose direct read fails, naming its task; the others' tasks are read on", async () => {
		const kling = new FakeKling().inject(isList, { status: 404, body: '<html>Not Found</html>' }, Infinity);
		kling.durationOf = () => 20_000;
		// The first direct read of item 0's task is refused outright (a gateway's 403 page).
		kling.inject((sent) => isQuery(sent) && sent.path.endsWith(`/${kling.tasks[0].id}`), { status: 403, body: '<html>Forbidden</html>' });
		const [first, second] = byItem(await schedule(kling, [job(0), job(1)]).finish());
		expect(errorOf(first)?.message).toMatch(/403/);
		expect('note' in first.outcome && first.outcome.note).toBe(`This item's task ${kling.tasks[0].id} may still be running on Kling; fetch it later with Video → Get.`);
		expect(taskOf(second)?.task_status).toBe('succeed');
	});
});

describe('Scheduler: tasks that run on after their item failed', () => {
	it('keeps the slot of a task whose read was refused outright (its item failed, the task runs on): Max Concurrent Tasks holds', async () => {
		const kling = new FakeKling();
		kling.durationOf = () => 600_000;
		// One read refused outright (a gateway's 403 page): not transient, so the waiting item fails.
		kling.inject(isQuery, { status: 403, body: '<html>Forbidden</html>' }, 1);
		const settled = await schedule(kling, [job(0), job(1)], { maxConcurrent: 1 }).finish();
		expect(settled.map((entry) => entry.itemIndex)).toEqual([0, 1]);
		expect(kling.tasks).toHaveLength(2);
		expect(kling.tasks[1].createdAt).toBeGreaterThanOrEqual(kling.tasks[0].doneAt);
	});

	it('reads a timed-out task on the growing cadence, not at every 2 s floor', async () => {
		const kling = new FakeKling();
		kling.durationOf = (_body, index) => [120_000, 10_000][index];
		const settled = await schedule(kling, [job(0), job(1)], { maxConcurrent: 1, timeoutMs: 60_000 }).finish();
		expect(settled).toHaveLength(2);
		const start = kling.tasks[0].createdAt;
		const whileHeld = kling.reads().filter((read) => read.at > start + 65_000 && read.at < start + 120_000);
		expect(whileHeld.length).toBeGreaterThan(0);
		// A minute in, the cadence has grown past 10 s between reads (tasks/poll.ts); the 2 s floor would read 25 times.
		for (const gap of gaps(whileHeld.map((read) => read.at))) expect(gap).toBeGreaterThanOrEqual(10_000);
	});

	it('ends the run when every read is refused while a timed-out task holds the only slot', async () => {
		const kling = new FakeKling();
		kling.durationOf = () => 100_000_000;
		// Once the first item has failed for its timeout, every read is refused outright.
		let failedSoFar: Settled[] = [];
		kling.inject((sent) => (isQuery(sent) || isList(sent)) && failedSoFar.length > 0, { status: 403, body: '<html>Forbidden</html>' }, Infinity);
		const scheduled = schedule(kling, [job(0), job(1)], { maxConcurrent: 1, timeoutMs: 60_000 });
		failedSoFar = scheduled.settled;
		const settled = await scheduled.finish();
		expect(settled.map((entry) => entry.itemIndex)).toEqual([0, 1]);
		expect(kling.tasks).toHaveLength(2);
	});
});
