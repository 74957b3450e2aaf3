/**
 * Completion "Pause Until Kling Calls Back" in a running n8n (regular mode): a production execution (started by a
 * Webhook node) creates an element with this execution's resume URL as callback_url, is persisted as `waiting`,
 * and finishes when that URL is called (n8n's WEBHOOK_URL points at itself). The cases are shared with the
 * queue-mode suite (cases/pause.cts).
 */
import { startSimulator, type KlingSimulator } from '../simulator/index.cts';
import { resumesWhenKlingCallsBack, pauseWorkflow, waitsUntilTheResumeUrlIsCalled, type PauseSetup } from './cases/pause.cts';
import { useN8n } from './helpers.cts';
import { CREDENTIAL_NAME } from './runtime/workflows.cts';

const ctx = useN8n('callback');
let sim: KlingSimulator;
let setup: PauseSetup;

beforeAll(async () => {
	// Long enough in "processing" for the execution to be seen waiting; the final callback then resumes it.
	sim = await startSimulator({ timing: { submittedMs: 500, processingMs: 5000 } });
	const { api, server } = ctx.instance;
	const credentialId = await api.createCredential(CREDENTIAL_NAME, { authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: sim.url });
	const workflowId = await api.createWorkflow(pauseWorkflow({ id: credentialId, name: CREDENTIAL_NAME }, 'make-element'));
	const startUrl = `${server.url}/webhook/make-element`;
	await api.activate(workflowId, [startUrl]);
	setup = { api, sim, workflowId, startUrl };
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
});
