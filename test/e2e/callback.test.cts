/**
 * Completion "Pause Until Kling Calls Back" in a running n8n (regular mode): a production execution (started by a
 * Webhook node) creates an element with this execution's resume URL as callback_url, is persisted as `waiting`,
 * and finishes when that URL is called (n8n's WEBHOOK_URL points at itself). With several items it waits for the
 * last task, and a task that failed comes out as an item with its error. The cases are shared with the queue-mode
 * suite (cases/pause.cts).
 */
import { startSimulator, type KlingSimulator } from '../simulator/index.cts';
import {
	keepsWaitingForTheLastItem,
	pauseBatchWorkflow,
	pauseWorkflow,
	resumesWhenKlingCallsBack,
	resumesWithEveryItem,
	waitsUntilTheResumeUrlIsCalled,
	type PauseSetup,
} from './cases/pause.cts';
import { useN8n } from './helpers.cts';
import { CREDENTIAL_NAME } from './runtime/workflows.cts';

const ctx = useN8n('callback');
let sim: KlingSimulator;
let setup: PauseSetup;
let batchSetup: PauseSetup;

beforeAll(async () => {
	// Long enough in "processing" for the execution to be seen waiting; the final callback then resumes it.
	sim = await startSimulator({ timing: { submittedMs: 500, processingMs: 5000 } });
	const { api, server } = ctx.instance;
	const credentialId = await api.createCredential(CREDENTIAL_NAME, { authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: sim.url });
	const credential = { id: credentialId, name: CREDENTIAL_NAME };
	const workflowId = await api.createWorkflow(pauseWorkflow(credential, 'make-element'));
	const startUrl = `${server.url}/webhook/make-element`;
	const batchWorkflowId = await api.createWorkflow(pauseBatchWorkflow(credential, 'make-elements'));
	const batchStartUrl = `${server.url}/webhook/make-elements`;
	await api.activate(workflowId, [startUrl]);
	await api.activate(batchWorkflowId, [batchStartUrl]);
	setup = { api, sim, workflowId, startUrl };
	batchSetup = { api, sim, workflowId: batchWorkflowId, startUrl: batchStartUrl };
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

	it('with several items, continues once the last task is final, a failed task as an item with its error', async () => {
		await resumesWithEveryItem(batchSetup);
	});

	it('with several items, answers the final callback of one and keeps waiting while another task runs', async () => {
		await keepsWaitingForTheLastItem(batchSetup);
	});
});
