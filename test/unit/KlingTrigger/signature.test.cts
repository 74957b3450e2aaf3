import { createHmac } from 'node:crypto';

import { hasSignatureHeaders, verifyStandardWebhook } from '../../../nodes/KlingTrigger/signature';
import { signWebhook } from '../../simulator/index.cts';

// The vendor's test vector (kling-api.md §9.2).
const SECRET = 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0MTI=';
const ID = '9876543210';
const TS = 1781080794;
const BODY = '{"id":"1234567890","status":"succeeded","message":"","create_time":1781080778802,"update_time":1781080794151}';
const EXPECTED = 'v1,UsKlJP00XoQyOn410NM9xv34sP+Gl0jnOO9Lcpr7NJ4=';

const headers = (signature: string, extra: Record<string, string> = {}) => ({
	'webhook-id': ID,
	'webhook-timestamp': String(TS),
	'webhook-signature': signature,
	...extra,
});

const verify = (overrides: Partial<Parameters<typeof verifyStandardWebhook>[0]> = {}) =>
	verifyStandardWebhook({ secret: SECRET, headers: headers(EXPECTED), rawBody: Buffer.from(BODY), ...overrides });

/** Verifies as if the clock read `seconds` (a Unix time); the vector's own time otherwise. */
const verifyAt = (seconds: number) => {
	jest.setSystemTime(seconds * 1000);
	return verify();
};

beforeEach(() => jest.useFakeTimers({ now: TS * 1000 }));
afterEach(() => jest.useRealTimers());

describe('verifyStandardWebhook', () => {
	it('accepts the vendor test vector, over a Buffer and over a string', () => {
		expect(signWebhook(SECRET, ID, TS, BODY)).toBe(EXPECTED);
		expect(verify()).toEqual({ ok: true });
		expect(verify({ rawBody: BODY })).toEqual({ ok: true });
	});

	it('matches header names case-insensitively', () => {
		const mixed = { 'Webhook-Id': ID, 'WEBHOOK-TIMESTAMP': String(TS), 'Webhook-Signature': EXPECTED };
		expect(verify({ headers: mixed })).toEqual({ ok: true });
	});

	it('accepts any matching v1 value among several, and ignores other versions', () => {
		const other = 'v1,' + Buffer.alloc(32, 7).toString('base64');
		expect(verify({ headers: headers(`v1a,whatever ${other} ${EXPECTED}`) })).toEqual({ ok: true });
		expect(verify({ headers: headers(`${EXPECTED} ${other}`) })).toEqual({ ok: true });
		// Only non-v1 entries: nothing to compare, so nothing matches.
		expect(verify({ headers: headers(EXPECTED.replace(/^v1,/, 'v2,')) })).toEqual({ ok: false, reason: 'bad-signature' });
	});

	it('accepts repeated signature headers, as an array or joined with ", " as Node joins them', () => {
		const other = 'v1,' + Buffer.alloc(32, 1).toString('base64');
		expect(verify({ headers: { ...headers(''), 'webhook-signature': [other, EXPECTED] } })).toEqual({ ok: true });
		expect(verify({ headers: headers(`${EXPECTED}, ${other}`) })).toEqual({ ok: true });
		expect(verify({ headers: headers(`${other}, ${EXPECTED}`) })).toEqual({ ok: true });
	});

	it('accepts a timestamp up to five minutes away, and rejects a stale or a future one', () => {
		expect(verifyAt(TS + 300)).toEqual({ ok: true });
		expect(verifyAt(TS - 300)).toEqual({ ok: true });
		expect(verifyAt(TS + 301)).toEqual({ ok: false, reason: 'stale' });
		expect(verifyAt(TS - 301)).toEqual({ ok: false, reason: 'stale' });
	});

	it('checks freshness against the real clock', () => {
		jest.useRealTimers();
		const now = Math.floor(Date.now() / 1000);
		const fresh = { 'webhook-id': ID, 'webhook-timestamp': String(now), 'webhook-signature': signWebhook(SECRET, ID, now, BODY) };
		expect(verifyStandardWebhook({ secret: SECRET, headers: fresh, rawBody: BODY })).toEqual({ ok: true });
		expect(verifyStandardWebhook({ secret: SECRET, headers: headers(EXPECTED), rawBody: BODY })).toEqual({ ok: false, reason: 'stale' });
	});

	it('rejects forged signatures and any change to the signed content', () => {
		const forged = 'v1,' + createHmac('sha256', 'not-the-key').update(`${ID}.${TS}.${BODY}`).digest('base64');
		expect(verify({ headers: headers(forged) })).toEqual({ ok: false, reason: 'bad-signature' });
		expect(verify({ headers: headers('v1,short') })).toEqual({ ok: false, reason: 'bad-signature' });
		expect(verify({ rawBody: BODY.replace('succeeded', 'failed') })).toEqual({ ok: false, reason: 'bad-signature' });
		// Re-serialised JSON is not the raw body: a space changes the bytes.
		expect(verify({ rawBody: JSON.stringify(JSON.parse(BODY), null, 1) })).toEqual({ ok: false, reason: 'bad-signature' });
		expect(verify({ headers: headers(EXPECTED, { 'webhook-id': '9876543211' }) })).toEqual({ ok: false, reason: 'bad-signature' });
		// A timestamp that is still fresh but not the signed one.
		expect(verify({ headers: headers(EXPECTED, { 'webhook-timestamp': String(TS + 1) }) })).toEqual({ ok: false, reason: 'bad-signature' });
	});

	it('rejects a request signed with another secret', () => {
		const otherSecret = 'whsec_' + Buffer.from('another-secret-another-secret-12').toString('base64');
		expect(verify({ headers: headers(signWebhook(otherSecret, ID, TS, BODY)) })).toEqual({ ok: false, reason: 'bad-signature' });
		expect(verify({ secret: otherSecret })).toEqual({ ok: false, reason: 'bad-signature' });
	});

	it('reports missing or malformed headers', () => {
		for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
			const partial: Record<string, string> = headers(EXPECTED);
			delete partial[name];
			expect(verify({ headers: partial })).toEqual({ ok: false, reason: 'missing-headers' });
		}
		expect(verify({ headers: {} })).toEqual({ ok: false, reason: 'missing-headers' });
		expect(verify({ headers: headers(EXPECTED, { 'webhook-timestamp': '2026-06-10T00:00:00Z' }) })).toEqual({ ok: false, reason: 'missing-headers' });
		expect(verify({ headers: headers(EXPECTED, { 'webhook-timestamp': '1781080794000' }) })).toEqual({ ok: false, reason: 'stale' });
	});

	it('reports a secret that is not whsec_ + Base64', () => {
		expect(verify({ secret: '' })).toEqual({ ok: false, reason: 'bad-secret' });
		expect(verify({ secret: 'whsec_' })).toEqual({ ok: false, reason: 'bad-secret' });
		expect(verify({ secret: 'whsec_not base64!' })).toEqual({ ok: false, reason: 'bad-secret' });
		// The prefix is optional and surrounding spaces (from a paste) are ignored.
		expect(verify({ secret: SECRET.replace(/^whsec_/, '') })).toEqual({ ok: true });
		expect(verify({ secret: ` ${SECRET} ` })).toEqual({ ok: true });
	});

	it('tells signed requests from unsigned ones', () => {
		expect(hasSignatureHeaders(headers(EXPECTED))).toBe(true);
		expect(hasSignatureHeaders({ 'Webhook-Signature': EXPECTED })).toBe(true);
		expect(hasSignatureHeaders({ 'content-type': 'application/json' })).toBe(false);
	});
});
