/**
 * n8n in queue mode (guide §17): a private PostgreSQL and Redis, one main (editor, public API, production webhook
 * registration), workers that run the executions, and webhook processors that receive production and resume
 * (webhook-waiting) calls. All share one user folder, encryption key, database and Redis; binary data is kept
 * in the database, which every process reads. N8N_WEBHOOK_URL points at the first webhook processor, so the
 * resume URLs that workers hand to Kling reach it.
 */
import path from 'node:path';

import { launchInstance, type Instance } from './instance.cts';
import { startN8n, type N8nServer } from './n8n.cts';
import { startPostgres, type Postgres } from './postgres.cts';
import { startRedis, type Redis } from './redis.cts';
import type { Runtime } from './runtime.cts';
import { freePort } from './wait.cts';

export interface QueueOptions {
	runtime: Runtime;
	tarball: string;
	userFolder: string;
	/** Logs of every process go here. */
	logDir: string;
	workers?: number;
	webhookProcessors?: number;
	/** Each worker's `--concurrency` (n8n's default is 10). */
	workerConcurrency?: number;
	/** Fixed ports (npm run start:queue); free ones otherwise. */
	mainPort?: number;
	webhookPorts?: number[];
	/** Own process groups: npm run start:queue stops them itself on Ctrl-C. */
	ownGroup?: boolean;
	extraEnv?: Record<string, string>;
}

export interface QueueProcess {
	role: string;
	pid: number;
	logFile: string;
}

export interface QueueTopology {
	/** main: its server, owner session and public API, and the CLI settings for its user folder. */
	main: Instance;
	workers: N8nServer[];
	webhooks: N8nServer[];
	postgres: Postgres;
	redis: Redis;
	/** Every process started, in start order. */
	processes(): QueueProcess[];
	/** Stops n8n's processes (webhook processors and workers first, main last), then Redis and PostgreSQL. */
	stop(): Promise<void>;
}

async function startWorker(options: QueueOptions, env: Record<string, string>, index: number): Promise<N8nServer> {
	const healthPort = await freePort();
	return await startN8n({
		runtime: options.runtime,
		userFolder: options.userFolder,
		// A worker serves no HTTP of n8n's own: only its health check, on this port.
		port: healthPort,
		extraEnv: { ...env, QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(healthPort), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' },
		command: ['worker', `--concurrency=${options.workerConcurrency ?? 10}`],
		logFile: path.join(options.logDir, `worker-${index + 1}.log`),
		ownGroup: options.ownGroup,
	});
}

async function startWebhookProcessor(options: QueueOptions, env: Record<string, string>, port: number, index: number): Promise<N8nServer> {
	return await startN8n({
		runtime: options.runtime,
		userFolder: options.userFolder,
		port,
		extraEnv: env,
		command: ['webhook'],
		logFile: path.join(options.logDir, `webhook-${index + 1}.log`),
		ownGroup: options.ownGroup,
	});
}

export async function launchQueue(options: QueueOptions): Promise<QueueTopology> {
	const started: Array<{ role: string; pid: number; logFile: string; stop(): Promise<void> }> = [];
	const stopAll = async () => {
		for (const process of [...started].reverse()) await process.stop();
	};
	try {
		const [postgres, redis] = await Promise.all([
			startPostgres({ logFile: path.join(options.logDir, 'postgres.log'), ownGroup: options.ownGroup }),
			startRedis(path.join(options.logDir, 'redis'), { ownGroup: options.ownGroup }),
		]);
		started.push({ role: 'postgres', ...postgres }, { role: 'redis', ...redis });

		const mainPort = options.mainPort ?? (await freePort());
		const webhookPorts = options.webhookPorts ?? (await Promise.all(Array.from({ length: options.webhookProcessors ?? 1 }, () => freePort())));
		const env: Record<string, string> = {
			...postgres.n8nEnv,
			...redis.n8nEnv,
			EXECUTIONS_MODE: 'queue',
			N8N_DEFAULT_BINARY_DATA_MODE: 'database',
			N8N_WEBHOOK_URL: `http://127.0.0.1:${webhookPorts[0]}/`,
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${mainPort}/`,
			...options.extraEnv,
		};
		// main first: it runs the database migrations that the others wait for.
		const main = await launchInstance({ ...options, port: mainPort, extraEnv: env, logFile: path.join(options.logDir, 'main.log') });
		started.push({ role: 'main', pid: main.server.pid, logFile: main.server.logFile, stop: main.stop });

		const workers = Array.from({ length: options.workers ?? 2 }, (_, index) => startWorker(options, env, index));
		const webhooks = webhookPorts.map((port, index) => startWebhookProcessor(options, env, port, index));
		const settled = await Promise.allSettled([...workers, ...webhooks]);
		settled.forEach((result, index) => {
			const role = index < workers.length ? `worker-${index + 1}` : `webhook-${index - workers.length + 1}`;
			if (result.status === 'fulfilled') started.push({ role, pid: result.value.pid, logFile: result.value.logFile, stop: result.value.stop });
		});
		const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
		if (failed) throw failed.reason;
		const servers = settled.map((result) => (result as PromiseFulfilledResult<N8nServer>).value);

		return {
			main,
			workers: servers.slice(0, workers.length),
			webhooks: servers.slice(workers.length),
			postgres,
			redis,
			processes: () => started.map(({ role, pid, logFile }) => ({ role, pid, logFile })),
			stop: stopAll,
		};
	} catch (error) {
		await stopAll();
		throw error;
	}
}
