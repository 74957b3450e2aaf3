/**
 * A Kling credential of each authentication mode, created through n8n's public API, signs the requests that a
 * real n8n sends to the simulator: the API key as a bearer token, the key pair as an HS256 JWT whose signature
 * the simulator's request log lets us check.
 */
import { createHmac } from 'node:crypto';

import { startSimulator, type KlingSimulator } from '../simulator/index.cts';
import { prepared, useN8n } from './helpers.cts';
import { n8nMajor } from './runtime/runtime.cts';
import { chainWorkflow, executeWorkflow, importWorkflows, KLING_NODE, nodeItems, readExample, type KlingCredentialData, type WorkflowJson } from './runtime/workflows.cts';

const ACCESS_KEY = 'test-access-key';
const SECRET_KEY = 'test-secret-key';

const ctx = useN8n('credentials');
let sim: KlingSimulator;

beforeAll(async () => {
	sim = await startSimulator();
});
afterAll(async () => {
	await sim?.close();
});
beforeEach(() => sim.reset());

const apiKeyData = (): KlingCredentialData => ({ authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: sim.url });
const keyPairData = (): KlingCredentialData => ({ authType: 'keyPair', accessKey: ACCESS_KEY, secretKey: SECRET_KEY, region: 'custom', customBaseUrl: `${sim.url}/` });

/** The bearer token of a logged request. */
function bearer(index: number): string {
	const header = sim.apiRequests()[index]?.headers.authorization;
	const match = /^Bearer (\S+)$/.exec(String(header));
	if (!match) throw new Error(`request ${index} has no bearer token: ${String(header)}`);
	return match[1];
}

function expectValidJwt(token: string) {
	const [header, payload, signature] = token.split('.');
	const expected = createHmac('sha256', SECRET_KEY).update(`${header}.${payload}`).digest('base64url');
	expect(signature).toBe(expected);
	expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
	const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss: string; exp: number; nbf: number };
	const now = Date.now() / 1000;
	expect(claims.iss).toBe(ACCESS_KEY);
	expect(claims.nbf).toBeLessThanOrEqual(now);
	expect(claims.exp).toBeGreaterThan(now);
}

/** Manual Trigger → one "list one preset element" node per credential, in a chain. */
function presetsWorkflow(credentials: Array<{ id: string; name: string }>): WorkflowJson {
	return chainWorkflow(
		'Both authentication modes',
		credentials.map((credential) => ({
			name: credential.name,
			type: KLING_NODE,
			parameters: { resource: 'element', operation: 'getAll', library: 'preset', limit: 1 },
			credentials: { klingApi: credential },
		})),
	);
}

describe('Kling credentials created through the public API', () => {
	it('pass n8n\'s credential test in both modes, and fail it with a wrong key', async () => {
		const { api } = ctx.instance;
		const apiKey = await api.createCredential('Kling API key', apiKeyData());
		const keyPair = await api.createCredential('Kling key pair', keyPairData());
		const wrong = await api.createCredential('Kling wrong key', { ...apiKeyData(), apiKey: 'not-a-key' });
		await expect(api.testCredential(apiKey)).resolves.toMatchObject({ status: 'OK' });
		await expect(api.testCredential(keyPair)).resolves.toMatchObject({ status: 'OK' });
		// n8n 1.x does not apply the credential test's responseCode rules to a 401 (its error has no cause.response),
		// so it shows its own generic text instead of ours.
		const wrongKeyMessage =
			n8nMajor(prepared().runtime) >= 2 ? expect.stringContaining('Kling rejected the credential') : 'Authorization failed - please check your credentials';
		await expect(api.testCredential(wrong)).resolves.toMatchObject({ status: 'Error', message: wrongKeyMessage });
		expect(bearer(0)).toBe('test-api-key');
		expectValidJwt(bearer(1));
		// A relay that answers HTTP 200 with Kling's error code in the body does not pass either.
		sim.injectFault({ when: { method: 'GET' }, fault: { kind: 'okWithCode', code: 1000 } });
		await expect(api.testCredential(apiKey)).resolves.toMatchObject({ status: 'Error', message: expect.stringContaining('Kling rejected the credential (code 1000)') });
		// Nor does a base URL that answers HTTP 200 with a web page (a relay's site, the API's path missing).
		sim.injectFault({ when: { method: 'GET' }, fault: { kind: 'html', httpStatus: 200 } });
		await expect(api.testCredential(apiKey)).resolves.toMatchObject({ status: 'Error', message: expect.stringContaining('The base URL answered, but not as the Kling API does') });
	});

	it('sign the requests of a workflow run by `n8n execute`: bearer API key, and a JWT with a valid signature', async () => {
		const { api, cli } = ctx.instance;
		const credentials = [
			{ id: await api.createCredential('API key mode', apiKeyData()), name: 'API key mode' },
			{ id: await api.createCredential('Key pair mode', keyPairData()), name: 'Key pair mode' },
		];
		const [workflowId] = await importWorkflows(cli, [presetsWorkflow(credentials)]);
		const { run, code } = await executeWorkflow(cli, workflowId);
		expect(run.data?.resultData?.error).toBeUndefined();
		expect(code).toBe(0);
		for (const { name } of credentials) expect(nodeItems(run, name)[0]?.json.elementId).toMatch(/^\d+$/);

		const requests = sim.apiRequests();
		expect(requests.map((request) => [request.method, request.path, request.status, request.code])).toEqual([
			['GET', '/v1/general/advanced-presets-elements', 200, 0],
			['GET', '/v1/general/advanced-presets-elements', 200, 0],
		]);
		expect(bearer(0)).toBe('test-api-key');
		expectValidJwt(bearer(1));
	});

	it('sign every request of a create waited for with a key pair: the create and each status read', async () => {
		const { api, cli } = ctx.instance;
		const credential = { id: await api.createCredential('Key pair for a create', keyPairData()), name: 'Key pair for a create' };
		const create = readExample('create-element.json').nodes.find((node) => node.type === KLING_NODE)!;
		const [workflowId] = await importWorkflows(cli, [chainWorkflow('Create an element with a key pair', [{ ...create, credentials: { klingApi: credential } }])]);
		const { run } = await executeWorkflow(cli, workflowId);
		expect(run.status).toBe('success');

		const requests = sim.apiRequests();
		expect(requests.filter((request) => request.method === 'POST')).toHaveLength(1);
		expect(requests.filter((request) => request.method === 'GET').length).toBeGreaterThan(0);
		requests.forEach((_request, index) => expectValidJwt(bearer(index)));
	});
});
