/**
 * One real n8n with the package installed from its tarball, an owner, and an API key: what both the e2e tests
 * and `npm start` need before they do their own part.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import { DEFAULT_OWNER, PublicApi, Session, type Owner } from './api.cts';
import { startN8n, type N8nOptions, type N8nServer } from './n8n.cts';
import { installTarball } from './pack.cts';
import { n8nMajor, type Runtime } from './runtime.cts';

export interface Instance {
	server: N8nServer;
	session: Session;
	api: PublicApi;
	owner: Owner;
	/** For CLI commands (import:workflow, execute) against the same user folder. */
	cli: N8nOptions & { workDir: string };
	stop(): Promise<void>;
}

export interface LaunchOptions {
	runtime: Runtime;
	tarball: string;
	/** Kept between runs by npm start; a fresh temporary folder for each test file. */
	userFolder: string;
	port: number;
	owner?: Owner;
	extraEnv?: Record<string, string>;
	/** Run n8n in its own process group (npm start stops it itself on Ctrl-C). */
	ownGroup?: boolean;
	/** Default <userFolder>/n8n.log. */
	logFile?: string;
}

export async function launchInstance(options: LaunchOptions): Promise<Instance> {
	const { runtime, userFolder, port } = options;
	const workDir = path.join(userFolder, 'work');
	mkdirSync(workDir, { recursive: true });
	await installTarball(options.tarball, userFolder);
	const n8nOptions: N8nOptions = { runtime, userFolder, port, extraEnv: options.extraEnv };
	const server = await startN8n({ ...n8nOptions, logFile: options.logFile ?? path.join(userFolder, 'n8n.log'), ownGroup: options.ownGroup });
	try {
		const owner = options.owner ?? DEFAULT_OWNER;
		const session = await Session.ownerLogin(server.url, owner);
		const api = new PublicApi(server.url, await session.createApiKey(), n8nMajor(runtime) < 2 ? session : undefined);
		return { server, session, api, owner, cli: { ...n8nOptions, workDir }, stop: () => server.stop() };
	} catch (error) {
		await server.stop();
		throw error;
	}
}
