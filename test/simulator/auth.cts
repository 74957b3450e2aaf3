import { createHmac, timingSafeEqual } from 'crypto';

/** Outcome of an auth check: undefined means accepted. */
export interface AuthFailure {
	code: 1000 | 1001 | 1002 | 1003 | 1004;
	message: string;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function b64url(data: Buffer | string): string {
	return Buffer.from(data).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
		return value !== null && typeof value === 'object' && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: undefined;
	} catch {
		return undefined;
	}
}

/** Mints an HS256 JWT the way §1.3 describes; claims override the vendor defaults (exp now+1800, nbf now-5). */
export function signJwt(accessKey: string, secretKey: string, claims: Record<string, unknown> = {}): string {
	const now = Math.floor(Date.now() / 1000);
	const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
	const payload = b64url(JSON.stringify({ iss: accessKey, exp: now + 1800, nbf: now - 5, ...claims }));
	const signature = b64url(createHmac('sha256', secretKey).update(`${header}.${payload}`).digest());
	return `${header}.${payload}.${signature}`;
}

function verifyJwt(token: string, keyPairs: Record<string, string>): AuthFailure | undefined {
	const failed: AuthFailure = { code: 1000, message: 'Auth failed' };
	const [headerPart, payloadPart, signaturePart] = token.split('.');
	const header = decodeSegment(headerPart);
	const payload = decodeSegment(payloadPart);
	if (!header || !payload || header.alg !== 'HS256') return failed;
	const iss = payload.iss;
	// hasOwnProperty so that an iss such as "constructor" cannot pick up an inherited value.
	if (typeof iss !== 'string' || !Object.prototype.hasOwnProperty.call(keyPairs, iss)) return failed;
	const secret = keyPairs[iss];
	const expected = createHmac('sha256', secret).update(`${headerPart}.${payloadPart}`).digest();
	const given = Buffer.from(signaturePart, 'base64url');
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return failed;
	const now = Date.now() / 1000;
	if (typeof payload.nbf === 'number' && payload.nbf > now) {
		return { code: 1003, message: 'Auth failed: token is not yet valid (nbf)' };
	}
	if (typeof payload.exp === 'number' && payload.exp < now) {
		return { code: 1004, message: 'Auth failed: token has expired (exp)' };
	}
	return undefined;
}

/** Applies the fidelity rules for the Authorization header (§1.2, §1.3, §10). */
export function checkAuthorization(
	header: string | undefined,
	apiKeys: readonly string[],
	keyPairs: Record<string, string>,
	apiKeyOnly = false,
): AuthFailure | undefined {
	if (header === undefined || header.trim() === '') return { code: 1001, message: 'Authorization is empty' };
	const match = /^Bearer +(\S+)\s*$/.exec(header);
	if (!match) return { code: 1002, message: 'Authorization is invalid' };
	const token = match[1];
	if (apiKeys.includes(token)) return undefined;
	// The vendor does not document the answer to a signed token at a new-standard endpoint; authentication failed fits.
	if (JWT_SHAPE.test(token)) return apiKeyOnly ? { code: 1000, message: 'Authentication failed: this API takes the API key only' } : verifyJwt(token, keyPairs);
	// Observed live: a garbage API key answers HTTP 401 with 1002 (docs/kling-api.md §10).
	return { code: 1002, message: 'Authorization is invalid' };
}
