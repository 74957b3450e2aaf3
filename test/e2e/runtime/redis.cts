/**
 * A private Redis for queue mode: Debian's `redis-server` on a free loopback port, nothing saved to disk, run as
 * a child process and stopped by its PID (SIGTERM).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';

import { processHandle, tail } from './n8n.cts';
import { freePort, waitFor } from './wait.cts';

export interface Redis {
	port: number;
	pid: number;
	logFile: string;
	/** n8n's settings for this Redis. */
	n8nEnv: Record<string, string>;
	stop(): Promise<void>;
}

/** Sends PING and resolves with the first line of the answer. */
function ping(port: number): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = connect(port, '127.0.0.1');
		socket.setTimeout(2000, () => socket.destroy(new Error('no answer')));
		socket.once('error', reject);
		socket.once('data', (data) => {
			resolve(data.toString().split('\r\n')[0]);
			socket.end();
		});
		socket.write('PING\r\n');
	});
}

export async function startRedis(dir: string, options: { ownGroup?: boolean } = {}): Promise<Redis> {
	mkdirSync(dir, { recursive: true });
	const port = await freePort();
	const logFile = path.join(dir, 'redis.log');
	const log = openSync(logFile, 'a');
	const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', ''];
	const child = spawn(process.env.KLING_REDIS_SERVER ?? 'redis-server', args, { stdio: ['ignore', log, log], detached: options.ownGroup === true });
	closeSync(log);
	const spawned = new Promise<void>((resolve, reject) => {
		child.once('spawn', resolve);
		child.once('error', (error) => reject(new Error(`redis-server did not start (${error.message}): apt-get install redis-server`)));
	});
	await spawned;
	const handle = processHandle(child, options.ownGroup === true);
	try {
		const outcome = await waitFor(
			async () => (!handle.running() ? 'exited' : (await ping(port)) === '+PONG' && 'ready'),
			{ what: `Redis on port ${port}`, timeoutMs: 30_000, intervalMs: 100 },
		);
		if (outcome === 'exited') throw new Error(`redis-server exited before it was ready. Log tail:\n${tail(logFile)}`);
	} catch (error) {
		await handle.stop();
		throw error;
	}
	return {
		port,
		pid: child.pid!,
		logFile,
		n8nEnv: { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) },
		stop: handle.stop,
	};
}
