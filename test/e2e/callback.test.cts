/**
 * Completion "Pause Until Kling Calls Back" in a running n8n (regular mode): a production execution (started by a
 * Webhook node) creates an element with this execution's resume URL as callback_url, is persisted as `waiting`,
 * and finishes when that URL is called (n8n's WEBHOOK_URL points at itself). With several items it waits for the
 * last task, a task that failed comes out as an item with its error, and Retry On Fail pays for no task twice. The
 * cases are shared with the queue-mode suite (cases/pause.cts).
 */
import { startSimulator, type KlingSimulator } from '../simulator/index.cts';
import {
	activatePauseWorkflows,
	ignoresAForgedCallback,
	keepsWaitingForTheLastItem,
	keepsWaitingWhileKlingCannotBeRead,
	resumesWhenKlingCallsBack,
	resumesWithARefusedItem,
	resumesWithDownloadedImages,
	resumesWithEveryItem,
	retriedBatchPaysOnce,
	waitsUntilTheResumeUrlIsCalled,
	type PauseSetup,
} from './cases/pause.cts';
import { useN8n } from './helpers.cts';

const ctx = useN8n('callback');
let sim: KlingSimulator;
let setup: PauseSetup;
let batchSetup: PauseSetup;
let retriedSetup: PauseSetup;
let continuedSetup: PauseSetup;
let imagesSetup: PauseSetup;

beforeAll(async () => {
	// Long enough in "processing" for the execution to be seen waiting; the final callback then resumes it.
	sim = await startSimulator({ timing: { submittedMs: 500, processingMs: 5000 } });
	({ single: setup, batch: batchSetup, retried: retriedSetup, continued: continuedSetup, images: imagesSetup } = await activatePauseWorkflows(ctx.instance.api, sim, ctx.instance.server.url));
});

afterAll(async () => {
	await sim?.close();
});

beforeEach(() => sim.reset());

describe('Pause Until Kling Calls Back in a running n8n', () => {
	it('waits, then finishes with the element when Kling calls the resume URL', async () => {
		await resumesWhenKlingCallsBack(setup, ctx.instance.server.url);
	});

	it('with the callbacks lost, keeps waiting after the task finished, and finishes with the element when the resume URL is called later', async () => {
		await waitsUntilTheResumeUrlIsCalled(setup);
	});

	it('keeps waiting, showing the task, when a forged final callback comes while the task still runs', async () => {
		await ignoresAForgedCallback(setup);
	});

	it('answers 503 and keeps waiting when Kling cannot be read at a callback, then resumes at the next one', async () => {
		await keepsWaitingWhileKlingCannotBeRead(setup);
	});

	it('with several items, continues once the last task is final, a failed task as an item with its error', async () => {
		await resumesWithEveryItem(batchSetup);
	});

	it('with several items, answers the final callback of one and keeps waiting while another task runs', async () => {
		await keepsWaitingForTheLastItem(batchSetup);
	});

	it("with Retry On Fail, takes over the first try's task on the second try, pauses, and finishes with every item", async () => {
		await retriedBatchPaysOnce(retriedSetup);
	});

	it('with Continue On Fail, finishes with an item Kling refused as an error naming its external task ID', async () => {
		await resumesWithARefusedItem(continuedSetup);
	});

	it('with Download Images, finishes with the images that main downloaded when Kling called back', async () => {
		await resumesWithDownloadedImages(imagesSetup);
	});
});
