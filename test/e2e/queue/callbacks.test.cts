/**
 * Kling calling back into n8n's queue mode: main, two workers and two webhook processors on a private PostgreSQL
 * and Redis. N8N_WEBHOOK_URL points at the first webhook processor, so that is where Kling's callbacks go.
 * Pause Until Kling Calls Back is resumed there, or at main, waits for as long as no callback comes and, with
 * several items, until the last task is final, and with Retry On Fail pays for no task twice; the webhook processor
 * that receives the last callback downloads the files asked for, no worker needed. The Kling Trigger
 * starts one execution per task however often, and at whichever processor, Kling delivers it once the first delivery
 * was handled. How often a delivery that reaches both processors at the same moment, or the second the moment the
 * first is answered, starts two executions is measured and written to test-results/e2e-queue/trigger-races.json (the
 * README quotes it), not asserted.
 */
import { startSimulator, type KlingSimulator } from '../../simulator/index.cts';
import {
	activatePauseWorkflows,
	aLateCallbackDoesNotResumeALaterWaitNode,
	ignoresAForgedCallback,
	ignoresALateCallbackOfAnEarlierRound,
	ignoresALateCallbackOfAnotherNode,
	keepsWaitingForTheLastItem,
	keepsWaitingWhileKlingCannotBeRead,
	refusesAChangedItemCount,
	resumesOnceFromTwoCallsAtOnce,
	resumesWhenKlingCallsBack,
	resumesWithDownloadedImages,
	resumesWithDownloadedVideo,
	resumesWithEveryItem,
	retriedBatchPaysOnce,
	startExecution,
	waitsUntilTheResumeUrlIsCalled,
	type PauseSetup,
} from '../cases/pause.cts';
import {
	activeTrigger,
	capturedDeliveries,
	createTask,
	createTriggerCredential,
	executionsSettled,
	measureRepeats,
	post,
	postAndRepeat,
	recordRaces,
	sorted,
	taskIdsOf,
	TRIGGER_SECRET,
	type Delivery,
} from '../cases/trigger.cts';
import { useQueue } from '../helpers.cts';
import { finished, lastOutput, workersThatRan } from '../runtime/executions.cts';
import { waitFor } from '../runtime/wait.cts';

const ctx = useQueue('callbacks', { workers: 2, webhookProcessors: 2 });
let sim: KlingSimulator;

beforeAll(async () => {
	sim = await startSimulator({ webhookSecret: TRIGGER_SECRET, timing: { submittedMs: 500, processingMs: 5000 } });
});

afterAll(async () => {
	await sim?.close();
});

beforeEach(() => sim.reset());

describe('Pause Until Kling Calls Back in queue mode', () => {
	let setups: Record<string, PauseSetup>;

	beforeAll(async () => {
		setups = await activatePauseWorkflows(ctx.topology.main.api, sim, ctx.topology.webhooks[0].url);
	});

	it('a worker pauses the execution; Kling calls back at the webhook processor, and a worker finishes it with the element', async () => {
		const done = await resumesWhenKlingCallsBack(setups.single, ctx.topology.webhooks[0].url);
		expect(workersThatRan(done.id, ctx.topology.processes()).length).toBeGreaterThan(0);
	});

	it('the resume URL called at main instead continues the execution the same way', async () => {
		await waitsUntilTheResumeUrlIsCalled(setups.single, ctx.topology.main.server.url);
	});

	it('with the callbacks lost, the execution keeps waiting after the task finished, until its resume URL is called', async () => {
		await waitsUntilTheResumeUrlIsCalled(setups.single);
	});

	it('resumes once from two calls to the resume URL at the same moment, one at each webhook processor', async () => {
		await resumesOnceFromTwoCallsAtOnce(setups.single, [ctx.topology.webhooks[0].url, ctx.topology.webhooks[1].url]);
	});

	it('with several items, a worker continues once the last task is final, a failed task as an item with its error', async () => {
		await resumesWithEveryItem(setups.batch);
	});

	it('with several items, the webhook processor answers the final callback of one and the execution keeps waiting while another task runs', async () => {
		await keepsWaitingForTheLastItem(setups.batch);
	});

	it("with Retry On Fail, the worker's second try takes over the first try's task, and the execution finishes with every item", async () => {
		await retriedBatchPaysOnce(setups.retried);
	});

	it('with Download Images, the last callback at the webhook processor resumes the execution, and a worker finishes with the images', async () => {
		const done = await resumesWithDownloadedImages(setups.images);
		expect(workersThatRan(done.id, ctx.topology.processes()).length).toBeGreaterThan(0);
	});

	it('with Download Video, the last callback at the webhook processor resumes the execution, and a worker finishes with the video', async () => {
		const done = await resumesWithDownloadedVideo(setups.video);
		expect(workersThatRan(done.id, ctx.topology.processes()).length).toBeGreaterThan(0);
	});

	it('with Download Video, the webhook processor downloads the video at the callback that resumes the run, with every worker stopped; a worker then finishes with it', async () => {
		const setup = setups.video;
		sim.injectFault({ when: { product: 'image2video', operation: 'create' }, fault: { kind: 'stuck' } });
		const execution = await startExecution(setup);
		const [task] = sim.tasks('image2video');
		const workers = ctx.topology.processes().filter((candidate) => candidate.role.startsWith('worker-'));
		for (const worker of workers) process.kill(worker.pid, 'SIGSTOP');
		try {
			sim.finishTask(task.taskId);
			// The first callback that finds the task done when the node reads it from Kling resumes the run; its webhook
			// call fetches the file before it answers, while no worker can run.
			const downloaded = () => sim.requests.filter((request) => request.path.includes('/files/') && request.status === 200).length;
			await waitFor(() => downloaded() > 0, { what: 'the webhook processor to download the video', timeoutMs: 60_000 });
			expect(downloaded()).toBe(1);
		} finally {
			for (const worker of workers) process.kill(worker.pid, 'SIGCONT');
		}
		const done = await finished(setup.api, execution.id);
		expect(done.status).toBe('success');
		expect(Object.keys(lastOutput(done, 'Image to Video')[0].binary ?? {})).toEqual(['clip']);
		expect(workersThatRan(done.id, ctx.topology.processes()).length).toBeGreaterThan(0);
	});

	it('the webhook processor answers 404 to a resume URL whose item count was changed, and the execution keeps waiting until the URL as given is called', async () => {
		await refusesAChangedItemCount(setups.single);
	});

	it('the webhook processor ignores a forged final callback while the task runs, and the execution keeps waiting', async () => {
		await ignoresAForgedCallback(setups.single);
	});

	it('the webhook processor answers 503 when Kling cannot be read at a callback, and the next callback resumes the execution', async () => {
		await keepsWaitingWhileKlingCannotBeRead(setups.single);
	});

	it("the webhook processor ignores a late callback of the first node's pause while the second node waits", async () => {
		await ignoresALateCallbackOfAnotherNode(setups.twoNodes);
	});

	it("in a loop, the webhook processor ignores a late callback of the node's first round while its second round waits", async () => {
		await ignoresALateCallbackOfAnEarlierRound(setups.loop);
	});

	it('a late Kling callback at the webhook processor does not resume a later Wait node, which then resumes only with its own call', async () => {
		await aLateCallbackDoesNotResumeALaterWaitNode(setups.thenWait);
	});
});

describe('Kling Trigger in queue mode', () => {
	let credentialId = '';
	const origins = () => ctx.topology.webhooks.map((server) => server.url);

	beforeAll(async () => {
		credentialId = await createTriggerCredential(ctx.topology.main.api, sim);
		sim.options.timing = { submittedMs: 50, processingMs: 100 };
	});

	it('starts one execution for each of three tasks when Kling delivers every callback twice', async () => {
		const { api } = ctx.topology.main;
		const { workflowId, path: webhookPath } = await activeTrigger(api, credentialId, origins());
		const url = `${origins()[0]}${webhookPath}`;
		sim.injectFault({ when: { product: 'elements', operation: 'create' }, times: 3, fault: { kind: 'repeatCallbacks', count: 2 } });
		// The tasks finish one after another, as renders of different lengths do.
		const taskIds: string[] = [];
		for (let task = 0; task < 3; task++) {
			taskIds.push(await createTask(sim, url));
			await sim.idle(60_000);
		}
		const executions = await executionsSettled(api, sim, workflowId, [url], taskIds);
		expect(taskIdsOf(executions)).toEqual(sorted(taskIds));
		for (const execution of executions) expect(workersThatRan(execution.id, ctx.topology.processes())).toHaveLength(1);
	});

	it('starts one execution for each of three tasks whose delivery comes again at both webhook processors after it was handled', async () => {
		const { api } = ctx.topology.main;
		const { workflowId, path: webhookPath } = await activeTrigger(api, credentialId, origins());
		const urls = origins().map((origin) => `${origin}${webhookPath}`);
		const deliveries = await capturedDeliveries(sim, 3);
		await postAndRepeat(api, workflowId, deliveries, urls, 3);
		const taskIds = deliveries.map((delivery) => delivery.taskId);
		expect(taskIdsOf(await executionsSettled(api, sim, workflowId, urls, taskIds))).toEqual(sorted(taskIds));
	});

	it('measures how often a delivery reaching both webhook processors, at once or the moment the first is answered, starts two executions', async () => {
		const { api } = ctx.topology.main;
		const measure = async (how: string, send: (delivery: Delivery, urls: string[]) => Promise<void>) => {
			const { workflowId, path: webhookPath } = await activeTrigger(api, credentialId, origins());
			const urls = origins().map((origin) => `${origin}${webhookPath}`);
			recordRaces('e2e-queue', await measureRepeats({ api, sim, workflowId, urls }, how, 20, (delivery) => send(delivery, urls)));
		};
		await measure('queue mode, one copy at each webhook processor at the same moment', async (delivery, urls) => {
			const answers = await Promise.all(urls.map((url) => post(url, delivery.body, delivery.headers)));
			expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
		});
		await measure('queue mode, the second copy at the other webhook processor when the first is answered', async (delivery, urls) => {
			for (const url of urls) expect((await post(url, delivery.body, delivery.headers)).status).toBe(200);
		});
	});
});
