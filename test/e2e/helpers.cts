/**
 * What every e2e test file shares: a real n8n of its own (fresh user folder, free port) for the whole file, or
 * a queue-mode topology of its own (test/e2e/queue).
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { startSimulator, type KlingSimulator } from '../simulator/index.cts';
import { launchInstance, type Instance } from './runtime/instance.cts';
import { launchQueue, type QueueOptions, type QueueTopology } from './runtime/queue.cts';
import { REPO_ROOT, type Runtime } from './runtime/runtime.cts';
import { freePort } from './runtime/wait.cts';
import { adaptWorkflow, CREDENTIAL_NAME, executeWorkflow, importWorkflows, type WorkflowJson } from './runtime/workflows.cts';

/** The runtime and tarball that globalSetup prepared. */
export function prepared(): { runtime: Runtime; tarball: string } {
	const runtime = process.env.KLING_E2E_RUNTIME;
	const tarball = process.env.KLING_E2E_TARBALL;
	if (!runtime || !tarball) throw new Error('Run the e2e tests through jest (npx jest --selectProjects e2e): globalSetup prepares n8n');
	return { runtime: JSON.parse(runtime) as Runtime, tarball };
}

const RESULTS = path.join(REPO_ROOT, 'test-results');

/**
 * Launches n8n before the file's tests and stops it afterwards. n8n's log is copied to
 * test-results/e2e/<name>.log either way. `restart()` stops n8n and starts it again on the same user folder
 * and port, as an administrator's restart would.
 */
export function useN8n(name: string): { readonly instance: Instance; restart(): Promise<void> } {
	let userFolder = '';
	let port = 0;
	const holder = {
		instance: undefined as unknown as Instance,
		async restart() {
			await holder.instance.stop();
			holder.instance = await launchInstance({ ...prepared(), userFolder, port });
		},
	};
	beforeAll(async () => {
		userFolder = mkdtempSync(path.join(tmpdir(), `kling-e2e-${name}-`));
		port = await freePort();
		holder.instance = await launchInstance({ ...prepared(), userFolder, port });
	});
	afterAll(async () => {
		await holder.instance?.stop();
		if (!userFolder) return;
		mkdirSync(path.join(RESULTS, 'e2e'), { recursive: true });
		try {
			copyFileSync(path.join(userFolder, 'n8n.log'), path.join(RESULTS, 'e2e', `${name}.log`));
		} catch {
			// n8n never started: launchInstance's error has the log tail
		}
		rmSync(userFolder, { recursive: true, force: true });
	});
	return holder;
}

/**
 * useN8n, with a Kling simulator for the file (reset before each test) and the credential "Kling account" pointing at
 * it. `run` imports a workflow with that credential and executes it with `n8n execute`, returning the run.
 */
export function useSimulatedKling(name: string): { readonly instance: Instance; readonly sim: KlingSimulator; run(workflow: WorkflowJson): Promise<any> } {
	const ctx = useN8n(name);
	let credential = { id: '', name: CREDENTIAL_NAME };
	const holder = {
		get instance() {
			return ctx.instance;
		},
		sim: undefined as unknown as KlingSimulator,
		async run(workflow: WorkflowJson) {
			const [id] = await importWorkflows(ctx.instance.cli, [adaptWorkflow(workflow, { credential })]);
			return (await executeWorkflow(ctx.instance.cli, id)).run;
		},
	};
	beforeAll(async () => {
		holder.sim = await startSimulator({ timing: { submittedMs: 100, processingMs: 200 } });
		const id = await ctx.instance.api.createCredential(CREDENTIAL_NAME, { authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: holder.sim.url });
		credential = { id, name: CREDENTIAL_NAME };
	});
	afterAll(async () => {
		await holder.sim?.close();
	});
	beforeEach(() => holder.sim.reset());
	return holder;
}

/**
 * Launches a queue-mode topology (PostgreSQL, Redis, main, workers, webhook processors) before the file's tests
 * and stops every process of it afterwards. Their logs are copied to test-results/e2e-queue/<name>/.
 */
export function useQueue(name: string, options: Pick<QueueOptions, 'workers' | 'webhookProcessors' | 'workerConcurrency'> = {}): { readonly topology: QueueTopology } {
	const holder = {} as { topology: QueueTopology };
	let folder = '';
	beforeAll(async () => {
		folder = mkdtempSync(path.join(tmpdir(), `kling-queue-${name}-`));
		const logDir = path.join(folder, 'logs');
		holder.topology = await launchQueue({ ...prepared(), ...options, userFolder: path.join(folder, 'user'), logDir });
	}, 600_000);
	afterAll(async () => {
		await holder.topology?.stop();
		if (!folder) return;
		const logs = path.join(folder, 'logs');
		const kept = path.join(RESULTS, 'e2e-queue', name);
		rmSync(kept, { recursive: true, force: true });
		if (existsSync(logs)) cpSync(logs, kept, { recursive: true });
		rmSync(folder, { recursive: true, force: true });
	});
	return holder;
}
