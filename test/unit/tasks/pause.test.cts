/**
 * tasks/pause.ts, Pause Until Kling Calls Back: every item's task gets the resume URL tagged with a batch key, and
 * each callback re-reads the whole batch from Kling: it keeps the execution waiting until every task is final, then
 * resumes it with one item per input item, as the read shows them. A body that says a task is final which the read
 * does not show final gets a 503, so Kling delivers it again.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError, WAIT_INDEFINITELY } from 'n8n-workflow';

import { videosOfTaskResult } from '../../../nodes/Kling/contract/video';
import { taskSummary } from '../../../nodes/Kling/tasks/output';
import { handleCallback, newCallbackBatch, pauseForCallbacks } from '../../../nodes/Kling/tasks/pause';
import { runOneTask, runTaskOperation } from '../../../nodes/Kling/tasks/run';
import type { TaskOperation } from '../../../nodes/Kling/tasks/taskOperation';
import { executeContext, FakeKling, isCreate, isList, isQuery, notFound, ok, PRODUCT, refused, useFakeTime, webhookContext, whileTimePasses } from '../executeKit.cts';

useFakeTime();

const operation: TaskOperation = {
	product: PRODUCT,
	async buildRequest(itemIndex) {
		return { prompt: `item ${itemIndex}` };
	},
	async present(task) {
		return { json: { videoUrl: videosOfTaskResult(task.task_result)[0]?.url, ...taskSummary(task) } };
	},
};

const RESUME_URL = 'https://n8n.test/webhook-waiting/exec-1?signature=abc';

let executions = 0;

/**
 * A batch of `count` items whose tasks Kling made (all but the `missing` ones), and the callback's query. Each is a
 * run of its own execution, as in n8n: a batch that resumed its run stays claimed in the process (pause.ts).
 */
function pausedBatch(kling: FakeKling, count: number, missing: number[] = []) {
	const { ctx } = executeContext({ kling, resumeUrl: RESUME_URL, executionId: `exec-paused-${++executions}` });
	const batch = newCallbackBatch(ctx, count);
	const options = Array.from({ length: count }, (_, itemIndex) => batch.apply({}, itemIndex) as { callback_url: string; external_task_id: string });
	for (const [itemIndex, { external_task_id }] of options.entries()) {
		if (!missing.includes(itemIndex)) kling.create({ at: Date.now(), method: 'POST', path: PRODUCT.path, body: JSON.stringify({ external_task_id }) });
	}
	const query = Object.fromEntries(new URL(options[0].callback_url).searchParams) as IDataObject;
	return { options, query };
}

async function callback(kling: FakeKling, query: IDataObject, body?: IDataObject) {
	const call = webhookContext({ kling, query, body });
	const result = await whileTimePasses(handleCallback.call(call.ctx, operation));
	return { ...call, result };
}

describe('newCallbackBatch', () => {
	it("gives every item's task the resume URL tagged with the batch key, item count and node, and an external task id from the key", () => {
		const { options } = pausedBatch(new FakeKling(), 3);
		const url = new URL(options[0].callback_url);
		expect(`${url.origin}${url.pathname}`).toBe('https://n8n.test/webhook-waiting/exec-1/kling');
		expect(url.searchParams.get('signature')).toBe('abc');
		expect(url.searchParams.get('klingBatch')).toMatch(/^[0-9a-f]{16}$/);
		expect(url.searchParams.get('klingItems')).toBe('3');
		expect(url.searchParams.get('klingNode')).toBe('kling-1');
		const batch = url.searchParams.get('klingBatch');
		expect(options).toEqual([0, 1, 2].map((n) => ({ callback_url: options[0].callback_url, external_task_id: `n8n-${batch}-3-${n}` })));
	});

	it('makes a new batch key for each run of the node (a loop, another execution), and the same one for a second try of a run', () => {
		const idOf = (setup: { runIndex?: number; executionId?: string }) => newCallbackBatch(executeContext({ resumeUrl: RESUME_URL, ...setup }).ctx, 1).apply({}, 0).external_task_id;
		const first = idOf({ executionId: 'exec-pause' });
		expect(idOf({ executionId: 'exec-pause' })).toBe(first);
		expect(new Set([first, idOf({ executionId: 'exec-pause', runIndex: 1 }), idOf({ executionId: 'exec-other' })]).size).toBe(3);
	});

	it('refuses more items than a callback can read back (10,000), before anything is sent', () => {
		const { ctx } = executeContext({ resumeUrl: RESUME_URL });
		expect(newCallbackBatch(ctx, 10_000).apply({}, 9_999).external_task_id).toMatch(/-10000-9999$/);
		expect(() => newCallbackBatch(ctx, 10_001)).toThrow('Pause Until Kling Calls Back takes at most 10000 items in one run of the node (this one has 10001)');
	});

	it.each(['callback_url', 'external_task_id'])('refuses a create whose options set %s itself, naming the options', (key) => {
		const { ctx } = executeContext({ resumeUrl: RESUME_URL });
		expect(() => newCallbackBatch(ctx, 1).apply({ prompt: 'x', [key]: 'mine' }, 0)).toThrow(
			'Options → Callback URL and External Task ID cannot be used with Pause Until Kling Calls Back',
		);
	});
});

describe('handleCallback', () => {
	it.each<[string, IDataObject]>([
		['no batch parameters', {}],
		['a batch key that is not 16 hex digits', { klingBatch: 'xyz', klingItems: '1' }],
		['no item count', { klingBatch: '0123456789abcdef' }],
		['an item count of 0', { klingBatch: '0123456789abcdef', klingItems: '0' }],
	])('refuses a resume URL with %s, and keeps the execution waiting', async (_label, query) => {
		const { result, reply } = await callback(new FakeKling(), query);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(reply).toMatchObject({ status: 400, body: { waiting: true, reason: 'This resume URL is missing its Kling batch parameters' } });
	});

	it.each([1, 3])('keeps the execution waiting when the item count in the URL was changed to %i, naming no task', async (changed) => {
		const kling = new FakeKling();
		kling.durationOf = (_body, index) => (index === 0 ? 5_000 : 60_000);
		const { query } = pausedBatch(kling, 2);
		await jest.advanceTimersByTimeAsync(10_000);
		const { result, reply } = await callback(kling, { ...query, klingItems: String(changed) });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(reply).toMatchObject({ status: 404, body: { waiting: true, reason: 'No Kling task belongs to this resume URL' } });
	});

	it('keeps the execution waiting while any task of the batch is unfinished, after one list read', async () => {
		const kling = new FakeKling();
		kling.durationOf = (_body, index) => (index === 0 ? 5_000 : 60_000);
		const { query } = pausedBatch(kling, 2);
		await jest.advanceTimersByTimeAsync(10_000);
		const { result } = await callback(kling, query);
		expect(result).toEqual({ webhookResponse: { received: true, waiting: true } });
		expect(kling.sent).toHaveLength(1);
		expect(isList(kling.sent[0])).toBe(true);
	});

	it('resumes with one item per input item, in order, once every task is final', async () => {
		const kling = new FakeKling();
		kling.outcomeOf = (body) => (String(body.external_task_id).endsWith('-1') ? 'failed' : 'succeed');
		const { options, query } = pausedBatch(kling, 3, [2]);
		await jest.advanceTimersByTimeAsync(10_000);
		const { result } = await callback(kling, query);
		const [a, b] = kling.tasks;
		expect(result.workflowData).toEqual([
			[
				{ json: expect.objectContaining({ taskId: a.id, status: 'succeed', videoUrl: `https://cdn.kling.test/${a.id}.mp4` }), pairedItem: { item: 0 } },
				{
					json: expect.objectContaining({ error: 'Kling could not create the video: Kling could not make it', description: `Task ID ${b.id}.`, taskId: b.id, status: 'failed' }),
					error: expect.any(NodeOperationError),
					pairedItem: { item: 1 },
				},
				{
					json: {
						error: `Kling has no task with this item's external task ID ${options[2].external_task_id}: its input was refused, or its create failed, before the pause`,
						externalTaskId: options[2].external_task_id,
					},
					error: expect.any(NodeOperationError),
					pairedItem: { item: 2 },
				},
			],
		]);
	});

	it('answers 503 and leaves the execution waiting when Kling cannot be read, so its next delivery tries again', async () => {
		const kling = new FakeKling().inject(() => true, refused(1000, 'Authentication failed', 401), Infinity);
		const { query } = pausedBatch(kling, 2);
		const { result, reply } = await callback(kling, query);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(reply.status).toBe(503);
		expect(reply.body).toEqual({
			received: true,
			waiting: true,
			reason: expect.stringMatching(/^Could not read the tasks from Kling: Authentication failed/),
		});
	});

	// Kling's two callback bodies (docs/kling-api.md §9.1) saying a task is final.
	const bodies: Array<[string, (taskId: string, externalTaskId: string, status?: string) => IDataObject]> = [
		['legacy', (taskId, externalTaskId, status = 'succeed') => ({ task_id: taskId, task_status: status, task_info: { external_task_id: externalTaskId } })],
		['new-standard', (taskId, externalTaskId, status = 'succeeded') => ({ id: taskId, status, external_id: externalTaskId })],
	];

	// A callback answered 2xx is not delivered again: were it the last one, the run would wait forever.
	it.each(bodies)("answers 503, resuming nothing, when a %s body says a task is final and Kling's read still shows it processing", async (_shape, bodyOf) => {
		const kling = new FakeKling();
		kling.durationOf = () => 5_000;
		const { options, query } = pausedBatch(kling, 1);
		await jest.advanceTimersByTimeAsync(10_000);
		const [task] = kling.tasks;
		kling.inject((sent) => sent.method === 'GET', () => ok({ ...kling.taskJson(task), task_status: 'processing', task_result: {} }));
		const body = bodyOf(task.id, options[0].external_task_id);
		const lagging = await callback(kling, query, body);
		expect(lagging.result).toEqual({ noWebhookResponse: true });
		expect(lagging.reply).toMatchObject({ status: 503, body: { waiting: true } });
		// Kling delivers it again, and this time its read shows the task done.
		expect((await callback(kling, query, body)).result.workflowData).toEqual([[expect.objectContaining({ json: expect.objectContaining({ taskId: task.id, status: 'succeed' }) })]]);
	});

	it("answers 503 when the body says a task is final that Kling's read does not show at all, rather than resuming with that item failed", async () => {
		const kling = new FakeKling();
		kling.durationOf = () => 5_000;
		const { options, query } = pausedBatch(kling, 2);
		await jest.advanceTimersByTimeAsync(10_000);
		const [first, second] = kling.tasks;
		kling.inject(isList, () => ok([kling.taskJson(first)])).inject(isQuery, notFound(options[1].external_task_id));
		const { result, reply } = await callback(kling, query, bodies[0][1](second.id, options[1].external_task_id));
		expect(result).toEqual({ noWebhookResponse: true });
		expect(reply.status).toBe(503);
	});

	it.each<[string, (ids: string[]) => IDataObject]>([
		['says final a task of another batch', () => bodies[0][1]('1', 'n8n-0123456789abcdef-2-1')],
		['says a task of the batch is still processing', (ids) => bodies[0][1]('1', ids[1], 'processing')],
		['has no status', (ids) => ({ external_id: ids[1] })],
	])('keeps the execution waiting with a 200, as without a body, when the body %s', async (_label, bodyOf) => {
		const kling = new FakeKling();
		kling.durationOf = (_body, index) => (index === 0 ? 5_000 : 60_000);
		const { options, query } = pausedBatch(kling, 2);
		await jest.advanceTimersByTimeAsync(10_000);
		const { result } = await callback(kling, query, bodyOf(options.map((option) => option.external_task_id)));
		expect(result).toEqual({ webhookResponse: { received: true, waiting: true } });
	});

	it("resumes with what Kling's read shows, not what the body claims, once the read agrees", async () => {
		const kling = new FakeKling();
		kling.durationOf = () => 5_000;
		const { options, query } = pausedBatch(kling, 1);
		await jest.advanceTimersByTimeAsync(10_000);
		const [task] = kling.tasks;
		const forged = { ...bodies[0][1](task.id, options[0].external_task_id), task_result: { videos: [{ id: '1', url: 'https://forged.test/v.mp4' }] } };
		const { result } = await callback(kling, query, forged);
		expect(result.workflowData).toEqual([[expect.objectContaining({ json: expect.objectContaining({ videoUrl: `https://cdn.kling.test/${task.id}.mp4` }) })]]);
	});

	// n8n 1.x checks that the execution waits before the webhook runs and marks it running after: both calls would resume it.
	it('resumes the run from one of two callbacks that arrive together once every task is final; the other waits its turn', async () => {
		const kling = new FakeKling();
		kling.durationOf = () => 5_000;
		const { query } = pausedBatch(kling, 2);
		await jest.advanceTimersByTimeAsync(10_000);
		const calls = [webhookContext({ kling, query }), webhookContext({ kling, query })];
		const results = await whileTimePasses(Promise.all(calls.map(async (call) => await handleCallback.call(call.ctx, operation))));
		expect(results.filter((result) => result.workflowData !== undefined)).toHaveLength(1);
		expect(calls[1].reply).toEqual({ status: 200, body: { received: true, waiting: false, reason: 'An earlier callback of this batch resumed the run' } });
		// Only the first read Kling: the second learnt it was resumed. A later call does not resume it again either.
		expect(kling.reads()).toHaveLength(1);
		expect((await callback(kling, query)).result.workflowData).toBeUndefined();
	});

	// Kling's redelivery is undocumented: the last task's callback, arriving while an earlier one reads, must not be lost.
	it('resumes the run from a callback that arrived while an earlier one found a task unfinished', async () => {
		const kling = new FakeKling();
		kling.durationOf = (_body, index) => (index === 0 ? 5_000 : 20_000);
		const { query } = pausedBatch(kling, 2);
		await jest.advanceTimersByTimeAsync(10_000);
		const early = webhookContext({ kling, query });
		// The early call's read sees the second task running, and its answer takes 20 s to arrive.
		const read = early.context.helpers.httpRequestWithAuthentication;
		early.context.helpers.httpRequestWithAuthentication = jest.fn(async (...args: Parameters<typeof read>) => {
			const answer = await read(...args);
			await new Promise((resolve) => setTimeout(resolve, 20_000));
			return answer;
		});
		const earlyCall = handleCallback.call(early.ctx, operation);
		// Meanwhile the second task finishes, and its callback comes.
		await jest.advanceTimersByTimeAsync(11_000);
		const late = webhookContext({ kling, query });
		const [first, last] = await whileTimePasses(Promise.all([earlyCall, handleCallback.call(late.ctx, operation)]));
		expect(first).toEqual({ webhookResponse: { received: true, waiting: true } });
		expect(last.workflowData).toHaveLength(1);
	});

	it('lets a later callback resume the run when an earlier one found tasks unfinished', async () => {
		const kling = new FakeKling();
		kling.durationOf = (_body, index) => (index === 0 ? 5_000 : 20_000);
		const { query } = pausedBatch(kling, 2);
		await jest.advanceTimersByTimeAsync(10_000);
		expect((await callback(kling, query)).result).toEqual({ webhookResponse: { received: true, waiting: true } });
		await jest.advanceTimersByTimeAsync(20_000);
		expect((await callback(kling, query)).result.workflowData).toHaveLength(1);
	});
});

describe('pauseForCallbacks', () => {
	async function submittedThenPaused(kling: FakeKling) {
		const { ctx, context } = executeContext({ kling });
		kling.create({ at: Date.now(), method: 'POST', path: PRODUCT.path, body: '{"external_task_id":"e-0"}' });
		const submitted = [kling.taskJson(kling.tasks[0]), undefined];
		const preWait = [{ json: { taskId: kling.tasks[0].id } }, { json: { error: 'refused' } }];
		await jest.advanceTimersByTimeAsync(10_000);
		const output = await whileTimePasses(pauseForCallbacks.call(ctx, operation, submitted, preWait));
		return { output, preWait, context };
	}

	it('finishes at once, without pausing, when every task is already final', async () => {
		const kling = new FakeKling();
		kling.durationOf = () => 5_000;
		const { output, context } = await submittedThenPaused(kling);
		expect(context.putExecutionToWait).not.toHaveBeenCalled();
		// The item without a task keeps the error it got before the pause, which may name a task to look up.
		expect(output).toEqual([expect.objectContaining({ json: expect.objectContaining({ status: 'succeed' }) }), { json: { error: 'refused' }, error: expect.any(NodeOperationError), pairedItem: { item: 1 } }]);
	});

	it('puts the execution to wait without a time limit otherwise, showing each item’s task', async () => {
		const kling = new FakeKling();
		kling.durationOf = () => 60_000;
		const { output, preWait, context } = await submittedThenPaused(kling);
		expect(context.putExecutionToWait).toHaveBeenCalledWith(WAIT_INDEFINITELY);
		expect(output).toBe(preWait);
	});

	it('pauses when Kling cannot be read at that look: the callbacks will tell', async () => {
		const kling = new FakeKling();
		kling.inject((sent) => !isCreate(sent), refused(1000, 'Authentication failed', 401), Infinity);
		const { output, preWait, context } = await submittedThenPaused(kling);
		expect(context.putExecutionToWait).toHaveBeenCalledWith(WAIT_INDEFINITELY);
		expect(output).toBe(preWait);
	});
});

describe("A task an item paid for first (an element's generated views)", () => {
	const withViews: TaskOperation = {
		...operation,
		firstTask: { product: PRODUCT, what: 'views' },
		async prepare(request, itemIndex, firstExternalTaskId) {
			const views = await runOneTask.call(this, PRODUCT, { prompt: 'views' }, itemIndex, 600_000, firstExternalTaskId);
			return { request, firstTask: { taskId: views.task_id, what: 'views', readWith: 'Element → Get Generated Views' } };
		},
	};
	const settings = { mode: 'callback' as const, timeoutMs: 600_000, maxConcurrent: 3 };

	function paused(kling: FakeKling) {
		kling.outcomeOf = (body) => (body.prompt === 'views' ? 'succeed' : 'failed');
		return executeContext({ kling, resumeUrl: RESUME_URL, executionId: `exec-paused-${++executions}`, continueOnFail: true });
	}

	it("is named by an item whose own task failed after the pause: a resumed run finds it by pause mode's external task ID", async () => {
		const kling = new FakeKling();
		kling.durationOf = (body) => (body.prompt === 'views' ? 1_000 : 60_000);
		const { ctx, context } = paused(kling);
		const [waiting] = await whileTimePasses(runTaskOperation.call(ctx, withViews, settings));
		expect(context.putExecutionToWait).toHaveBeenCalled();
		const [views, element] = kling.tasks;
		expect(views.externalTaskId).toBe(`${element.externalTaskId}-first`);
		expect(waiting.json).toMatchObject({ viewsTaskId: views.id });
		await jest.advanceTimersByTimeAsync(120_000);
		const query = Object.fromEntries(new URL(String(element.body.callback_url)).searchParams) as IDataObject;
		const result = await whileTimePasses(handleCallback.call(webhookContext({ kling, query }).ctx, withViews));
		expect(result.workflowData?.[0][0].json).toMatchObject({
			error: 'Kling could not create the video: Kling could not make it',
			viewsTaskId: views.id,
			description: expect.stringContaining(`This item's views task ${views.id} was paid for first.`),
		});
	});

	it('is named by an item whose own task failed before the pause', async () => {
		const kling = new FakeKling();
		kling.durationOf = (body) => (body.prompt === 'views' ? 1_000 : 0);
		const { ctx, context } = paused(kling);
		const [item] = await whileTimePasses(runTaskOperation.call(ctx, withViews, settings));
		expect(context.putExecutionToWait).not.toHaveBeenCalled();
		expect(item.json).toMatchObject({ error: expect.any(String), viewsTaskId: kling.tasks[0].id });
	});
});

