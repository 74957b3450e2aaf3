/**
 * n8n's HTTP client puts the Authorization header back on a redirect to another origin unless the request says
 * `sendCredentialsOnCrossOriginRedirect: false`: a base URL (a relay, or any host) answering 302 must not hand the API
 * key or a JWT to whatever host its Location names. Runs the real n8n HTTP client against two local servers.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { KlingApi } from '../../../credentials/KlingApi.credentials';
import { klingApiRequest } from '../../../nodes/Kling/transport';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { httpRequest } = require(path.join(path.dirname(require.resolve('@n8n/backend-network')), 'http/axios/request.js')) as {
	httpRequest: (options: IHttpRequestOptions) => Promise<unknown>;
};

const listen = async (server: Server) => {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as AddressInfo).port;
};

describe('klingApiRequest: redirects', () => {
	const seenByOther: IncomingHttpHeaders[] = [];
	const other = createServer((req, res) => {
		seenByOther.push(req.headers);
		res.setHeader('content-type', 'application/json');
		res.end('{"code":0,"message":"SUCCEED","request_id":"r","data":[]}');
	});
	let otherPort = 0;
	const relay = createServer((_req, res) => {
		res.statusCode = 302;
		res.setHeader('location', `http://localhost:${otherPort}/collect`);
		res.end();
	});
	let relayPort = 0;

	beforeAll(async () => {
		otherPort = await listen(other);
		relayPort = await listen(relay);
	});
	afterAll(() => {
		other.close();
		relay.close();
	});

	it.each([
		['API key', { authType: 'apiKey', apiKey: 'sk-live-SECRET-api-key' }],
		['key pair (JWT)', { authType: 'keyPair', accessKey: 'ak-live', secretKey: 'sk-live-SECRET' }],
	])('does not send the %s to another origin that a redirect points at', async (_label, auth) => {
		seenByOther.length = 0;
		const credentials = { ...auth, region: 'custom', customBaseUrl: `http://127.0.0.1:${relayPort}/kling` };
		const ctx = {
			getNode: () => ({ name: 'Kling', type: 'kling', typeVersion: 1, parameters: {}, id: '1', position: [0, 0] }),
			getCredentials: async () => credentials,
			getExecutionCancelSignal: () => undefined,
			helpers: {
				// What n8n-core's httpRequestWithAuthentication does: credential.authenticate, then the shared HTTP client.
				httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) =>
					await httpRequest(await new KlingApi().authenticate(credentials, options)),
			},
		} as unknown as IExecuteFunctions;

		await klingApiRequest.call(ctx, { method: 'GET', path: '/v1/general/advanced-presets-elements', retries: 0 }).catch(() => undefined);

		// Either the redirect is not followed at all, or it is followed without the credential.
		expect(seenByOther.map((headers) => headers.authorization)).not.toContainEqual(expect.stringMatching(/^Bearer /));
	});
});
