/**
 * Completion "Pause Until Kling Calls Back" in a running n8n (regular mode): a production execution (started by a
 * Webhook node) creates an element with this execution's resume URL as callback_url, is persisted as `waiting`,
 * and finishes when that URL is called (n8n's WEBHOOK_URL points at itself). With several items it waits for the
 * last task, a task that failed comes out as an item with its error, and Retry On Fail pays for no task twice; files
 * are downloaded at the resume, generated views are waited for first, a resume URL with a changed count resumes
 * nothing, a success without its result is an error item, and what the node refuses fails before any request. The
 * cases are shared with the queue-mode suite (cases/pause.cts). Also: two pausing nodes in one execution, and what
 * stopping a polling execution leaves.
 */
import { startSimulator, type KlingSimulator } from '../simulator/index.cts';
import {
	activatePauseWorkflows,
	aLateCallbackDoesNotResumeALaterWaitNode,
	finishesAtOnceWhenKlingIsQuick,
	finishesAtOnceWithoutTasks,
	ignoresAForgedCallback,
	ignoresALateCallbackOfAnEarlierRound,
	ignoresALateCallbackOfAnotherNode,
	keepsWaitingForTheLastItem,
	keepsWaitingWhileKlingCannotBeRead,
	namesTheViewsOfAFailedElement,
	refusesAChangedItemCount,
	refusesAnItemsOwnCallbackUrl,
	refusesTooManyItems,
	resumesOnceFromTwoCallsAtOnce,
	resumesWhenKlingCallsBack,
	resumesWithAFailedDownloadAsAnError,
	resumesWithAFailedTaskOnTheErrorOutput,
	resumesWithAnItemRefusedBeforeItsCreate,
	resumesWithARefusedItem,
	resumesWithDownloadedImages,
	resumesWithDownloadedVideo,
	resumesWithElementFromViews,
	resumesWithoutAResultAsAnError,
	resumesWithEveryItem,
	retriedBatchPaysOnce,
	waitsUntilTheResumeUrlIsCalled,
} from './cases/pause.cts';
import { prepared, useN8n } from './helpers.cts';
import { finished } from './runtime/executions.cts';
import { n8nMajor } from './runtime/runtime.cts';
import { waitFor } from './runtime/wait.cts';
import { adaptWorkflow, chainWorkflow, CREDENTIAL_NAME, KLING_NODE, readExample, webhookNode } from './runtime/workflows.cts';

const ctx = useN8n('callback');
let sim: KlingSimulator;
let setups: Awaited<ReturnType<typeof activatePauseWorkflows>>;

beforeAll(async () => {
	// Long enough in "processing" for the execution to be seen waiting; the final callback then resumes it.
	sim = await startSimulator({ timing: { submittedMs: 500, processingMs: 5000 } });
	setups = await activatePauseWorkflows(ctx.instance.api, sim, ctx.instance.server.url);
});

afterAll(async () => {
	await sim?.close();
});

beforeEach(() => sim.reset());

describe('Pause Until Kling Calls Back in a running n8n', () => {
	it('waits, then finishes with the element when Kling calls the resume URL', async () => {
		await resumesWhenKlingCallsBack(setups.single, ctx.instance.server.url);
	});

	it('with the callbacks lost, keeps waiting after the task finished, and finishes with the element when the resume URL is called later', async () => {
		await waitsUntilTheResumeUrlIsCalled(setups.single);
	});

	it('resumes once from two calls to the resume URL at the same moment, once the task is final', async () => {
		await resumesOnceFromTwoCallsAtOnce(setups.single);
	});

	it('keeps waiting, showing the task, when a forged final callback comes while the task still runs', async () => {
		await ignoresAForgedCallback(setups.single);
	});

	it('answers 503 and keeps waiting when Kling cannot be read at a callback, then resumes at the next one', async () => {
		await keepsWaitingWhileKlingCannotBeRead(setups.single);
	});

	it('with several items, continues once the last task is final, a failed task as an item with its error', async () => {
		await resumesWithEveryItem(setups.batch);
	});

	it('with several items, answers the final callback of one and keeps waiting while another task runs', async () => {
		await keepsWaitingForTheLastItem(setups.batch);
	});

	it("with Retry On Fail, takes over the first try's task on the second try, pauses, and finishes with every item", async () => {
		await retriedBatchPaysOnce(setups.retried);
	});

	it('with On Error "Continue (using error output)", finishes with the failed task\'s item on the Error output, the others on the main output', async () => {
		await resumesWithAFailedTaskOnTheErrorOutput(setups.errorOutput);
	});

	it('with Continue On Fail, finishes with an item Kling refused as an error naming its external task ID', async () => {
		await resumesWithARefusedItem(setups.continued);
	});

	it('with Continue On Fail, finishes with an item whose input was refused before any create as an error naming its external task ID', async () => {
		await resumesWithAnItemRefusedBeforeItsCreate(setups.continued);
	});

	it('with Download Images, finishes with the images that main downloaded when Kling called back', async () => {
		await resumesWithDownloadedImages(setups.images);
	});

	it('with Download Video, finishes with the video that main downloaded when Kling called back, named after the video', async () => {
		await resumesWithDownloadedVideo(setups.video);
	});

	it('with Generate Additional Views, waits for the views first, shows viewsTaskId while paused, and finishes with the element', async () => {
		await resumesWithElementFromViews(setups.views);
	});

	it('with Generate Additional Views and the element task failing, finishes with the error naming the views task paid for first', async () => {
		await namesTheViewsOfAFailedElement(setups.views);
	});

	it('answers 404 to a resume URL whose item count was changed, and keeps waiting until the URL as given is called', async () => {
		await refusesAChangedItemCount(setups.single);
	});

	it('with a download that stops half way at the resume, finishes with the item as an error naming its task, without a file', async () => {
		await resumesWithAFailedDownloadAsAnError(setups.video);
	});

	it('finishes with the item as an error naming its task when Kling reports it succeeded without a result', async () => {
		await resumesWithoutAResultAsAnError(setups.single);
	});

	it('finishes at once, without waiting, when Kling is done before the pause', async () => {
		await finishesAtOnceWhenKlingIsQuick(setups.single);
	});

	it('with Continue On Fail and every create refused, finishes at once without waiting, each item with its own error', async () => {
		await finishesAtOnceWithoutTasks(setups.continued);
	});

	it("refuses an item whose Options set a Callback URL, before any request to Kling, naming the item", async () => {
		await refusesAnItemsOwnCallbackUrl(setups.ownCallbackUrl);
	});

	it('refuses a run of more than 10,000 items before any request to Kling', async () => {
		await refusesTooManyItems(setups.batch);
	});
});

describe('Pausing more than once in one execution in a running n8n', () => {
	it("ignores a late callback of the first node's pause while the second waits, and finishes with the second's element", async () => {
		await ignoresALateCallbackOfAnotherNode(setups.twoNodes);
	});

	it("in a loop, ignores a late callback of the node's first round while its second round waits, and finishes each round with its own element", async () => {
		await ignoresALateCallbackOfAnEarlierRound(setups.loop);
	});

	it('refuses a late Kling callback while a later Wait node waits, which then resumes only with its own call', async () => {
		await aLateCallbackDoesNotResumeALaterWaitNode(setups.thenWait);
	});
});

describe('Stopping a polling execution in a running n8n', () => {
	it('leaves its task running on Kling, and n8n records no output or error of the node', async () => {
		const { api, session, server } = ctx.instance;
		sim.injectFault({ when: { product: 'elements', operation: 'create' }, fault: { kind: 'stuck' } });
		const name = `${CREDENTIAL_NAME} (stopped run)`;
		const credential = { id: await api.createCredential(name, { authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: sim.url }), name };
		const create = readExample('create-element.json').nodes.find((node) => node.type === KLING_NODE)!;
		const workflowId = await api.createWorkflow(adaptWorkflow(chainWorkflow('Create an element, then stop', [create], webhookNode('make-element-stopped')), { credential }));
		await api.activate(workflowId, [`${server.url}/webhook/make-element-stopped`]);
		await fetch(`${server.url}/webhook/make-element-stopped`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		// Polling: the task exists and has been read once.
		await waitFor(() => sim.tasks('elements').length === 1 && sim.apiRequests({ method: 'GET', pathIncludes: 'advanced-custom-elements' }).length > 0, { what: 'the task to be polled', timeoutMs: 60_000 });
		const listed = await session.call('GET', `/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`);
		const [running] = listed.data.results as Array<{ id: string; status: string }>;
		expect(running.status).toBe('running');

		await session.call('POST', `/rest/executions/${running.id}/stop`);
		const done = await finished(api, running.id);
		expect(done.status).toBe('canceled');
		// n8n 2.x stores its own cancel as the error; 1.x stores it or none, depending on when the stop lands (both seen).
		// Neither keeps the Kling node's run, nor an error of the node.
		const cancelled = 'The execution was cancelled manually';
		const stored = (done.data?.resultData.error as { message?: string } | undefined)?.message;
		if (n8nMajor(prepared().runtime) >= 2) expect(stored).toBe(cancelled);
		else expect([undefined, cancelled]).toContain(stored);
		expect(done.data?.resultData.runData ?? {}).not.toHaveProperty([create.name]);
		expect(JSON.stringify(done.data)).not.toContain(sim.tasks('elements')[0].taskId);
		expect(sim.tasks('elements').map((task) => task.status)).toEqual(['processing']);
		expect(sim.apiRequests({ method: 'POST' })).toHaveLength(1);
	});
});
