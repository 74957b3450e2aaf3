import { createHmac } from 'node:crypto';

import { KlingApi, signKlingJwt } from '../../../credentials/KlingApi.credentials';
import { CHINA_BASE_URL, GLOBAL_BASE_URL } from '../../../nodes/Kling/contract/hosts';

const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

describe('Kling API credential', () => {
	it('signs an HS256 JWT with iss, exp = now + 1800 and nbf = now - 5', () => {
		jest.useFakeTimers({ now: 1_781_000_000_400 });
		const token = signKlingJwt('ak-123', 'sk-456');
		jest.useRealTimers();
		const [header, payload, signature] = token.split('.');
		expect(decode(header)).toEqual({ alg: 'HS256', typ: 'JWT' });
		expect(decode(payload)).toEqual({ iss: 'ak-123', exp: 1_781_001_800, nbf: 1_780_999_995 });
		expect(signature).toBe(createHmac('sha256', 'sk-456').update(`${header}.${payload}`).digest('base64url'));
		expect(token).not.toMatch(/[=+/]/);
	});

	it('sends the API key as a bearer token', async () => {
		const options = await new KlingApi().authenticate({ authType: 'apiKey', apiKey: 'key-1' }, { url: '/x', headers: { Accept: 'a' } });
		expect(options.headers).toEqual({ Accept: 'a', Authorization: 'Bearer key-1' });
	});

	it('sends a key pasted with spaces around it or with its Bearer prefix as the bare key', async () => {
		for (const apiKey of [' key-1 ', 'Bearer key-1', 'bearer  key-1\n']) {
			const options = await new KlingApi().authenticate({ authType: 'apiKey', apiKey }, { url: '/x' });
			expect(options.headers).toEqual({ Authorization: 'Bearer key-1' });
		}
	});

	it('mints a new token for every request in key-pair mode', async () => {
		const credential = new KlingApi();
		const auth = (await credential.authenticate({ authType: 'keyPair', accessKey: 'ak', secretKey: 'sk' }, { url: '/x' })).headers?.Authorization;
		expect(String(auth)).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
		expect(decode(String(auth).split('.')[1]).iss).toBe('ak');
	});

	it('offers the regions the transport knows, Global first', () => {
		const region = new KlingApi().properties.find((p) => p.name === 'region');
		expect(region?.default).toBe(GLOBAL_BASE_URL);
		expect(region?.options?.map((option) => (option as { value: unknown }).value)).toEqual([GLOBAL_BASE_URL, CHINA_BASE_URL, 'custom']);
	});

	it("names the clock in the test's message for HTTP 401, the status Kling's clock codes 1003 and 1004 come with", () => {
		// n8n's credential tester meets a non-2xx answer with the responseCode rules only: the codes in its body are never read.
		const rules = new KlingApi().test.rules as Array<{ type: string; properties: { value?: unknown; message: string } }>;
		const for401 = rules.find((rule) => rule.type === 'responseCode' && rule.properties.value === 401)?.properties.message;
		expect(for401).toMatch(/^Kling rejected the credential\. .*With an access key and secret key, also check that this machine's clock is right\.$/);
	});

	it('keeps secrets in password fields', () => {
		const fields = Object.fromEntries(new KlingApi().properties.map((p) => [p.name, p]));
		for (const name of ['apiKey', 'secretKey', 'webhookSecret']) expect(fields[name].typeOptions?.password).toBe(true);
	});
});
