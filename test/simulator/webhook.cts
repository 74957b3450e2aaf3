import { createHmac } from 'crypto';

/**
 * Standard Webhooks signature (§9.2): "v1," + base64(HMAC-SHA256(base64decode(secret without whsec_),
 * id + "." + timestamp + "." + rawBody)). The body must be the exact bytes sent, never re-serialised JSON.
 */
export function signWebhook(secret: string, webhookId: string, timestampSeconds: number | string, rawBody: string): string {
	const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
	const mac = createHmac('sha256', key).update(`${webhookId}.${timestampSeconds}.${rawBody}`).digest('base64');
	return `v1,${mac}`;
}
