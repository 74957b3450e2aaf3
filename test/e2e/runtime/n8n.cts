/**
 * Starts and stops real n8n processes with a hermetic environment (guide §15.3): their own user folder, HOME set
 * to it (nothing touches ~/.n8n), loopback only, no telemetry, fixed encryption key. Output goes to a log file,
 * never into a pipe.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { n8nMajor, type Runtime } from './runtime.cts';
import { freePort, waitFor } from './wait.cts';

/** Fixed, so a user folder stays readable across restarts (npm start) and runs. */
export const ENCRYPTION_KEY = 'kling-e2e-fixed-encryption-key';

export interface N8nOptions {
	runtime: Runtime;
	userFolder: string;
	/** Main HTTP port; N8N_WEBHOOK_URL points at it so resume and webhook URLs reach this instance. */
	port: number;
	extraEnv?: Record<string, string>;
}

/** The whole environment of an n8n child: built from scratch, only PATH and locale come from ours. */
export async function hermeticEnv(options: N8nOptions): Promise<NodeJS.ProcessEnv> {
	const { runtime, userFolder, port } = options;
	return {
		PATH: `${runtime.nodeBinDir}${path.delimiter}${process.env.PATH ?? '/usr/bin:/bin'}`,
		LANG: process.env.LANG ?? 'C.UTF-8',
		TMPDIR: process.env.TMPDIR ?? '/tmp',
		HOME: userFolder,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		N8N_HOST: '127.0.0.1',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		// The base of production, test and resume (webhook-waiting) URLs: N8N_WEBHOOK_URL in 2.x, WEBHOOK_URL in 1.x.
		[n8nMajor(runtime) >= 2 ? 'N8N_WEBHOOK_URL' : 'WEBHOOK_URL']: `http://127.0.0.1:${port}/`,
		N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}/`,
		// The JS task runner's broker listens on 5679 by default: give each process its own free port.
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_SECURE_COOKIE: 'false',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		// mcp-registry exists only in 2.x (1.x refuses unknown module names at startup: UnknownModuleError).
		...(n8nMajor(runtime) >= 2 ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
		// n8n 1.123.x defaults to the `vm` expression engine, whose isolated-vm 6 needs Node >= 22 (no Node 20 build):
		// on the machine's Node 20, n8n 1.x starts only with the deprecated `legacy` engine.
		...(n8nMajor(runtime) < 2 ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		// Stops the editor's fetch of n8n's vetted-package list from api.n8n.io; installed packages load regardless.
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
		...options.extraEnv,
	};
}

export interface N8nServer {
	url: string;
	port: number;
	logFile: string;
	/** The n8n process (its task runner is a child of it). */
	pid: number;
	/** Resolves when the process exits, for whatever reason. */
	exited: Promise<void>;
	stop(): Promise<void>;
}

export function tail(file: string, lines = 40): string {
	try {
		return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

/**
 * How a started n8n is ended. In its own process group (npm start), one signal reaches n8n and its task
 * runners and a terminal's Ctrl-C reaches only us, so we stop it in order; otherwise (tests) it shares our
 * group, so an interrupted test run interrupts n8n too. Either way, if this process exits without stopping it,
 * it is killed on the way out. Postgres and Redis are ended the same way, each with the signal it shuts down
 * cleanly on (`stopSignal`).
 */
export function processHandle(child: ChildProcess, ownGroup: boolean, stopSignal: NodeJS.Signals = 'SIGTERM') {
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const running = () => child.exitCode === null && child.signalCode === null && child.pid !== undefined;
	const signal = (name: NodeJS.Signals) => {
		try {
			if (running()) process.kill(ownGroup ? -child.pid! : child.pid!, name);
		} catch {
			// already gone
		}
	};
	const killOnExit = () => signal('SIGKILL');
	process.once('exit', killOnExit);
	void exited.then(() => process.removeListener('exit', killOnExit));
	return {
		exited,
		running,
		/** `stopSignal` (SIGTERM), then SIGKILL if it is still running after a deadline. */
		async stop(): Promise<void> {
			if (!running()) return;
			signal(stopSignal);
			const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 20_000).unref());
			if ((await Promise.race([exited, timer])) === 'timeout') {
				signal('SIGKILL');
				await exited;
			}
		},
	};
}

export interface StartOptions extends N8nOptions {
	logFile: string;
	readyTimeoutMs?: number;
	ownGroup?: boolean;
	/** `start` (default), or in queue mode `worker` or `webhook`, with their flags (e.g. --concurrency=5). */
	command?: string[];
	/** Where readiness is asked; default <url>/healthz/readiness (a worker answers on QUEUE_HEALTH_CHECK_PORT). */
	readyUrl?: string;
}

/** `n8n start` (or another server command); resolves once its readiness URL answers 200. */
export async function startN8n(options: StartOptions): Promise<N8nServer> {
	mkdirSync(path.dirname(options.logFile), { recursive: true });
	const log = openSync(options.logFile, 'a');
	const child = spawn(options.runtime.node, [options.runtime.n8nBin, ...(options.command ?? ['start'])], {
		cwd: options.userFolder,
		env: await hermeticEnv(options),
		stdio: ['ignore', log, log],
		detached: options.ownGroup === true,
	});
	closeSync(log);
	const handle = processHandle(child, options.ownGroup === true);
	const url = `http://127.0.0.1:${options.port}`;
	const server: N8nServer = { url, port: options.port, logFile: options.logFile, pid: child.pid!, exited: handle.exited, stop: handle.stop };
	const readyUrl = options.readyUrl ?? `${url}/healthz/readiness`;
	try {
		const outcome = await waitFor(
			async () => {
				if (!handle.running()) return 'exited';
				const response = await fetch(readyUrl, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
				if (response?.status !== 200) return undefined;
				// n8n 1.x answers readiness before its migrations ran and its REST routes exist: wait for those too.
				if (n8nMajor(options.runtime) >= 2) return 'ready';
				const settings = await fetch(`${url}/rest/settings`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
				return settings?.status === 200 ? 'ready' : undefined;
			},
			{ what: `n8n ${(options.command ?? ['start'])[0]} at ${readyUrl} to be ready`, timeoutMs: options.readyTimeoutMs ?? 120_000, intervalMs: 250 },
		).catch((error: Error) => {
			throw new Error(`${error.message}. Log tail:\n${tail(options.logFile)}`);
		});
		if (outcome === 'exited') {
			throw new Error(`n8n exited (${child.exitCode ?? child.signalCode}) before it was ready. Log tail:\n${tail(options.logFile)}`);
		}
	} catch (error) {
		await server.stop();
		throw error;
	}
	return server;
}

export interface CliResult {
	code: number;
	/** Everything the command printed (stdout and stderr, interleaved), read back from its log file. */
	output: string;
}

/** Runs one n8n CLI command (import:workflow, execute, ...) against a user folder; output goes to `logFile`. */
export async function runCli(options: N8nOptions & { args: string[]; logFile: string; timeoutMs?: number }): Promise<CliResult> {
	mkdirSync(path.dirname(options.logFile), { recursive: true });
	const log = openSync(options.logFile, 'w');
	const child = spawn(options.runtime.node, [options.runtime.n8nBin, ...options.args], {
		cwd: options.userFolder,
		env: await hermeticEnv(options),
		stdio: ['ignore', log, log],
	});
	closeSync(log);
	const handle = processHandle(child, false);
	const code = new Promise<number>((resolve) => child.once('exit', (exitCode) => resolve(exitCode ?? 1)));
	const timeoutMs = options.timeoutMs ?? 180_000;
	const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
	const outcome = await Promise.race([code, timer]);
	if (outcome === 'timeout') {
		await handle.stop();
		throw new Error(`n8n ${options.args.join(' ')} did not finish within ${timeoutMs} ms. Log tail:\n${tail(options.logFile)}`);
	}
	return { code: outcome, output: readFileSync(options.logFile, 'utf8') };
}
