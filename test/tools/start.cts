/**
 * `npm start`: the package running in a real n8n, ready to click through.
 *
 * Builds and packs the package, makes sure the n8n runtime is installed (test/e2e/install-n8n.sh), starts the
 * Kling simulator on a fixed port and n8n on 5678 with the package installed from its tarball, as a user
 * installs a community package. Sets up an owner, a "Kling account" credential and the example workflows, then
 * prints the editor URL and login. Ctrl-C stops n8n and the simulator.
 *
 * Real Kling instead of the simulator: set KLING_API_KEY, or KLING_ACCESS_KEY and KLING_SECRET_KEY (and
 * optionally KLING_BASE_URL for a relay or the China region, KLING_WEBHOOK_SECRET for the Kling Trigger); no
 * simulator is started then.
 * Other settings: N8N_PORT (5678), KLING_SIMULATOR_PORT (5679), KLING_START_FOLDER (the user folder, kept between
 * runs; default ~/.cache/n8n-nodes-kling-elements/start-user).
 *
 * `npm run start:queue` (or `npm start -- --queue`): the same in n8n's queue mode, as test/e2e/runtime/queue.cts
 * runs it: a private PostgreSQL and Redis, main on N8N_PORT, two workers and a webhook processor on
 * KLING_WEBHOOK_PORT (5680), where production webhooks and Kling's callbacks go. Manual executions from the editor
 * run on the workers too. The database is new on every start (workflows and credentials are set up again); the
 * logs of every process are in ~/.cache/n8n-nodes-kling-elements/start-queue/logs until the next start.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

import { startSimulator, type KlingSimulator } from '../simulator/index.cts';
import { launchInstance, type Instance } from '../e2e/runtime/instance.cts';
import { packPackage } from '../e2e/runtime/pack.cts';
import { launchQueue, type QueueTopology } from '../e2e/runtime/queue.cts';
import { ensureRuntime, REPO_ROOT } from '../e2e/runtime/runtime.cts';
import { portIsFree } from '../e2e/runtime/wait.cts';
import { adaptWorkflow, CREDENTIAL_NAME, exampleFiles, readExample, type KlingCredentialData } from '../e2e/runtime/workflows.cts';

const QUEUE = process.argv.includes('--queue');
const N8N_PORT = Number(process.env.N8N_PORT ?? 5678);
const SIMULATOR_PORT = Number(process.env.KLING_SIMULATOR_PORT ?? 5679);
const WEBHOOK_PORT = Number(process.env.KLING_WEBHOOK_PORT ?? 5680);
const CACHE = path.join(homedir(), '.cache', 'n8n-nodes-kling-elements');
const USER_FOLDER = path.resolve(process.env.KLING_START_FOLDER ?? path.join(CACHE, 'start-user'));
const QUEUE_FOLDER = path.join(CACHE, 'start-queue');
const GLOBAL_BASE_URL = 'https://api-singapore.klingai.com';
/** The simulator signs its callbacks with this secret; the credential carries it so the Kling Trigger verifies them. */
const SIMULATOR_WEBHOOK_SECRET = 'whsec_' + Buffer.from('n8n-nodes-kling-elements-npm-start').toString('base64');

const say = (line: string) => process.stdout.write(`[start] ${line}\n`);

async function run(command: string, args: string[]): Promise<void> {
	await new Promise<void>((resolve, reject) => {
		const child = spawn(command, args, { cwd: REPO_ROOT, stdio: 'inherit' });
		child.once('error', reject);
		child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
	});
}

/** The credential for real Kling when keys are in the environment, otherwise undefined. */
function realKlingCredential(): KlingCredentialData | undefined {
	const { KLING_API_KEY, KLING_ACCESS_KEY, KLING_SECRET_KEY, KLING_BASE_URL, KLING_WEBHOOK_SECRET = '' } = process.env;
	const region = { ...(KLING_BASE_URL ? { region: 'custom', customBaseUrl: KLING_BASE_URL } : { region: GLOBAL_BASE_URL }), webhookSecret: KLING_WEBHOOK_SECRET };
	if (KLING_API_KEY) return { authType: 'apiKey', apiKey: KLING_API_KEY, ...region };
	if (KLING_ACCESS_KEY || KLING_SECRET_KEY) {
		if (!KLING_ACCESS_KEY || !KLING_SECRET_KEY) throw new Error('Set both KLING_ACCESS_KEY and KLING_SECRET_KEY (or KLING_API_KEY)');
		return { authType: 'keyPair', accessKey: KLING_ACCESS_KEY, secretKey: KLING_SECRET_KEY, ...region };
	}
	return undefined;
}

/** Imports each example that the instance does not have yet (by name), pointed at the "Kling account" credential. */
async function importExamples(instance: Instance, credentialId: string): Promise<string[]> {
	const lines: string[] = [];
	for (const file of exampleFiles()) {
		const example = adaptWorkflow(readExample(file), { credential: { id: credentialId, name: CREDENTIAL_NAME } });
		const [existing] = await instance.api.workflowIdsByName(example.name);
		const id = existing ?? (await instance.api.createWorkflow(example));
		lines.push(`${instance.server.url}/workflow/${id}  ${example.name}${existing ? '' : ' (imported)'}`);
	}
	return lines;
}

/** Where the queue-mode processes are. */
function queueLines(topology: QueueTopology): string[] {
	return [
		`  Webhook processor: ${topology.webhooks[0].url} (Production URLs and Kling's callbacks: N8N_WEBHOOK_URL)`,
		...topology.workers.map((worker, index) => `  Worker ${index + 1}:          pid ${worker.pid}, health ${worker.url}/healthz/readiness`),
		`  PostgreSQL:        127.0.0.1:${topology.postgres.port}, database ${topology.postgres.database}, user ${topology.postgres.user}, password ${topology.postgres.password}`,
		`  Redis:             127.0.0.1:${topology.redis.port}`,
	];
}

async function main(): Promise<void> {
	const real = realKlingCredential();
	const ports: Array<[number, string]> = [[N8N_PORT, 'n8n (N8N_PORT)']];
	if (!real) ports.push([SIMULATOR_PORT, 'the Kling simulator (KLING_SIMULATOR_PORT)']);
	if (QUEUE) ports.push([WEBHOOK_PORT, 'the webhook processor (KLING_WEBHOOK_PORT)']);
	for (const [port, what] of ports) {
		if (!(await portIsFree(port))) throw new Error(`Port ${port} for ${what} is in use: is another npm start running?`);
	}

	say('building the package ...');
	await run('npm', ['run', 'build', '--silent']);
	const tarball = await packPackage(path.join(CACHE, 'start-pack'));
	say(`packed ${path.basename(tarball)}`);
	say('checking the n8n runtime (installs n8n 2.41.1 and Node 24 on first use: several minutes) ...');
	const runtime = await ensureRuntime();

	let sim: KlingSimulator | undefined;
	let instance: Instance | undefined;
	let topology: QueueTopology | undefined;
	let stopping = false;
	const stopN8n = async () => {
		await (topology ?? instance)?.stop();
		await sim?.close();
	};
	const stopAll = async (code: number) => {
		if (stopping) return;
		stopping = true;
		say(`stopping ${QUEUE ? 'n8n, PostgreSQL, Redis' : 'n8n'} and the simulator ...`);
		await stopN8n();
		say('stopped');
		process.exit(code);
	};
	// n8n runs in its own process group (so it finishes its shutdown even when the terminal's Ctrl-C reaches every
	// process in the foreground group at once): this process stops it, on Ctrl-C, kill, or a closed terminal.
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stopAll(0));

	try {
		let credential: KlingCredentialData;
		if (real) {
			credential = real;
		} else {
			sim = await startSimulator({ port: SIMULATOR_PORT, timing: { submittedMs: 2000, processingMs: 8000 }, webhookSecret: SIMULATOR_WEBHOOK_SECRET });
			credential = { authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: sim.url, webhookSecret: SIMULATOR_WEBHOOK_SECRET };
			say(`Kling simulator on ${sim.url}`);
		}
		if (QUEUE) {
			rmSync(QUEUE_FOLDER, { recursive: true, force: true });
			say(`starting PostgreSQL, Redis, n8n main on port ${N8N_PORT}, two workers and a webhook processor on port ${WEBHOOK_PORT} (about a minute) ...`);
			topology = await launchQueue({
				runtime,
				tarball,
				userFolder: path.join(QUEUE_FOLDER, 'user'),
				logDir: path.join(QUEUE_FOLDER, 'logs'),
				mainPort: N8N_PORT,
				webhookPorts: [WEBHOOK_PORT],
				ownGroup: true,
				// n8n 3 always runs manual executions on workers; 2.41 does when asked.
				extraEnv: { OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true' },
			});
			instance = topology.main;
		} else {
			mkdirSync(USER_FOLDER, { recursive: true });
			say(`starting n8n on port ${N8N_PORT} (user folder ${USER_FOLDER}) ...`);
			instance = await launchInstance({ runtime, tarball, userFolder: USER_FOLDER, port: N8N_PORT, ownGroup: true });
		}
		const credentialId = await instance.api.upsertCredential(CREDENTIAL_NAME, credential);
		const workflows = await importExamples(instance, credentialId);
		const target = real ? `real Kling at ${real.customBaseUrl ?? real.region} (${real.authType === 'apiKey' ? 'API key' : 'access key + secret key'})` : `the simulator at ${sim!.url}`;
		process.stdout.write(
			[
				'',
				`  n8n is running:    ${instance.server.url}${topology ? ' (main: editor and public API)' : ''}`,
				...(topology ? queueLines(topology) : []),
				`  Log in with:       ${instance.owner.email} / ${instance.owner.password}`,
				`  Credential:        "${CREDENTIAL_NAME}" → ${target}`,
				'  Example workflows:',
				...workflows.map((line) => `    ${line}`),
				topology ? `  Logs:              ${path.join(QUEUE_FOLDER, 'logs')}/ (main, worker-1, worker-2, webhook-1, postgres, redis)` : `  n8n log:           ${instance.server.logFile}`,
				'',
				`  Press Ctrl-C to stop ${topology ? 'all of them' : sim ? 'n8n and the simulator' : 'n8n'}.`,
				'',
			].join('\n') + '\n',
		);
		const n8nProcesses = topology ? [topology.main.server, ...topology.workers, ...topology.webhooks] : [instance.server];
		await Promise.race(n8nProcesses.map((server) => server.exited.then(() => server)));
		if (!stopping) {
			say(`an n8n process exited unexpectedly; see ${topology ? path.join(QUEUE_FOLDER, 'logs') : instance.server.logFile}`);
			await stopAll(1);
		}
	} catch (error) {
		await stopN8n();
		throw error;
	}
}

main().catch((error: Error) => {
	process.stderr.write(`[start] ${error.message}\n`);
	process.exit(1);
});
