import type { IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { hasSignatureHeaders, verifyStandardWebhook, type WebhookRejection } from './signature';

const REJECTIONS: Record<Exclude<WebhookRejection, 'bad-secret'>, string> = {
	'missing-headers': 'The callback is not signed (webhook-id, webhook-timestamp and webhook-signature are required)',
	stale: 'The callback signature is older or newer than 5 minutes',
	'bad-signature': 'The callback signature does not match the Webhook Secret',
};

/**
 * The body exactly as it arrived. n8n keeps it for every content type it parses (JSON included). Only if it is
 * missing does the node fall back to the parsed body, re-serialised, which will not match a signature; and not even
 * that when the parsed body holds an integer past 2^53 (an int64 id): n8n's parser has rounded it already, so the
 * body is no longer what Kling sent (undefined).
 */
export function rawBodyOf(this: IWebhookFunctions): Buffer | undefined {
	const { rawBody } = this.getRequestObject() as { rawBody?: unknown };
	if (Buffer.isBuffer(rawBody)) return rawBody;
	if (typeof rawBody === 'string') return Buffer.from(rawBody, 'utf8');
	const parsed = this.getBodyData() ?? {};
	return hasRoundedInteger(parsed) ? undefined : Buffer.from(JSON.stringify(parsed), 'utf8');
}

const hasRoundedInteger = (value: unknown): boolean =>
	typeof value === 'number'
		? Number.isInteger(value) && !Number.isSafeInteger(value)
		: typeof value === 'object' && value !== null && Object.values(value).some(hasRoundedInteger);

/** How the callback's origin was established (output with every item), and whether a Webhook Secret was there. */
export interface Origin {
	accepted: 'verified' | 'unsigned' | 'notChecked';
	/** The credential has a Webhook Secret: then an unsigned body proves nothing and is never output as is. */
	hasSecret: boolean;
}

/**
 * Checks the request's origin. A secret plus signature headers are always verified; Require Signature also
 * rejects requests without them. Answers with the rejection to send, or how the callback was accepted.
 */
export async function checkSignature(
	this: IWebhookFunctions,
	rawBody: Buffer,
	requireSignature: boolean,
): Promise<Origin | { rejected: string }> {
	const credentials = this.getNode().credentials?.klingApi ? await this.getCredentials('klingApi') : undefined;
	const secret = String(credentials?.webhookSecret ?? '').trim();
	const headers = this.getHeaderData();
	const signed = hasSignatureHeaders(headers);
	if (!secret) {
		if (requireSignature) {
			throw new NodeOperationError(this.getNode(), 'Require Signature is on, but there is no Webhook Secret to check signatures with', {
				description:
					'Select a Kling credential and fill in its Webhook Secret (Kling console: Basic Settings → Webhook), or turn Require Signature off.',
			});
		}
		return { accepted: signed ? 'notChecked' : 'unsigned', hasSecret: false };
	}
	if (!signed && !requireSignature) return { accepted: 'unsigned', hasSecret: true };
	const result = verifyStandardWebhook({ secret, headers, rawBody });
	if (result.ok) return { accepted: 'verified', hasSecret: true };
	if (result.reason === 'bad-secret') {
		throw new NodeOperationError(this.getNode(), 'The Webhook Secret in the Kling credential is not valid', {
			description: 'Copy it again from the Kling console (Basic Settings → Webhook): "whsec_" followed by Base64 text.',
		});
	}
	return { rejected: REJECTIONS[result.reason] };
}
