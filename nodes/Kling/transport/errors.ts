import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { KLING_CODES } from '../contract/codes';

/** What the package knows about a failed Kling call, kept on the error's context so callers can branch on it. */
export interface KlingErrorContext {
	klingCode?: number;
	requestId?: string;
	httpStatus?: number;
	/** No usable answer arrived (connection, timeout, unreadable body): a create may or may not have happened. */
	noAnswer?: boolean;
	/** The request reached no server (connection refused, host not found): nothing can have happened. */
	neverSent?: boolean;
	/** HTTP 429 without Kling's JSON (a relay's or gateway's limit): refused for now, worth another try later. */
	rateLimited?: boolean;
	retryAfterMs?: number;
	/** An earlier try of the request got no usable answer, so it may have done what was asked (a delete, say). */
	afterLostTry?: boolean;
}

export function klingErrorContext(error: unknown): KlingErrorContext {
	const context = (error as { context?: Record<string, unknown> })?.context;
	return (context?.kling as KlingErrorContext | undefined) ?? {};
}

/**
 * Kling does not know the id it was given: a query for an unknown task id or external id answers HTTP 400 with
 * code 1201 (observed live, docs/kling-api.md §10), a path a relay lacks answers 404, 1202 or 1203.
 */
export function isNotFound(error: unknown): boolean {
	const { klingCode, httpStatus } = klingErrorContext(error);
	return httpStatus === 404 || [1201, 1202, 1203].includes(klingCode ?? 0);
}

/** A failure worth another try later: no usable answer, or a Kling code that says so (1302, 1303, 5000 to 5002). */
export function isTransient(error: unknown): boolean {
	const { klingCode, noAnswer, rateLimited } = klingErrorContext(error);
	return noAnswer === true || rateLimited === true || (klingCode !== undefined && KLING_CODES[klingCode]?.retryable === true);
}

/** A Kling answer with a non-zero `code`, as an error that says what happened and how to fix it. */
export function klingApiError(
	node: INode,
	details: { code: number; message: string; requestId?: string; httpStatus: number; retryAfterMs?: number },
): NodeApiError {
	const { code, message, requestId, httpStatus, retryAfterMs } = details;
	const info = KLING_CODES[code];
	const meaning = info?.meaning ?? `Kling error ${code}`;
	const error = new NodeApiError(node, { code, message, request_id: requestId ?? null } as JsonObject, {
		message: message ? `${meaning}: ${message}` : meaning,
		description: [info?.hint, `Kling code ${code}`, requestId && `request ID ${requestId}`].filter(Boolean).join(' · '),
		httpCode: String(httpStatus),
		failure: failureOf(code, retryAfterMs),
	});
	// NodeApiError swaps a message naming ECONNRESET, ENOTFOUND and the like for its own advice about the user's network;
	// Kling's text names Kling's fetch of a user's file.
	error.message = message ? `${meaning}: ${message}` : meaning;
	error.context.kling = { klingCode: code, requestId, httpStatus, retryAfterMs } satisfies KlingErrorContext;
	return error;
}

/**
 * A call that got no Kling answer. Built from scratch so no request option (headers!) leaks into it. A 4xx that is not
 * Kling's JSON (a relay's error page, a path it lacks) was refused, so a create it answered made no task; only a 429
 * (a relay's or gateway's rate limit) is worth another try. Anything else (no answer, a 5xx page) may have reached Kling.
 */
export function klingNoAnswerError(node: INode, reason: string, details: { httpStatus?: number; neverSent?: boolean; retryAfterMs?: number } = {}): NodeApiError {
	const { httpStatus, neverSent, retryAfterMs } = details;
	const refused = httpStatus !== undefined && httpStatus >= 400 && httpStatus < 500;
	const rateLimited = httpStatus === 429;
	const error = new NodeApiError(node, { message: reason } as JsonObject, {
		message: `No valid answer from Kling: ${reason}`,
		description:
			'Check the network and the base URL in the Kling credential. A relay that answers with an HTML page is usually down or misconfigured.',
		httpCode: httpStatus ? String(httpStatus) : undefined,
		failure: rateLimited ? { cause: 'rate-limited', retryAfterMs } : refused ? undefined : { cause: 'temporarily-unavailable' },
	});
	error.message = `No valid answer from Kling: ${reason}`;
	error.context.kling = { noAnswer: !refused, rateLimited, httpStatus, neverSent, retryAfterMs } satisfies KlingErrorContext;
	return error;
}

/**
 * HTTP 401 or 403 without Kling's `code`: a relay or gateway refused the credential itself (new-api answers
 * `{"error":{"message":"invalid token"}}`), so the network is fine and the key, or the base URL it goes to, is not.
 * Refused, so a create it answered made no task. `reason` is the server's own short reason, already stripped of secrets.
 */
export function klingCredentialRefusedError(node: INode, httpStatus: 401 | 403, reason?: string): NodeApiError {
	const message = `The server refused the credential (HTTP ${httpStatus}${reason ? `: ${reason}` : ''})`;
	const error = new NodeApiError(node, { message } as JsonObject, {
		message,
		description: [
			"Check the API key (or access key and secret key, or the relay's token) and the region or base URL in the Kling credential.",
			httpStatus === 403 && 'A firewall in front of the server can also answer 403.',
		]
			.filter(Boolean)
			.join(' '),
		httpCode: String(httpStatus),
		failure: { cause: 'credential-invalid' },
	});
	error.message = message;
	error.context.kling = { httpStatus } satisfies KlingErrorContext;
	return error;
}

/** n8n's failure cause; only the causes a wait can help carry Kling's Retry-After. */
function failureOf(code: number, retryAfterMs?: number): NodeApiError['failure'] {
	const cause = KLING_CODES[code]?.failure;
	if (cause === 'rate-limited' || cause === 'quota-exhausted' || cause === 'temporarily-unavailable') {
		return { cause, retryAfterMs };
	}
	return cause ? { cause } : undefined;
}

/** Adds sentences to an error's description, after what it says already. */
export function appendDescription<E extends { description?: string | null }>(error: E, ...sentences: Array<string | undefined>): E {
	const description = [error.description, ...sentences].filter(Boolean).join(' ');
	if (description) error.description = description;
	return error;
}

/** Errors raised in this package already are n8n errors; anything else is wrapped so n8n can show it. */
export function asNodeError(node: INode, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error);
}
