/**
 * tasks/run.ts: a task-creating operation over all input items. Every item is checked before anything is sent; each
 * create carries an external task id; the outputs follow Completion; an item that stops the node names every other task it created.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, WAIT_INDEFINITELY } from 'n8n-workflow';

import { videosOfTaskResult } from '../../../nodes/Kling/contract/video';
import { taskSummary } from '../../../nodes/Kling/tasks/output';
import { runTaskOperation } from '../../../nodes/Kling/tasks/run';
import type { CompletionSettings, TaskOperation } from '../../../nodes/Kling/tasks/taskOperation';
import { executeContext, failureOf, FakeKling, isCreate, PRODUCT, refused, timedOut, useFakeTime, whileTimePasses, type Sent } from '../executeKit.cts';

useFakeTime();

/** Each item's prompt is its JSON's `prompt`; an item without one is refused before anything is sent. */
const operation: TaskOperation = {
	product: PRODUCT,
	async buildRequest(itemIndex) {
		const { prompt, externalTaskId } = this.getInputData()[itemIndex].json as IDataObject;
		if (!prompt) throw new NodeOperationError(this.getNode(), 'Prompt is required', { itemIndex });
		return { prompt, ...(externalTaskId ? { external_task_id: externalTaskId } : {}) };
	},
	async present(task) {
		return { json: { videoUrl: videosOfTaskResult(task.task_result)[0]?.url, ...taskSummary(task) } };
	},
};

const settings = (over: Partial<CompletionSettings> = {}): CompletionSettings => ({ mode: 'poll', timeoutMs: 30 * 60_000, maxConcurrent: 3, ...over });
const items = (...prompts: Array<string | undefined>): INodeExecutionData[] => prompts.map((prompt) => ({ json: { prompt } }));

function run(kling: FakeKling, inputs: INodeExecutionData[], over: Partial<CompletionSettings> = {}, continueOnFail = false) {
	const { ctx, context } = executeContext({ kling, items: inputs, continueOnFail });
	return { context, output: runTaskOperation.call(ctx, operation, settings(over)) };
}

describe('runTaskOperation', () => {
	it('outputs each item’s result, paired with it, each create with its own external task id', async () => {
		const kling = new FakeKling();
		const output = await whileTimePasses(run(kling, items('a harbour', 'a forest')).output);
		expect(output).toEqual([
			{ json: expect.objectContaining({ taskId: kling.tasks[0].id, status: 'succeed', videoUrl: expect.stringMatching(/\.mp4$/) }), pairedItem: { item: 0 } },
			{ json: expect.objectContaining({ taskId: kling.tasks[1].id, status: 'succeed' }), pairedItem: { item: 1 } },
		]);
		expect(kling.tasks.map((task) => task.externalTaskId)).toEqual([expect.stringMatching(/^n8n-exec-1-0-[0-9a-f]{12}$/), expect.stringMatching(/^n8n-exec-1-1-[0-9a-f]{12}$/)]);
	});

	it('keeps an external task id the user gave', async () => {
		const kling = new FakeKling();
		await whileTimePasses(run(kling, [{ json: { prompt: 'a harbour', externalTaskId: 'campaign-7' } }]).output);
		expect(kling.tasks[0].externalTaskId).toBe('campaign-7');
	});

	it("refuses an external task id the user gave two items, naming the other item, before anything is sent", async () => {
		const kling = new FakeKling();
		const same = { prompt: 'a harbour', externalTaskId: 'campaign-7' };
		const error = await failureOf(run(kling, [{ json: same }, { json: { ...same, prompt: 'a forest' } }]).output);
		expect(error.message).toBe('Options → External Task ID "campaign-7" is item 0\'s too: Kling takes each external task ID once');
		expect(error.context?.itemIndex).toBe(1);
		expect(kling.sent).toEqual([]);
	});

	it('refuses, in pause mode, an external task id the user gave before anything is prepared (paid for)', async () => {
		const prepared: number[] = [];
		const withPrepare: TaskOperation = { ...operation, prepare: async (request, itemIndex) => (prepared.push(itemIndex), { request }) };
		const { ctx } = executeContext({ kling: new FakeKling(), items: [{ json: { prompt: 'a harbour' } }, { json: { prompt: 'a forest', externalTaskId: 'mine' } }] });
		const error = await failureOf(runTaskOperation.call(ctx, withPrepare, settings({ mode: 'callback' })));
		expect(error.message).toBe('Options → Callback URL and External Task ID cannot be used with Pause Until Kling Calls Back');
		expect(prepared).toEqual([]);
	});

	it("takes over the first try's tasks on a second try of the same run (n8n's Retry On Fail) instead of paying for them again", async () => {
		// The first try's first round is refused: its list read, and its one retry with a fresh token.
		const kling = new FakeKling().inject((sent) => sent.method === 'GET', refused(1000, 'Authentication failed', 401), 2);
		const { ctx } = executeContext({ kling, items: items('a harbour', 'a forest') });
		await failureOf(runTaskOperation.call(ctx, operation, settings()));
		const output = await whileTimePasses(runTaskOperation.call(ctx, operation, settings()));
		expect(kling.tasks).toHaveLength(2);
		expect(output.map((item) => [item.json.taskId, item.json.status])).toEqual(kling.tasks.map((task) => [task.id, 'succeed']));
	});

	it("takes over the first try's task on an endpoint that refuses bare integer element IDs, whose string form is the duplicate", async () => {
		const bareIds = (sent: Sent) => isCreate(sent) && /"element_id":\d/.test(String(sent.body));
		const kling = new FakeKling()
			.inject(bareIds, refused(1201, 'element_id must be a string'), Infinity)
			.inject((sent) => isCreate(sent) && String(sent.body).includes('a forest'), refused(1301, 'prompt violates the policy'));
		const withElement: TaskOperation = { ...operation, buildRequest: async function (this, itemIndex) {
			return { ...(await operation.buildRequest.call(this, itemIndex)), element_list: [{ element_id: '835266081714884677' }] };
		} };
		const { ctx } = executeContext({ kling, items: items('a harbour', 'a forest') });
		await failureOf(runTaskOperation.call(ctx, withElement, settings({ mode: 'returnTask' })));
		const output = await whileTimePasses(runTaskOperation.call(ctx, withElement, settings({ mode: 'returnTask' })));
		expect(kling.tasks.map((task) => task.body.prompt)).toEqual(['a harbour', 'a forest']);
		expect(output.map((item) => item.json.taskId)).toEqual(kling.tasks.map((task) => task.id));
	});

	it('takes over the first try’s tasks on a second try in pause mode too', async () => {
		const kling = new FakeKling().inject((sent) => isCreate(sent) && String(sent.body).includes('a forest'), refused(1301, 'prompt violates the policy'));
		const { ctx, context } = executeContext({ kling, items: items('a harbour', 'a forest') });
		await failureOf(runTaskOperation.call(ctx, operation, settings({ mode: 'callback' })));
		await whileTimePasses(runTaskOperation.call(ctx, operation, settings({ mode: 'callback' })));
		expect(kling.tasks.map((task) => task.body.prompt)).toEqual(['a harbour', 'a forest']);
		expect(context.putExecutionToWait).toHaveBeenCalledTimes(1);
	});

	it('creates new tasks when the node runs again in a loop (a new run index) or in another execution', async () => {
		const kling = new FakeKling();
		for (const setup of [{}, { runIndex: 1 }, { executionId: 'exec-2' }]) {
			await whileTimePasses(runTaskOperation.call(executeContext({ kling, items: items('a harbour'), ...setup }).ctx, operation, settings()));
		}
		expect(kling.tasks).toHaveLength(3);
		expect(new Set(kling.tasks.map((task) => task.externalTaskId)).size).toBe(3);
	});

	it("makes each tool call (an AI agent's, an MCP client's) a run of its own, even with the same execution and run index", async () => {
		const kling = new FakeKling();
		const outputs: INodeExecutionData[][] = [];
		for (const executionId of [null, null, 'exec-1', 'exec-1']) {
			const { ctx } = executeContext({ kling, items: items('a harbour'), executionId, toolExecution: true });
			outputs.push(await whileTimePasses(runTaskOperation.call(ctx, operation, settings())));
		}
		expect(kling.tasks).toHaveLength(4);
		expect(outputs.map(([item]) => item.json.taskId)).toEqual(kling.tasks.map((task) => task.id));
		expect(kling.tasks[0].externalTaskId).toMatch(/^n8n-tool-0-[0-9a-f]{12}$/);
	});

	it('checks every item before sending anything: a refused item stops the node at no cost', async () => {
		const kling = new FakeKling();
		const error = await failureOf(run(kling, items('a harbour', undefined, 'a forest')).output);
		expect(error.message).toBe('Prompt is required');
		expect(kling.sent).toEqual([]);
	});

	it('prepares a request (a paid step such as generated views) only once every item was checked, and sends what it returns', async () => {
		const prepared: number[] = [];
		const withPrepare: TaskOperation = {
			...operation,
			async prepare(request, itemIndex) {
				prepared.push(itemIndex);
				return { request: { ...request, prompt: `${String(request.prompt)}, prepared` } };
			},
		};
		const badBatch = executeContext({ kling: new FakeKling(), items: items('a harbour', undefined) });
		await failureOf(runTaskOperation.call(badBatch.ctx, withPrepare, settings()));
		expect(prepared).toEqual([]);

		const kling = new FakeKling();
		const { ctx } = executeContext({ kling, items: items('a harbour', 'a forest') });
		await whileTimePasses(runTaskOperation.call(ctx, withPrepare, settings()));
		expect(prepared).toEqual([0, 1]);
		expect(kling.tasks.map((task) => task.body.prompt)).toEqual(['a harbour, prepared', 'a forest, prepared']);
	});

	it('names the tasks prepared for earlier items (paid for) when preparing an item stops the node', async () => {
		const withViews: TaskOperation = {
			...operation,
			async prepare(request, itemIndex) {
				if (itemIndex === 1) throw new Error('Kling generated no additional views');
				return { request, firstTask: { taskId: 'views-0', what: 'views', readWith: 'Element → Get Generated Views' } };
			},
		};
		const kling = new FakeKling();
		const { ctx } = executeContext({ kling, items: items('a harbour', 'a forest') });
		const error = await failureOf(runTaskOperation.call(ctx, withViews, settings()));
		expect(error.message).toBe('Kling generated no additional views');
		expect(error.description).toMatch(/^Tasks already created for other items: views-0 \(views\)\./);
		expect(kling.sent).toEqual([]);
	});

	it("names an item's task prepared first when its own task fails", async () => {
		const withViews: TaskOperation = { ...operation, prepare: async (request, itemIndex) => ({ request, firstTask: { taskId: `views-${itemIndex}`, what: 'views', readWith: 'Element → Get Generated Views' } }) };
		const kling = new FakeKling();
		kling.outcomeOf = () => 'failed';
		const { ctx } = executeContext({ kling, items: items('a harbour'), continueOnFail: true });
		const [item] = await whileTimePasses(runTaskOperation.call(ctx, withViews, settings()));
		expect(item.json.description).toBe(`Task ID ${kling.tasks[0].id}. This item's views task views-0 was paid for first.`);
	});

	it.each(['returnTask', 'callback'] as const)("outputs the task prepared first next to the item's task when the node does not wait (%s)", async (mode) => {
		const withViews: TaskOperation = { ...operation, prepare: async (request, itemIndex) => ({ request, firstTask: { taskId: `views-${itemIndex}`, what: 'views', readWith: 'Element → Get Generated Views' } }) };
		const kling = new FakeKling();
		kling.durationOf = () => 600_000;
		const { ctx } = executeContext({ kling, items: items('a harbour') });
		const [item] = await whileTimePasses(runTaskOperation.call(ctx, withViews, settings({ mode })));
		expect(item.json).toMatchObject({ taskId: kling.tasks[0].id, viewsTaskId: 'views-0' });
	});

	it('with Continue On Fail, a refused item becomes its error and the others go on', async () => {
		const kling = new FakeKling();
		const output = await whileTimePasses(run(kling, items('a harbour', undefined), {}, true).output);
		expect(output[1]).toEqual({ json: { error: 'Prompt is required' }, error: expect.objectContaining({ message: 'Prompt is required' }), pairedItem: { item: 1 } });
		expect(output[0].json.status).toBe('succeed');
		expect(kling.tasks).toHaveLength(1);
	});

	it('with Continue On Fail, a task that failed on Kling becomes an error item with its task and external task ids', async () => {
		const kling = new FakeKling();
		kling.outcomeOf = () => 'failed';
		const [item] = await whileTimePasses(run(kling, items('a harbour'), {}, true).output);
		expect(item.json).toEqual({
			error: 'Kling could not create the video: Kling could not make it',
			taskId: kling.tasks[0].id,
			externalTaskId: kling.tasks[0].externalTaskId,
			description: `Task ID ${kling.tasks[0].id}.`,
		});
	});

	it('names the tasks still running for other items when a task fails on Kling and the node stops', async () => {
		const kling = new FakeKling();
		kling.outcomeOf = (body) => (body.prompt === 'a harbour' ? 'failed' : 'succeed');
		kling.durationOf = (body) => (body.prompt === 'a harbour' ? 5_000 : 600_000);
		const error = await failureOf(run(kling, items('a harbour', 'a forest', 'a desert')).output);
		expect(error.message).toBe('Kling could not create the video: Kling could not make it');
		// Items 1 and 2 are paid for and still running: the user must learn their ids, as for any other failure.
		expect(error.description).toContain(kling.tasks[1].id);
		expect(error.description).toContain(kling.tasks[2].id);
	});

	it("names the other items' finished tasks too: n8n drops a stopped node's output, and they are paid for", async () => {
		const kling = new FakeKling();
		kling.outcomeOf = (body) => (body.prompt === 'a desert' ? 'failed' : 'succeed');
		kling.durationOf = (body) => (body.prompt === 'a desert' ? 60_000 : 5_000);
		const error = await failureOf(run(kling, items('a harbour', 'a forest', 'a desert')).output);
		const [harbour, forest, desert] = kling.tasks.map((task) => task.id);
		expect(error.description).toBe(
			`Task ID ${desert}. Tasks already created for other items: ${harbour} (succeed), ${forest} (succeed). The node stopped, so n8n outputs none of them: fetch them with Video → Get rather than running those items again.`,
		);
	});

	it("names an item whose create's answer was lost, still looked for, when another item stops the node", async () => {
		const isForest = (sent: Sent) => isCreate(sent) && String(sent.body).includes('a forest');
		const kling = new FakeKling().inject(isForest, timedOut());
		kling.outcomeOf = () => 'failed';
		kling.durationOf = () => 1_000;
		const error = await failureOf(run(kling, items('a harbour', 'a forest')).output);
		const forest = JSON.parse(kling.sent.find(isForest)!.body!) as { external_task_id: string };
		expect(error.message).toBe('Kling could not create the video: Kling could not make it');
		expect(error.description).toContain(`Tasks already created for other items: external task ID ${forest.external_task_id} (answer lost, perhaps made).`);
	});

	it("names an item whose create a relay answered with its own 429, perhaps passed on, when another item stops the node", async () => {
		const isForest = (sent: Sent) => isCreate(sent) && String(sent.body).includes('a forest');
		const kling = new FakeKling();
		kling.relayPassesOnThen429(isForest);
		kling.outcomeOf = (body) => (body.prompt === 'a harbour' ? 'failed' : 'succeed');
		kling.durationOf = () => 1_000;
		const error = await failureOf(run(kling, items('a harbour', 'a forest')).output);
		const forest = kling.tasks.find((task) => task.body.prompt === 'a forest')!;
		expect(error.message).toBe('Kling could not create the video: Kling could not make it');
		expect(error.description).toContain(`Tasks already created for other items: external task ID ${forest.externalTaskId} (the relay answered 429, perhaps passed on).`);
	});

	it('names every task paid for when the execution is cancelled while it waits', async () => {
		const kling = new FakeKling();
		kling.durationOf = () => 600_000;
		const { ctx, cancel } = executeContext({ kling, items: items('a harbour', 'a forest') });
		const output = runTaskOperation.call(ctx, operation, settings());
		await jest.advanceTimersByTimeAsync(20_000);
		cancel.abort();
		const error = await failureOf(output);
		expect(error.message).toBe('The execution was cancelled while waiting for Kling');
		expect(error.description).toContain(`Tasks already created for other items: ${kling.tasks[0].id} (processing), ${kling.tasks[1].id} (processing).`);
	});

	it('names the tasks already created when a later create is refused with Return Task Immediately', async () => {
		const kling = new FakeKling().inject((sent) => isCreate(sent) && String(sent.body).includes('a desert'), refused(1301, 'prompt violates the policy'));
		const error = await failureOf(run(kling, items('a harbour', 'a forest', 'a desert'), { mode: 'returnTask' }).output);
		expect(error.message).toBe('Content-safety policy triggered: prompt violates the policy');
		expect(error.description).toContain(`Tasks already created for other items: ${kling.tasks[0].id} (processing), ${kling.tasks[1].id} (processing).`);
	});

	it("names the item's own task when its result cannot be presented (a download that failed), so the paid-for task is not lost", async () => {
		const kling = new FakeKling();
		const failing: TaskOperation = {
			...operation,
			async present() {
				throw new NodeOperationError(this.getNode(), 'Could not download the file from Kling: the connection closed');
			},
		};
		const error = await failureOf(runTaskOperation.call(executeContext({ kling, items: items('a harbour') }).ctx, failing, settings()));
		expect(error.description).toBe(`Task ID ${kling.tasks[0].id}.`);
	});

	it('with Continue On Fail, names no other tasks: their items come out', async () => {
		const kling = new FakeKling();
		kling.outcomeOf = (body) => (body.prompt === 'a forest' ? 'failed' : 'succeed');
		const output = await whileTimePasses(run(kling, items('a harbour', 'a forest'), {}, true).output);
		expect(output[1].json.description).toBe(`Task ID ${kling.tasks[1].id}.`);
		expect(output[0].json.taskId).toBe(kling.tasks[0].id);
	});

	it('returns the tasks at once with Return Task Immediately', async () => {
		const kling = new FakeKling();
		const output = await whileTimePasses(run(kling, items('a harbour', 'a forest'), { mode: 'returnTask', maxConcurrent: 1 }).output);
		expect(output.map((item) => item.json.status)).toEqual(['processing', 'processing']);
		expect(kling.reads()).toEqual([]);
	});

	it('pauses until Kling calls back: every create gets the resume URL and an external task id of the batch', async () => {
		const kling = new FakeKling();
		const { output, context } = run(kling, items('a harbour', 'a forest', 'a desert'), { mode: 'callback', maxConcurrent: 1 });
		const preWait = await whileTimePasses(output);
		const bodies = kling.tasks.map((task) => task.body);
		const batch = new URL(String(bodies[0].callback_url)).searchParams.get('klingBatch');
		expect(bodies.map((body) => [body.callback_url, body.external_task_id])).toEqual(
			[0, 1, 2].map((n) => [`https://n8n.test/webhook-waiting/exec-1/kling?klingBatch=${batch}&klingItems=3&klingNode=kling-1`, `n8n-${batch}-3-${n}`]),
		);
		// All three at once: Max Concurrent Tasks applies only while the node waits for the results itself.
		expect(new Set(kling.tasks.map((task) => task.createdAt)).size).toBe(1);
		expect(context.putExecutionToWait).toHaveBeenCalledWith(WAIT_INDEFINITELY);
		expect(preWait.map((item) => item.json.taskId)).toEqual(kling.tasks.map((task) => task.id));
	});
});
