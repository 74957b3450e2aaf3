import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
	NodeApiError,
} from 'n8n-workflow';

import { AUTH_CODES } from '../contract/codes';
import { envelopeSchema } from '../contract/envelope';
import { baseUrlOf } from '../contract/hosts';
import { PAGE_SIZE_MAX } from '../contract/task';
import { asNodeError, isTransient, klingApiError, klingCredentialRefusedError, klingErrorContext, klingNoAnswerError } from './errors';
import { parseJsonLossless } from './json';
import { backoffMs, pause, throwIfCancelled } from './wait';

export type KlingContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

export interface KlingRequest {
	method: IHttpRequestMethods;
	/** A path from the contract, e.g. `/v1/general/advanced-custom-elements`; appended to the base URL as is. */
	path: string;
	/** JSON to send: an object, or its text already serialised (a create's, see body.ts). */
	body?: IDataObject | string | Buffer;
	qs?: IDataObject;
	/**
	 * Tries after a transient failure (§10); reads default to 5. A create that may have reached Kling is never sent
	 * again (its callers look for its task instead), only one that reached no server at all.
	 */
	retries?: number;
}

export interface KlingResponse {
	data: unknown;
	requestId?: string;
}

const TIMEOUT_MS = 60_000;
/** The longest back-off one request waits out itself, a Retry-After included (§10). */
const MAX_RETRY_WAIT_MS = 60_000;
/** The slowest upload a body gets time for, on top of the timeout: 53 MB of Base64 gets 7 more minutes. */
const SLOWEST_UPLOAD_BYTES_PER_MS = 128;

/**
 * The one way the package talks to Kling: authenticated by the credential (a fresh JWT per call in key-pair mode),
 * read as text and parsed so int64 ids survive (§2), unwrapped from the `{ code, message, request_id, data }`
 * envelope, and turned into a clear error whenever `code` is not 0, whatever the HTTP status.
 */
export async function klingApiRequest(this: KlingContext, request: KlingRequest): Promise<KlingResponse> {
	const retries = request.retries ?? (request.method === 'GET' ? 5 : 0);
	let tokenRetried = false;
	let lostTry = false;
	for (let attempt = 0; ; attempt++) {
		try {
			return await sendOnce.call(this, request);
		} catch (error) {
			const { klingCode, neverSent, noAnswer, retryAfterMs } = klingErrorContext(error);
			// Refused authentication: one more try (a fresh token in key-pair mode, §12), then the credential is at fault.
			if (klingCode !== undefined && AUTH_CODES.has(klingCode) && !tokenRetried) {
				tokenRetried = true;
				continue;
			}
			const mayRetry = neverSent ? attempt < 5 : attempt < retries;
			const waitMs = backoffMs(attempt, retryAfterMs);
			// A longer wait than asked of a request is left to its caller: a polling round comes again within its Timeout.
			if (!isTransient(error) || !mayRetry || waitMs > MAX_RETRY_WAIT_MS) {
				const failure = asNodeError(this.getNode(), error);
				if (lostTry) failure.context.kling = { ...klingErrorContext(failure), afterLostTry: true };
				throw failure;
			}
			lostTry ||= (noAnswer === true && !neverSent) || (klingCode ?? 0) >= 5000;
			await pause(this, waitMs);
		}
	}
}

async function sendOnce(this: KlingContext, request: KlingRequest): Promise<KlingResponse> {
	const credentials = await this.getCredentials('klingApi');
	const { body } = request;
	// Serialised here, not by the HTTP client, so the exact bytes are ours (int64 ids, Base64 images).
	const payload = body === undefined || typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
	const url = `${baseUrlOf(credentials)}${request.path}`;
	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(this, 'klingApi', {
			method: request.method,
			url,
			qs: request.qs,
			body: payload,
			headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			json: false,
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// n8n puts the Authorization header back on a redirect to any host unless told not to: the key stays with the base URL's origin.
			sendCredentialsOnCrossOriginRedirect: false,
			// Whatever form the body takes (Base64 text of an image makes a create's body a string of up to 53 MB).
			timeout: TIMEOUT_MS + (payload === undefined ? 0 : Buffer.byteLength(payload) / SLOWEST_UPLOAD_BYTES_PER_MS),
		})) as IN8nHttpFullResponse;
	} catch (error) {
		throwIfCancelled(this);
		const { reason, neverSent } = describeTransportFailure(error);
		throw klingNoAnswerError(this.getNode(), reason, { neverSent });
	}
	return unwrapEnvelope.call(this, response, credentials);
}

/**
 * A refusal Kling puts in an answer's data rather than its envelope (the account-costs API, §12a): the error an
 * envelope's refusal gives, its message stripped of secrets like every message a server sends back.
 */
export async function refusalInData(this: KlingContext, refusal: { code: number; message: string; requestId?: string }): Promise<NodeApiError> {
	const credentials = await this.getCredentials('klingApi');
	return klingApiError(this.getNode(), { ...refusal, message: redactSecrets(refusal.message, credentials), httpStatus: 200 });
}

/** Strips bearer tokens, JWTs and the credential's own secrets from text a server sent back. */
function redactSecrets(text: string, credentials: IDataObject): string {
	let out = text.replace(/Bearer\s+\S+/gi, 'Bearer [redacted]').replace(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/g, '[redacted]');
	for (const key of ['apiKey', 'secretKey', 'accessKey', 'webhookSecret']) {
		// As the credential sends it: a key pasted with spaces around it or its "Bearer " prefix is sent without them.
		const secret = String(credentials[key] ?? '').trim().replace(/^Bearer\s+/i, '');
		if (secret.length >= 4) out = out.split(secret).join('[redacted]');
	}
	return out;
}

function unwrapEnvelope(this: KlingContext, response: IN8nHttpFullResponse, credentials: IDataObject): KlingResponse {
	const status = response.statusCode;
	const text = String(response.body ?? '');
	// Undocumented (§10), and honoured whoever sent it: Kling, or a gateway's maintenance page.
	const retryAfterMs = retryAfterMsOf(headerValue(response.headers, 'retry-after'));
	let parsed: unknown;
	let notJson: string | undefined;
	try {
		parsed = parseJsonLossless(text);
	} catch {
		notJson = /^\s*</.test(text) ? 'an HTML page' : text.trim() ? 'a body that is not JSON' : 'an empty body';
	}
	const envelope = envelopeSchema.safeParse(parsed);
	if (!envelope.success) {
		if (status === 401 || status === 403) throw klingCredentialRefusedError(this.getNode(), status, relayReason(parsed, credentials));
		const kind = notJson ?? 'JSON that is not a Kling response';
		throw klingNoAnswerError(this.getNode(), `HTTP ${status} with ${kind}`, { httpStatus: status, retryAfterMs });
	}
	const { code, request_id: requestId, data } = envelope.data;
	if (code !== 0) {
		const message = redactSecrets(envelope.data.message, credentials);
		throw klingApiError(this.getNode(), { code, message, requestId, httpStatus: status, retryAfterMs });
	}
	if (status >= 300) throw klingNoAnswerError(this.getNode(), `HTTP ${status} with code 0`, { httpStatus: status });
	return { data, requestId };
}

/**
 * The short reason a relay's own JSON refusal gives (`error.message` as new-api and OpenAI-style gateways send it, or a
 * plain `message`, `error` or `msg`), stripped of secrets like Kling's messages; nothing when there is none or it is long.
 */
function relayReason(parsed: unknown, credentials: IDataObject): string | undefined {
	const body = (parsed ?? {}) as { error?: unknown; message?: unknown; msg?: unknown };
	const candidates = [(body.error as { message?: unknown } | undefined)?.message, body.message, body.error, body.msg];
	const reason = candidates.find((value): value is string => typeof value === 'string' && value.trim() !== '');
	if (reason === undefined) return undefined;
	const safe = redactSecrets(reason.replace(/\s+/g, ' ').trim(), credentials);
	return safe.length <= 200 ? safe : undefined;
}

/** A Retry-After in seconds, or as an HTTP date (the form gateways and CDNs often send). */
function retryAfterMsOf(value: unknown): number | undefined {
	if (value === undefined || value === null || String(value).trim() === '') return undefined;
	const seconds = Number(value);
	const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(String(value)) - Date.now();
	return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** A header's value, the first one when it came several times. */
export function headerValue(headers: IN8nHttpFullResponse['headers'], name: string): unknown {
	const value = headers?.[name];
	return Array.isArray(value) ? value[0] : value;
}

/** Connection errors raised before a request could reach any server. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** A short reason with no request details (the underlying error carries the request's headers). */
function describeTransportFailure(error: unknown): { reason: string; neverSent: boolean } {
	const source = error as { code?: string; cause?: { code?: string }; message?: string };
	const code = source?.code ?? source?.cause?.code;
	if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(source?.message ?? '')) {
		return { reason: 'the request timed out', neverSent: false };
	}
	return { reason: code ? `the connection failed (${code})` : 'the connection failed', neverSent: code !== undefined && NEVER_SENT_CODES.has(code) };
}

/**
 * Yields the pages of a list endpoint in order. Kling's lists carry no total: a page shorter than `pageSize` is the
 * last one (§2). Stop iterating to stop reading. A page that is not a list (a relay's `{ list, total }`) is an answer
 * the node cannot read, never an empty library: read as one, Get would say an element that exists is not there.
 */
export async function* klingPages(this: KlingContext, path: string, pageSize = PAGE_SIZE_MAX, firstPage = 1): AsyncGenerator<unknown[]> {
	for (let pageNum = firstPage; pageNum <= 1000; pageNum++) {
		const { data } = await klingApiRequest.call(this, { method: 'GET', path, qs: { pageNum, pageSize } });
		if (data !== null && data !== undefined && !Array.isArray(data)) throw klingNoAnswerError(this.getNode(), 'a list answer whose data is not a list');
		const page = (data ?? []) as unknown[];
		yield page;
		if (page.length < pageSize) return;
	}
}
