import { createHmac, timingSafeEqual } from 'crypto';

/** Standard Webhooks' replay window, and Kling's (docs/kling-api.md §9.2): five minutes either way. */
const WEBHOOK_TOLERANCE_SECONDS = 300;

/** The three headers of a signed Kling callback, in the lower case Node gives incoming header names. */
const WEBHOOK_SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

export type WebhookRejection = 'missing-headers' | 'stale' | 'bad-signature' | 'bad-secret';

export type WebhookVerification = { ok: true } | { ok: false; reason: WebhookRejection };

export type WebhookHeaders = Record<string, string | string[] | undefined>;

export interface VerifyWebhookInput {
	/** The Webhook Secret from the Kling console, `whsec_` followed by the Base64 key. */
	secret: string;
	/** The request headers; names are matched case-insensitively. */
	headers: WebhookHeaders;
	/** The body exactly as received. A string is taken as its UTF-8 bytes. */
	rawBody: Buffer | string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const UNIX_SECONDS = /^\d{1,15}$/;

/**
 * The header `name` (lower case) under any casing; repeated headers are joined with a space, as HTTP folding would
 * (Node itself joins them with ", ", which the signature list reads too).
 */
function headerValue(headers: WebhookHeaders, name: string): string | undefined {
	const value = Object.entries(headers).find(([key, given]) => key.toLowerCase() === name && given !== undefined)?.[1];
	return value === undefined ? undefined : (Array.isArray(value) ? value.join(' ') : value).trim();
}

/** True when the request carries any of the signature headers, i.e. it claims to be signed. */
export function hasSignatureHeaders(headers: WebhookHeaders): boolean {
	return WEBHOOK_SIGNATURE_HEADERS.some((name) => headerValue(headers, name) !== undefined);
}

/** The HMAC key: the secret without its `whsec_` prefix, Base64-decoded. Undefined when that is not Base64. */
function signingKey(secret: string): Buffer | undefined {
	const encoded = secret.trim().replace(/^whsec_/, '');
	if (!BASE64.test(encoded)) return undefined;
	const key = Buffer.from(encoded, 'base64');
	return key.length > 0 ? key : undefined;
}

/**
 * Verifies a Kling callback signed the Standard Webhooks way (docs/kling-api.md §9.2):
 * `v1,` + Base64(HMAC-SHA256(key, `${webhook-id}.${webhook-timestamp}.${rawBody}`)), computed over the raw bytes
 * (never re-serialised JSON). `webhook-signature` may list several space-separated values (during a secret
 * rotation); any matching `v1` value is accepted and other versions are ignored. Timestamps more than
 * five minutes away from now, in either direction, are rejected as replays.
 */
export function verifyStandardWebhook(input: VerifyWebhookInput): WebhookVerification {
	const key = signingKey(input.secret);
	if (!key) return { ok: false, reason: 'bad-secret' };

	const [id, timestamp, signatures] = WEBHOOK_SIGNATURE_HEADERS.map((name) => headerValue(input.headers, name));
	// A timestamp that is not Unix seconds cannot be checked for freshness: treated like a missing header.
	if (!id || !timestamp || !signatures || !UNIX_SECONDS.test(timestamp)) return { ok: false, reason: 'missing-headers' };

	if (Math.abs(Date.now() / 1000 - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) return { ok: false, reason: 'stale' };

	const mac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(input.rawBody).digest('base64');
	const expected = Buffer.from(`v1,${mac}`, 'utf8');

	const matched = signatures.split(/\s+/).some((candidate) => {
		// A Base64 MAC never ends in a comma: one there is Node's separator between repeated headers.
		const given = Buffer.from(candidate.replace(/,$/, ''), 'utf8');
		// timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the MAC.
		return given.length === expected.length && timingSafeEqual(given, expected);
	});
	return matched ? { ok: true } : { ok: false, reason: 'bad-signature' };
}
