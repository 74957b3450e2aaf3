/**
 * A private PostgreSQL cluster for queue mode: Debian's `postgresql` binaries, `initdb` into a folder of ours, the
 * server on a free loopback port (no Unix socket), one database for n8n with a password. Started as a child
 * process, so it is stopped by its PID (SIGINT: PostgreSQL's fast shutdown), and its folder is removed then.
 * Postgres refuses to run as root: under root the cluster belongs to, and runs as, the `postgres` user that
 * Debian's package creates, in a folder of its own under the system's temporary folder (which that user can reach).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { processHandle, tail } from './n8n.cts';
import { freePort, waitFor } from './wait.cts';

const run = promisify(execFile);

export interface Postgres {
	port: number;
	database: string;
	user: string;
	password: string;
	pid: number;
	logFile: string;
	/** n8n's settings for this database. */
	n8nEnv: Record<string, string>;
	stop(): Promise<void>;
}

/** The newest /usr/lib/postgresql/<version>/bin (Debian), or KLING_PG_BIN. */
export function postgresBinDir(): string {
	if (process.env.KLING_PG_BIN) return process.env.KLING_PG_BIN;
	const base = '/usr/lib/postgresql';
	const versions = existsSync(base) ? readdirSync(base).filter((name) => existsSync(path.join(base, name, 'bin', 'initdb'))) : [];
	const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
	if (!newest) throw new Error('No PostgreSQL server in /usr/lib/postgresql: apt-get install postgresql (or set KLING_PG_BIN)');
	return path.join(base, newest, 'bin');
}

/** Under root, the uid and gid of the `postgres` user, for the server's files and processes. */
async function serverUser(): Promise<{ uid: number; gid: number } | undefined> {
	if (process.getuid?.() !== 0) return undefined;
	const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
	return { uid: await id('-u'), gid: await id('-g') };
}

/** Creates a cluster and starts it; resolves once the n8n database exists. The server's output goes to `logFile`. */
export async function startPostgres(options: { logFile: string; ownGroup?: boolean }): Promise<Postgres> {
	const bin = postgresBinDir();
	const owner = await serverUser();
	const dir = mkdtempSync(path.join(tmpdir(), 'kling-postgres-'));
	const dataDir = path.join(dir, 'data');
	const passwordFile = path.join(dir, 'password');
	const user = 'n8n';
	const password = randomBytes(12).toString('hex');
	writeFileSync(passwordFile, password);
	if (owner) for (const file of [dir, passwordFile]) chownSync(file, owner.uid, owner.gid);
	const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
	const removeFolder = () => rmSync(dir, { recursive: true, force: true });

	try {
		await run(path.join(bin, 'initdb'), ['-D', dataDir, '-U', user, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync'], asOwner);
	} catch (error) {
		removeFolder();
		throw error;
	}
	const port = await freePort();
	const { logFile } = options;
	const log = openSync(logFile, 'a');
	const settings = {
		listen_addresses: '127.0.0.1',
		port: String(port),
		unix_socket_directories: '',
		// A throw-away cluster: durability buys nothing, and writes are most of n8n's database time.
		fsync: 'off',
		synchronous_commit: 'off',
		full_page_writes: 'off',
		shared_buffers: '32MB',
		max_connections: '100',
	};
	const args = ['-D', dataDir, ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])];
	const child = spawn(path.join(bin, 'postgres'), args, { stdio: ['ignore', log, log], detached: options.ownGroup === true, ...asOwner });
	closeSync(log);
	const handle = processHandle(child, options.ownGroup === true, 'SIGINT');
	const database = 'n8n';
	const client = { env: { ...process.env, PGPASSWORD: password } };
	try {
		const outcome = await waitFor(
			async () => {
				if (!handle.running()) return 'exited';
				await run(path.join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', 'postgres']);
				return 'ready';
			},
			{ what: `PostgreSQL on port ${port}`, timeoutMs: 60_000, intervalMs: 100 },
		);
		if (outcome === 'exited') throw new Error(`postgres exited before it was ready. Log tail:\n${tail(logFile)}`);
		await run(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', user, database], client);
	} catch (error) {
		await handle.stop();
		removeFolder();
		throw error;
	}
	return {
		port,
		database,
		user,
		password,
		pid: child.pid!,
		logFile,
		n8nEnv: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: database,
			DB_POSTGRESDB_USER: user,
			DB_POSTGRESDB_PASSWORD: password,
		},
		async stop() {
			await handle.stop();
			removeFolder();
		},
	};
}
