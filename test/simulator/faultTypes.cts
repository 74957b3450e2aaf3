import type { ServerResponse } from 'http';

import type { LoggedRequest } from './types.cts';

/**
 * The fault rules a test can switch on (the injector itself is in faults.cts). Fault injection: data-driven rules a test switches on for a while, to see what a client does when Kling (or a
 * relay in front of it) misbehaves. Three families, all registered with `sim.injectFault({ when, times, fault })`:
 *
 * - request faults shape the answer to matching API requests (not file downloads);
 * - task faults change the life of a task made by a matching create;
 * - callback faults change how that task's callbacks are delivered;
 * - file faults break the download of a matching generated file (`when.pathIncludes: '/files/'`).
 *
 * `processed` says whether the simulator handles the request before the fault shapes the answer: a processed
 * create makes its task (and counts in createdTaskCount) even though the client never learns of it.
 */

/** An answer in the legacy envelope: Kling refused, or a relay passed on an error. Not processed by default. */
export interface ErrorFault {
	kind: 'error';
	code: number;
	/** Default: the HTTP status kling-api.md §10 lists for the code (e.g. 500 for 5000, 429 for 1302). */
	httpStatus?: number;
	/** Default: a Kling-like message for the code. `{authorization}` is replaced by the request's header. */
	message?: string;
	processed?: boolean;
}

/** HTTP 429 with a `Retry-After` header (seconds). Not processed by default. */
export interface RetryAfterFault {
	kind: 'retryAfter';
	seconds: number;
	code?: 1302 | 1303;
	message?: string;
	processed?: boolean;
}

/** HTTP 200 with a non-zero `code` (kling-api.md §2 UNCERTAIN). Not processed by default. */
export interface OkWithCodeFault {
	kind: 'okWithCode';
	code: number;
	message?: string;
	processed?: boolean;
}

/** The socket is destroyed without any response. Processed by default: the create IS accepted. */
export interface DropAfterAcceptFault {
	kind: 'dropAfterAccept';
	processed?: boolean;
}

/** The request is handled at once and answered `ms` real milliseconds later (if the client still listens). */
export interface DelayFault {
	kind: 'delay';
	ms: number;
	processed?: boolean;
}

/** HTTP 200 with a truncated JSON body. Processed by default: the body was cut after the work was done. */
export interface MalformedJsonFault {
	kind: 'malformedJson';
	processed?: boolean;
}

/** A relay's HTML error page (default HTTP 502). Not processed by default: the relay could not reach Kling. */
export interface HtmlFault {
	kind: 'html';
	httpStatus?: number;
	processed?: boolean;
}

export type RequestFault =
	| ErrorFault
	| RetryAfterFault
	| OkWithCodeFault
	| DropAfterAcceptFault
	| DelayFault
	| MalformedJsonFault
	| HtmlFault;

/** Task fault: the task made by a matching create never finishes (it stays `processing` unless told otherwise). */
export interface StuckFault {
	kind: 'stuck';
	status?: 'submitted' | 'processing';
}

/**
 * Task fault: the task made by a matching create succeeds (and is charged) but every answer about it holds no result:
 * `task_result` is empty in queries, lists and callbacks, as a Kling that lost or withheld its output would show it.
 */
export interface NoResultFault {
	kind: 'noResult';
}

/** Callback faults, for tasks (with a callback_url) made by a matching create. */
export interface RepeatCallbacksFault {
	kind: 'repeatCallbacks';
	/** Every callback of the task is delivered this many times (separate deliveries, separate webhook ids). */
	count: number;
}

/** Non-final callbacks are held back and delivered after the final one ("succeed" before "processing"). */
export interface ReorderCallbacksFault {
	kind: 'reorderCallbacks';
}

/** No callback of the task is ever sent. */
export interface DropCallbacksFault {
	kind: 'dropCallbacks';
}

/** File fault: the download stops half way; the full Content-Length was announced, then the connection closes. */
export interface CutFileFault {
	kind: 'cutFile';
}

/** File fault: a page comes instead of the file, with 200 (an expired link's page, a relay's error page). */
export interface PageInsteadOfFileFault {
	kind: 'pageInsteadOfFile';
}

/** File fault: an empty body with 200 and `Content-Length: 0` (a storage hiccup, a file not written yet). */
export interface EmptyFileFault {
	kind: 'emptyFile';
}

/** File fault: an empty body with 200 and no Content-Length (chunked), so only its end shows that it was empty. */
export interface EmptyChunkedFileFault {
	kind: 'emptyChunkedFile';
}

export type FileFault = CutFileFault | PageInsteadOfFileFault | EmptyFileFault | EmptyChunkedFileFault;

export type TaskFault = StuckFault | NoResultFault;
export type CallbackFault = RepeatCallbacksFault | ReorderCallbacksFault | DropCallbacksFault;
export type Fault = RequestFault | TaskFault | CallbackFault | FileFault;
export type FaultKind = Fault['kind'];

export type ApiOperation = 'create' | 'query' | 'list';

/** Which requests a rule applies to; every given field must match. Task and callback rules match the create. */
export interface FaultMatch {
	method?: string;
	pathIncludes?: string;
	/** A product name from PRODUCT_NAMES, or an alias ('elements', 'voices'). */
	product?: string;
	/** create = POST on a product path; query = GET {path}/{id}; list = GET {path}. */
	operation?: ApiOperation;
	/** A substring of the raw request body, e.g. an element name, to pick one item's create. */
	bodyIncludes?: string;
}

export interface FaultRule {
	when?: FaultMatch;
	/**
	 * How often the rule applies before it retires: requests for request faults, tasks for task and callback
	 * faults. Default 1; Infinity for "until removed".
	 */
	times?: number;
	fault: Fault;
}

/** One application of a fault, as recorded in `sim.faultLog` (and on the request, for request faults). */
export interface AppliedFault {
	kind: FaultKind;
	fault: Fault;
	/** Real time (Date.now()) of the application. */
	at: number;
	/** The request that triggered it (for task and callback faults: the create). */
	method: string;
	path: string;
	/** Request faults: whether the simulator handled the request before the fault shaped the answer. */
	processed?: boolean;
	/** Request faults on processed requests: what the simulator itself answered. */
	handled?: { status: number; code: number };
	/** Request faults: whether any response reached the socket (false for drops and abandoned delays). */
	answered?: boolean;
	/** Task and callback faults, and processed creates: the task concerned. */
	taskId?: string;
}

/** What the server hands the injector for one faulted request. */
export interface FaultExchange {
	entry: LoggedRequest;
	res: ServerResponse;
	/** Handles the request as if no fault applied; a create makes its task. */
	handle(): SimReply;
	/** Answers in the legacy envelope and records status and code on the log entry. */
	send(reply: SimReply, headers?: Record<string, string>): void;
	/** The envelope text `send` would write. */
	text(reply: SimReply): string;
}

export interface SimReply {
	status: number;
	code: number;
	message: string;
	data?: unknown;
}
