import type { Failure } from 'n8n-workflow';

/** Kling's business codes (docs/kling-api.md §10): what happened, what the user can do, and whether to retry. */
export interface KlingCodeInfo {
	meaning: string;
	hint: string;
	retryable: boolean;
	failure?: Failure['cause'];
}

export const KLING_CODES: Record<number, KlingCodeInfo> = {
	1000: { meaning: 'Authentication failed', hint: 'Check the API key (or access key and secret key) in the Kling credential, and that it belongs to the selected region.', retryable: false, failure: 'credential-invalid' },
	1001: { meaning: 'The Authorization header is empty', hint: 'Fill in the Kling credential.', retryable: false, failure: 'credential-invalid' },
	// What a wrong API key gets (observed live, docs/kling-api.md §10), not only a malformed header.
	1002: { meaning: 'Authentication failed: Kling does not accept the key', hint: 'Check the API key (or access key and secret key) in the Kling credential, and that it belongs to the selected region.', retryable: false, failure: 'credential-invalid' },
	1003: { meaning: 'The signed token is not valid yet', hint: "Check this machine's clock: the token's start time lies in Kling's future.", retryable: false, failure: 'credential-invalid' },
	1004: { meaning: 'The signed token has expired', hint: "Check this machine's clock.", retryable: false, failure: 'credential-invalid' },
	1100: { meaning: 'The Kling account is abnormal', hint: 'Contact Kling support about the account.', retryable: false },
	1101: { meaning: 'The Kling account is in arrears', hint: 'Top up the account in the Kling console.', retryable: false, failure: 'quota-exhausted' },
	1102: { meaning: 'The resource pack is exhausted or expired', hint: 'Buy or renew a resource pack for this model in the Kling console.', retryable: false, failure: 'quota-exhausted' },
	1103: { meaning: 'No permission for this API or model', hint: 'Check that the account has access to this model or API.', retryable: false },
	1200: { meaning: 'Invalid request parameters', hint: 'Check the node parameters against the message.', retryable: false, failure: 'configuration-invalid' },
	1201: { meaning: 'Invalid parameter', hint: 'Check the parameter named in the message.', retryable: false, failure: 'configuration-invalid' },
	1202: { meaning: 'Invalid request method', hint: 'The base URL may not serve the Kling API; check the region or custom base URL.', retryable: false },
	1203: { meaning: 'The requested resource does not exist', hint: 'Check the ID, and that the model is available to the account.', retryable: false },
	1300: { meaning: 'Blocked by platform policy', hint: 'Change the request; Kling refuses it.', retryable: false },
	1301: { meaning: 'Content-safety policy triggered', hint: 'Change the prompt or the reference media.', retryable: false },
	1302: { meaning: 'Too many requests', hint: 'Kling is rate limiting the account; try again later.', retryable: true, failure: 'rate-limited' },
	1303: { meaning: 'Concurrency limit reached', hint: 'Too many tasks are running for the resource pack; lower Max Concurrent Tasks or wait.', retryable: true, failure: 'rate-limited' },
	1304: { meaning: 'Blocked by the IP whitelist', hint: "Add this n8n server's IP to the whitelist in the Kling console.", retryable: false },
	5000: { meaning: 'Kling internal error', hint: 'Try again later.', retryable: true },
	5001: { meaning: 'Kling is temporarily unavailable', hint: 'Kling is in maintenance; try again later.', retryable: true, failure: 'temporarily-unavailable' },
	5002: { meaning: 'Kling internal timeout', hint: 'Kling is backlogged; try again later.', retryable: true, failure: 'temporarily-unavailable' },
};

/** Codes that mean the request was refused before any task existed: safe to send again, even a create. */
export const RETRY_SAFE_FOR_CREATE = new Set([1302, 1303]);

/**
 * Authentication codes are transient once (§12): a token minted just too early or too late, or a hiccup of Kling's
 * authentication, is fixed by one more try (with a freshly signed token in key-pair mode). A second refusal is the
 * credential's fault.
 */
export const AUTH_CODES = new Set([1000, 1001, 1002, 1003, 1004]);
