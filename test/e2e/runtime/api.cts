/**
 * n8n's HTTP surface as a user or script meets it: owner setup and login on the internal /rest API (cookie plus
 * the same browser-id header on every call), an API key, then everything else on the public API (/api/v1) with
 * the X-N8N-API-KEY header.
 */
import { randomUUID } from 'node:crypto';

import { waitFor } from './wait.cts';

export interface Owner {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export const DEFAULT_OWNER: Owner = { email: 'owner@example.com', password: 'Kling-n8n-2025', firstName: 'Kling', lastName: 'Tester' };

async function request(url: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: any }> {
	const headers = new Headers(init.headers);
	if (init.json !== undefined) headers.set('content-type', 'application/json');
	const sent = init.json !== undefined ? JSON.stringify(init.json) : init.body;
	const response = await fetch(url, { signal: AbortSignal.timeout(60_000), ...init, headers, body: sent });
	const text = await response.text();
	try {
		return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
	} catch {
		return { status: response.status, body: text };
	}
}

function expectOk(what: string, result: { status: number; body: unknown }): any {
	if (result.status < 200 || result.status > 299) {
		throw new Error(`${what} answered HTTP ${result.status}: ${JSON.stringify(result.body).slice(0, 500)}`);
	}
	return result.body;
}

/** A logged-in browser-like session on the internal API. */
export class Session {
	private constructor(
		readonly baseUrl: string,
		private readonly cookie: string,
		private readonly browserId: string,
	) {}

	/** Creates the owner on a fresh instance (skipped when one exists), then logs in. */
	static async ownerLogin(baseUrl: string, owner: Owner = DEFAULT_OWNER): Promise<Session> {
		const settings = expectOk('GET /rest/settings', await request(`${baseUrl}/rest/settings`));
		if (settings.data?.userManagement?.showSetupOnFirstLoad) {
			expectOk('POST /rest/owner/setup', await request(`${baseUrl}/rest/owner/setup`, { method: 'POST', json: owner }));
		}
		const browserId = randomUUID();
		const response = await fetch(`${baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': browserId },
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
		});
		if (response.status !== 200) throw new Error(`POST /rest/login answered HTTP ${response.status}: ${await response.text()}`);
		const cookie = response.headers
			.getSetCookie()
			.map((line) => line.split(';')[0])
			.find((pair) => pair.startsWith('n8n-auth='));
		if (!cookie) throw new Error('POST /rest/login set no n8n-auth cookie');
		return new Session(baseUrl, cookie, browserId);
	}

	async call(method: string, path: string, json?: unknown): Promise<any> {
		const result = await request(`${this.baseUrl}${path}`, { method, json, headers: { cookie: this.cookie, 'browser-id': this.browserId } });
		return expectOk(`${method} ${path}`, result);
	}

	/** An API key with every scope the owner may have. */
	async createApiKey(label = `kling-${Date.now()}`): Promise<string> {
		const scopes = (await this.call('GET', '/rest/api-keys/scopes')).data as string[];
		const created = await this.call('POST', '/rest/api-keys', { label, scopes, expiresAt: null });
		return created.data.rawApiKey as string;
	}
}

export interface Execution {
	id: string;
	workflowId: string;
	status: string;
	finished: boolean;
	mode: string;
	startedAt?: string;
	stoppedAt?: string | null;
	/** When n8n resumes a waiting execution by itself; WAIT_INDEFINITELY (year 3000) when only a resume call does. */
	waitTill?: string | null;
	data?: { resultData: { runData: Record<string, Array<{ data?: { main: Array<Array<{ json: any; binary?: any }>> } }>>; error?: unknown } };
}

/** The public API, authenticated with an API key. */
export class PublicApi {
	constructor(
		readonly baseUrl: string,
		private readonly apiKey: string,
		/**
		 * n8n 1.x only: its public API cannot create a Kling credential. POST /api/v1/credentials validates `data`
		 * against a JSON schema built from the credential's displayOptions, and 1.x keys the conditions by field
		 * name only (2.x: name and value), so apiKey (authType=apiKey) and accessKey/secretKey (authType=keyPair)
		 * all end up required together and no data passes. There credentials are created like the editor does, and
		 * executions are listed like the editor does too (1.x's public API lists no running or waiting one).
		 */
		private readonly legacySession?: Session,
	) {}

	async call(method: string, path: string, json?: unknown): Promise<any> {
		const result = await request(`${this.baseUrl}/api/v1${path}`, { method, json, headers: { 'X-N8N-API-KEY': this.apiKey } });
		return expectOk(`${method} /api/v1${path}`, result);
	}

	async createCredential(name: string, data: Record<string, unknown>, type = 'klingApi'): Promise<string> {
		if (this.legacySession) return (await this.legacySession.call('POST', '/rest/credentials', { name, type, data })).data.id as string;
		return (await this.call('POST', '/credentials', { name, type, data })).id as string;
	}

	/** Creates the named Kling credential, or overwrites the data of the one that exists; returns its id. */
	async upsertCredential(name: string, data: Record<string, unknown>): Promise<string> {
		const existing = ((await this.call('GET', '/credentials?limit=250')).data as Array<{ id: string; name: string; type: string }>).find(
			(credential) => credential.name === name && credential.type === 'klingApi',
		);
		if (!existing) return await this.createCredential(name, data);
		await this.call('PATCH', `/credentials/${existing.id}`, { name, type: 'klingApi', data });
		return existing.id;
	}

	async testCredential(id: string): Promise<{ status: string; message: string }> {
		if (this.legacySession) {
			// n8n 1.x has no POST /api/v1/credentials/{id}/test: test the stored credential the way the editor does.
			const stored = (await this.legacySession.call('GET', `/rest/credentials/${id}?includeData=true`)).data as { id: string; name: string; type: string; data: unknown };
			const { id: storedId, name, type, data } = stored;
			return (await this.legacySession.call('POST', '/rest/credentials/test', { credentials: { id: storedId, name, type, data } })).data;
		}
		return await this.call('POST', `/credentials/${id}/test`);
	}

	async createWorkflow(workflow: { name: string; nodes: unknown[]; connections: unknown; settings?: unknown }): Promise<string> {
		const { name, nodes, connections, settings } = workflow;
		return (await this.call('POST', '/workflows', { name, nodes, connections, settings: settings ?? { executionOrder: 'v1' } })).id as string;
	}

	async workflowIdsByName(name: string): Promise<string[]> {
		const list = (await this.call('GET', `/workflows?name=${encodeURIComponent(name)}`)).data as Array<{ id: string; name: string }>;
		return list.filter((workflow) => workflow.name === name).map((workflow) => workflow.id);
	}

	/**
	 * Activates a workflow. n8n answers before the production webhooks are registered, so with `webhookUrls` this
	 * also waits until each answers a CORS preflight (OPTIONS: 404 while unknown, 204 once registered), which
	 * starts no execution.
	 */
	async activate(workflowId: string, webhookUrls: string[] = []): Promise<void> {
		await this.call('POST', `/workflows/${workflowId}/activate`);
		await this.webhooksServed(webhookUrls);
	}

	/** Waits until each production webhook URL is served (an active workflow's, e.g. after n8n restarted). */
	async webhooksServed(webhookUrls: string[]): Promise<void> {
		for (const url of webhookUrls) {
			await waitFor(
				async () => {
					const response = await fetch(url, { method: 'OPTIONS', headers: { origin: this.baseUrl, 'access-control-request-method': 'POST' } });
					return response.status === 204;
				},
				{ what: `the production webhook ${url} to be registered`, timeoutMs: 30_000, intervalMs: 100 },
			);
		}
	}

	async executions(workflowId: string, options: { includeData?: boolean; status?: string } = {}): Promise<Execution[]> {
		if (this.legacySession && !options.status) {
			// n8n 1.x's public API lists no running or waiting execution; the editor's REST API does (without data).
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const listed = (await this.legacySession.call('GET', `/rest/executions?filter=${filter}&limit=250`)).data.results as Execution[];
			return options.includeData ? await Promise.all(listed.map((execution) => this.execution(execution.id))) : listed;
		}
		const query = new URLSearchParams({ workflowId, limit: '250', includeData: String(options.includeData ?? false) });
		if (options.status) query.set('status', options.status);
		return (await this.call('GET', `/executions?${query}`)).data as Execution[];
	}

	async execution(id: string): Promise<Execution> {
		return (await this.call('GET', `/executions/${id}?includeData=true`)) as Execution;
	}
}
