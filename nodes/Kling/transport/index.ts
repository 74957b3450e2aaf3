import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
} from 'n8n-workflow';

import { resolveKlingBaseUrl } from '../../../credentials/KlingApi.credentials';
import { KLING_CODES, TOKEN_TIMING_CODES } from '../contract/codes';
import { envelopeSchema } from '../contract/envelope';
import { backoffMs, nodeClock, type Clock } from '../helpers/clock';
import { parseJsonLossless } from '../helpers/losslessJson';
import { asNodeError, klingApiError, klingErrorContext, klingNoAnswerError } from './errors';
import { StreamedJsonBody } from './streamedBody';

export type KlingContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

export interface KlingRequest {
	method: IHttpRequestMethods;
	/** A path from the contract, e.g. `/v1/general/advanced-custom-elements`; appended to the base URL as is. */
	path: string;
	/**
	 * JSON to send: an object, its text already serialised, or a create with binary images written in while it is
	 * sent (see sendWithImages).
	 */
	body?: IDataObject | string | StreamedJsonBody;
	qs?: IDataObject;
	/**
	 * Reads may be sent again after a transient failure. A create may not (kling-api.md §10): its callers
	 * decide, using `external_task_id`, whether a task came into being.
	 */
	retryTransient?: boolean;
	clock?: Clock;
	/** Per-attempt timeout in node milliseconds (scaled by the clock). */
	timeoutMs?: number;
}

export interface KlingResponse {
	data: unknown;
	requestId?: string;
}

const MAX_TRANSIENT_RETRIES = 5;
const DEFAULT_TIMEOUT_MS = 60_000;
/**
 * The slowest upload a streamed body is given time for, on top of the timeout: a create with four 10 MB images
 * (53 MB of Base64) gets 7 more minutes, so a slow uplink is not mistaken for a lost answer.
 */
const SLOWEST_UPLOAD_BYTES_PER_MS = 128; // 128 kB/s

/**
 * The one way the package talks to Kling: authenticated by the credential (a fresh JWT per call in key-pair
 * mode), read as text and parsed so int64 ids survive, unwrapped from the `{ code, message, request_id, data }`
 * envelope, and turned into a clear error whenever `code` is not 0, whatever the HTTP status.
 */
export async function klingApiRequest(this: KlingContext, request: KlingRequest): Promise<KlingResponse> {
	const clock = request.clock ?? nodeClock(this);
	const retryTransient = request.retryTransient ?? request.method === 'GET';
	let tokenRetried = false;
	for (let attempt = 0; ; attempt++) {
		try {
			return await sendOnce.call(this, request, clock);
		} catch (error) {
			const { klingCode, noAnswer, neverSent, retryAfterMs } = klingErrorContext(error);
			// A token minted a moment too early or late: one more try with a fresh one (kling-api.md §1.3).
			if (klingCode !== undefined && TOKEN_TIMING_CODES.has(klingCode) && !tokenRetried) {
				tokenRetried = true;
				continue;
			}
			const transient = noAnswer || (klingCode !== undefined && KLING_CODES[klingCode]?.retryable);
			// A request that reached no server is safe to send again, even a create.
			if (!(retryTransient || neverSent) || !transient || attempt >= MAX_TRANSIENT_RETRIES) throw asNodeError(this.getNode(), error);
			await clock.sleep(backoffMs(attempt, retryAfterMs));
		}
	}
}

async function sendOnce(this: KlingContext, request: KlingRequest, clock: Clock): Promise<KlingResponse> {
	const credentials = await this.getCredentials('klingApi');
	const streamed = request.body instanceof StreamedJsonBody ? request.body : undefined;
	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequestWithAuthentication.call(this, 'klingApi', {
			method: request.method,
			url: `${resolveKlingBaseUrl(credentials)}${request.path}`,
			qs: request.qs,
			// Serialised here, not by the HTTP client, so the exact bytes are ours (ids stay strings).
			body: request.body === undefined || streamed || typeof request.body === 'string' ? request.body : JSON.stringify(request.body),
			// A client that follows redirects keeps every chunk of a streamed body, in case it must send it again.
			...(streamed ? { disableFollowRedirect: true } : {}),
			headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
			json: false,
			encoding: 'text',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: clock.scaled((request.timeoutMs ?? DEFAULT_TIMEOUT_MS) + (streamed ? streamed.size / SLOWEST_UPLOAD_BYTES_PER_MS : 0)),
		})) as IN8nHttpFullResponse;
	} catch (error) {
		clock.throwIfCancelled();
		const { reason, neverSent } = describeTransportFailure(error);
		throw klingNoAnswerError(this.getNode(), reason, { neverSent });
	}
	return unwrapEnvelope.call(this, response, credentials);
}

/** Strips bearer tokens, JWTs and the credential's own secrets from text a server sent back. */
function redactSecrets(text: string, credentials: IDataObject): string {
	let out = text.replace(/Bearer\s+\S+/gi, 'Bearer [redacted]').replace(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*/g, '[redacted]');
	for (const key of ['apiKey', 'secretKey', 'accessKey']) {
		const secret = credentials[key];
		if (typeof secret === 'string' && secret.length >= 4) out = out.split(secret).join('[redacted]');
	}
	return out;
}

function unwrapEnvelope(this: KlingContext, response: IN8nHttpFullResponse, credentials: IDataObject): KlingResponse {
	const status = response.statusCode;
	const text = typeof response.body === 'string' ? response.body : String(response.body ?? '');
	let parsed: unknown;
	try {
		parsed = parseJsonLossless(text);
	} catch {
		const kind = /^\s*</.test(text) ? 'an HTML page' : text.trim() ? 'a body that is not JSON' : 'an empty body';
		throw klingNoAnswerError(this.getNode(), `HTTP ${status} with ${kind}`, { httpStatus: status });
	}
	const envelope = envelopeSchema.safeParse(parsed);
	if (!envelope.success) {
		throw klingNoAnswerError(this.getNode(), `HTTP ${status} with JSON that is not a Kling response`, { httpStatus: status });
	}
	const { code, request_id: requestId, data } = envelope.data;
	const message = redactSecrets(envelope.data.message, credentials);
	if (code !== 0) {
		throw klingApiError(this.getNode(), {
			code,
			message,
			requestId,
			httpStatus: status,
			retryAfterMs: retryAfterOf(response.headers),
		});
	}
	if (status >= 300) {
		throw klingNoAnswerError(this.getNode(), `HTTP ${status} with code 0`, { httpStatus: status });
	}
	return { data, requestId };
}

function retryAfterOf(headers: IN8nHttpFullResponse['headers']): number | undefined {
	const value = headers?.['retry-after'];
	const seconds = Number(Array.isArray(value) ? value[0] : value);
	return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
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
 * Yields the pages of a list endpoint in order. Kling's lists carry no total: a page shorter than `pageSize`
 * is the last one (kling-api.md §2). Stop iterating to stop reading.
 */
export async function* klingPages(
	this: KlingContext,
	path: string,
	options: { pageSize?: number; firstPage?: number; qs?: IDataObject; clock?: Clock } = {},
): AsyncGenerator<unknown[]> {
	const pageSize = options.pageSize ?? 500;
	for (let pageNum = options.firstPage ?? 1; pageNum <= 1000; pageNum++) {
		const { data } = await klingApiRequest.call(this, {
			method: 'GET',
			path,
			qs: { ...options.qs, pageNum, pageSize },
			clock: options.clock,
		});
		const page = Array.isArray(data) ? data : [];
		yield page;
		if (page.length < pageSize) return;
	}
}
