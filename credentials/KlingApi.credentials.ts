import { createHmac } from 'crypto';
import type {
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	Icon,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { CHINA_BASE_URL, GLOBAL_BASE_URL } from '../nodes/Kling/contract/hosts';

/** Seconds a signed token stays valid; the vendor's example value. A fresh token is minted per request anyway. */
const JWT_LIFETIME_SECONDS = 1800;
/** Kling rejects a token whose `nbf` is in the future (1003); five seconds absorbs small clock drift. */
const JWT_CLOCK_SKEW_SECONDS = 5;

const jwtPart = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs the HS256 token Kling expects for the access key + secret key mode (RFC 7519). */
export function signKlingJwt(accessKey: string, secretKey: string) {
	const nowSeconds = Math.floor(Date.now() / 1000);
	const claims = { iss: accessKey, exp: nowSeconds + JWT_LIFETIME_SECONDS, nbf: nowSeconds - JWT_CLOCK_SKEW_SECONDS };
	const header = jwtPart({ alg: 'HS256', typ: 'JWT' });
	const payload = jwtPart(claims);
	const signature = createHmac('sha256', secretKey).update(`${header}.${payload}`).digest('base64url');
	return `${header}.${payload}.${signature}`;
}

const CHECK_THE_KEY = 'Check the key (or access key and secret key) and that the region matches the one the key was created in.';

/** A credential-test rule for an HTTP error status. */
function httpStatus(value: number, message: string): IAuthenticateRuleResponseCode {
	return { type: 'responseCode', properties: { value, message } };
}

/** A credential-test rule for a successful HTTP answer that carries Kling's error `code`. */
function codeInBody(code: number | undefined, message: string): IAuthenticateRuleResponseSuccessBody {
	return { type: 'responseSuccessBody', properties: { key: 'code', value: code, message } };
}

export class KlingApi implements ICredentialType {
	name = 'klingApi';
	displayName = 'Kling API';
	icon: Icon = { light: 'file:../icons/kling.svg', dark: 'file:../icons/kling.dark.svg' };
	documentationUrl = 'https://kling.ai/document-api/api/get-started/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			default: 'apiKey',
			options: [
				{ name: 'API Key', value: 'apiKey', description: 'A key from the Kling developer console, sent as a bearer token' },
				{
					name: 'Access Key and Secret Key',
					value: 'keyPair',
					description: 'A key pair from the Kling developer console; each request is signed into a short-lived JWT',
				},
			],
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			displayOptions: { show: { authType: ['apiKey'] } },
			description: 'Also the token of a relay that mirrors the Kling API (set its address as a custom base URL)',
		},
		{
			displayName: 'Access Key',
			name: 'accessKey',
			type: 'string',
			required: true,
			default: '',
			displayOptions: { show: { authType: ['keyPair'] } },
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			displayOptions: { show: { authType: ['keyPair'] } },
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			default: GLOBAL_BASE_URL,
			description: 'Keys work only in the region they were created in',
			options: [
				{ name: 'Global (Singapore)', value: GLOBAL_BASE_URL },
				{ name: 'China (Beijing)', value: CHINA_BASE_URL },
				{ name: 'Custom Base URL', value: 'custom', description: 'A relay or proxy that mirrors the Kling API paths' },
			],
		},
		{
			displayName: 'Base URL',
			name: 'customBaseUrl',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. https://www.kkiai.com/kling',
			description: 'The address that /v1/... paths are appended to; a trailing slash is ignored',
			displayOptions: { show: { region: ['custom'] } },
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			placeholder: 'e.g. whsec_...',
			description:
				'Optional. The secret from Basic Settings → Webhook in the Kling console; the Kling Trigger uses it to reject callbacks that Kling did not sign.',
		},
	];

	// A function (not a generic header template) so that every request, each poll included, gets a freshly
	// signed token: a render that takes longer than the token's lifetime never fails on an expired one.
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) {
		const token =
			credentials.authType === 'keyPair'
				? signKlingJwt(String(credentials.accessKey ?? ''), String(credentials.secretKey ?? ''))
				: // A key is often pasted with spaces around it, or with the "Bearer " prefix it is sent with.
					String(credentials.apiKey ?? '').trim().replace(/^Bearer\s+/i, '');
		requestOptions.headers = { ...requestOptions.headers, Authorization: `Bearer ${token}` };
		return requestOptions;
	}

	// The cheapest authenticated call: one preset element.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ String($credentials.region === "custom" ? $credentials.customBaseUrl : $credentials.region).trim().replace(/\\/+$/, "") }}',
			url: '/v1/general/advanced-presets-elements',
			qs: { pageNum: 1, pageSize: 1 },
			// The key never follows a redirect to another host.
			sendCredentialsOnCrossOriginRedirect: false,
		},
		// n8n checks each rule by its type, so the two kinds mix (the type allows only one kind per list). A non-2xx answer
		// meets only the responseCode rules (n8n 2.41's credentials-tester.service.js), so the 401 rule also speaks for
		// Kling's clock codes 1003 and 1004, which come with HTTP 401 (docs/kling-api.md §10).
		rules: [
			httpStatus(
				401,
				`Kling rejected the credential. ${CHECK_THE_KEY} With an access key and secret key, also check that this machine's clock is right.`,
			),
			httpStatus(404, 'The base URL does not serve the Kling API. Check the region or the custom base URL.'),
			// Some relays answer HTTP 200 with Kling's error code in the body (docs/kling-api.md §2).
			...[1000, 1001, 1002].map((code) => codeInBody(code, `Kling rejected the credential (code ${code}). ${CHECK_THE_KEY}`)),
			...[1003, 1004].map((code) => codeInBody(code, `Kling rejected the signed token (code ${code}): check this machine's clock.`)),
			// A 200 without Kling's `code` (a relay's web page when its base URL lacks the API's path) is no Kling answer.
			codeInBody(undefined, 'The base URL answered, but not as the Kling API does. Check the region or the custom base URL (a relay often serves the API under a path such as /kling).'),
		] as Array<IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody> as IAuthenticateRuleResponseCode[],
	};
}
