/** The fault injector: applies the rules of faultTypes.cts to requests, tasks and callbacks. */
import { randomUUID } from 'crypto';
import type { ServerResponse } from 'http';

import type { AppliedFault, ApiOperation, CallbackFault, Fault, FileFault, FaultExchange, FaultKind, FaultMatch, FaultRule, NoResultFault, RequestFault, SimReply, StuckFault } from './faultTypes.cts';
import { stringifyJson } from './json.cts';
import { PRODUCT_ALIASES, PRODUCTS } from './products.cts';
import type { Task } from './state.cts';
import type { LoggedRequest } from './types.cts';

const REQUEST_KINDS = new Set<FaultKind>(['error', 'retryAfter', 'okWithCode', 'dropAfterAccept', 'delay', 'malformedJson', 'html']);
const CALLBACK_KINDS = new Set<FaultKind>(['repeatCallbacks', 'reorderCallbacks', 'dropCallbacks']);
const PROCESSED_BY_DEFAULT = new Set<FaultKind>(['dropAfterAccept', 'delay', 'malformedJson']);

/** HTTP status and message per code, as kling-api.md §10 lists them (messages worded like Kling's). */
const CODE_DEFAULTS: Record<number, [number, string]> = {
	1000: [401, 'Auth failed'],
	1001: [401, 'Authorization is empty'],
	1002: [401, 'Authorization is invalid'],
	1003: [401, 'Auth failed: token is not yet valid (nbf)'],
	1004: [401, 'Auth failed: token has expired (exp)'],
	1100: [429, 'Account exception'],
	1101: [429, 'Account in arrears'],
	1102: [429, 'Resource pack exhausted or expired'],
	1103: [403, 'No permission for the requested resource'],
	1200: [400, 'Invalid request parameters'],
	1201: [400, 'Invalid parameter'],
	1202: [404, 'Invalid request method'],
	1203: [404, 'Requested resource does not exist'],
	1300: [400, 'Trigger strategy of the platform'],
	1301: [400, 'Trigger the content security policy'],
	1302: [429, 'API request too fast, rate limit exceeded'],
	1303: [429, 'parallel task over resource pack limit'],
	1304: [429, 'Trigger the IP whitelist policy'],
	5000: [500, 'Server internal error'],
	5001: [503, 'Server temporarily unavailable, usually due to maintenance'],
	5002: [504, 'Server internal timeout, usually due to a backlog'],
};

const REASONS: Record<number, string> = { 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' };

/** What nginx in front of a relay shows when its upstream is gone. */
const HTML_PAGE = (status: number) => {
	const title = `${status} ${REASONS[status] ?? 'Error'}`;
	return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
};

/** The envelope code logged when no envelope was sent (dropped, HTML, truncated JSON). */
export const NO_ENVELOPE_CODE = -1;

interface ActiveRule {
	rule: FaultRule;
	left: number;
}

export function isRequestFault(fault: Fault): fault is RequestFault {
	return REQUEST_KINDS.has(fault.kind);
}

function isFinalStatus(task: Task): boolean {
	return task.status === 'succeed' || task.status === 'failed';
}

/** The product a path belongs to, and which of its operations the request is. */
export function classifyRequest(method: string, path: string): { product?: string; operation?: ApiOperation } {
	const segments = path.replace(/\/+$/, '').split('/');
	for (const product of PRODUCTS) {
		const at = segments.lastIndexOf(product.name);
		if (at < 0 || segments[at - 1] !== product.path.split('/').slice(-2)[0]) continue;
		if (at === segments.length - 1) return { product: product.name, operation: method === 'POST' ? 'create' : 'list' };
		if (at === segments.length - 2 && method === 'GET') return { product: product.name, operation: 'query' };
		return { product: product.name };
	}
	return {};
}

export function matches(when: FaultMatch | undefined, entry: LoggedRequest): boolean {
	if (!when) return true;
	if (when.method !== undefined && when.method.toUpperCase() !== entry.method) return false;
	if (when.pathIncludes !== undefined && !entry.path.includes(when.pathIncludes)) return false;
	if (when.bodyIncludes !== undefined && !entry.rawBody.includes(when.bodyIncludes)) return false;
	if (when.product !== undefined || when.operation !== undefined) {
		const { product, operation } = classifyRequest(entry.method, entry.path);
		if (when.product !== undefined && (PRODUCT_ALIASES[when.product] ?? when.product) !== product) return false;
		if (when.operation !== undefined && when.operation !== operation) return false;
	}
	return true;
}

function codeMessage(code: number, given: string | undefined, entry: LoggedRequest): string {
	const message = given ?? CODE_DEFAULTS[code]?.[1] ?? `Simulated fault ${code}`;
	const authorization = entry.headers.authorization;
	return message.replace(/\{authorization\}/g, Array.isArray(authorization) ? authorization.join(', ') : (authorization ?? ''));
}

/**
 * Holds the rules of one simulator and applies them. The server asks it about every API request
 * (`intercept`), every task a create made (`tasksCreated`) and every callback (`callback`).
 */
export class FaultInjector {
	readonly log: AppliedFault[] = [];
	private rules: ActiveRule[] = [];
	private taskFaults = new WeakMap<Task, CallbackFault>();
	private held = new WeakMap<Task, string[]>();
	private delayed = new Set<{ timer: NodeJS.Timeout; res: ServerResponse }>();

	add(rule: FaultRule): () => void {
		const times = rule.times ?? 1;
		if (!(times >= 0)) throw new Error(`times must be a number >= 0 (got ${rule.times})`);
		if (rule.fault.kind === 'repeatCallbacks' && !(rule.fault.count >= 1)) throw new Error('repeatCallbacks needs count >= 1');
		const active: ActiveRule = { rule, left: times };
		this.rules.push(active);
		return () => {
			this.rules = this.rules.filter((r) => r !== active);
		};
	}

	/** Clears rules, log and pending delayed answers (their sockets are closed). */
	reset(): void {
		this.rules = [];
		this.log.length = 0;
		for (const pending of this.delayed) {
			clearTimeout(pending.timer);
			pending.res.destroy();
		}
		this.delayed.clear();
	}

	/** Applies the first matching request rule, if any; returns false when the request should be served normally. */
	intercept(exchange: FaultExchange): boolean {
		const fault = this.take(exchange.entry, (f): f is RequestFault => isRequestFault(f));
		if (!fault) return false;
		this.apply(fault, exchange);
		return true;
	}

	/** What goes wrong with the download of this file, if a file rule matched it. */
	fileFault(entry: LoggedRequest): FileFault['kind'] | undefined {
		const fault = this.take(entry, (f): f is FileFault => ['cutFile', 'pageInsteadOfFile', 'emptyFile', 'emptyChunkedFile'].includes(f.kind));
		if (fault) entry.fault = this.record(fault, entry, { answered: fault.kind !== 'cutFile' });
		return fault?.kind;
	}

	/** Binds task and callback rules to the tasks a create just made. */
	tasksCreated(tasks: Task[], entry: LoggedRequest): void {
		for (const task of tasks) {
			const stuck = this.take(entry, (f): f is StuckFault => f.kind === 'stuck');
			if (stuck) {
				// state.cts schedules [0] the move to processing and [1] the finish; a stuck task keeps [0] unless it
				// is to stay submitted. The unit tests pin this ordering.
				const cancel = stuck.status === 'submitted' ? task.timers : task.timers.slice(1);
				cancel.forEach((timer) => clearTimeout(timer));
				this.record(stuck, entry, { taskId: task.taskId });
			}
			const noResult = this.take(entry, (f): f is NoResultFault => f.kind === 'noResult');
			if (noResult) {
				task.withoutResult = true;
				this.record(noResult, entry, { taskId: task.taskId });
			}
			if (!task.callbackUrl) continue;
			const callback = this.take(entry, (f): f is CallbackFault => CALLBACK_KINDS.has(f.kind));
			if (callback) {
				this.taskFaults.set(task, callback);
				this.record(callback, entry, { taskId: task.taskId });
			}
		}
	}

	/** Delivers (or not) one status-change callback of a task. */
	callback(task: Task, body: string, send: (body: string) => void): void {
		const fault = this.taskFaults.get(task);
		if (!fault) return send(body);
		switch (fault.kind) {
			case 'dropCallbacks':
				return;
			case 'repeatCallbacks':
				for (let i = 0; i < fault.count; i++) send(body);
				return;
			case 'reorderCallbacks': {
				const held = this.held.get(task) ?? [];
				if (!isFinalStatus(task)) {
					this.held.set(task, [...held, body]);
					return;
				}
				this.held.delete(task);
				send(body);
				held.forEach((earlier) => send(earlier));
				return;
			}
		}
	}

	private take<F extends Fault>(entry: LoggedRequest, kind: (fault: Fault) => fault is F): F | undefined {
		for (const active of this.rules) {
			if (active.left <= 0 || !kind(active.rule.fault) || !matches(active.rule.when, entry)) continue;
			active.left--;
			return active.rule.fault as F;
		}
		return undefined;
	}

	private record(fault: Fault, entry: LoggedRequest, extra: Partial<AppliedFault> = {}): AppliedFault {
		const applied: AppliedFault = { kind: fault.kind, fault, at: Date.now(), method: entry.method, path: entry.path, ...extra };
		this.log.push(applied);
		return applied;
	}

	private apply(fault: RequestFault, { entry, res, handle, send, text }: FaultExchange): void {
		const processed = fault.processed ?? PROCESSED_BY_DEFAULT.has(fault.kind);
		const applied = this.record(fault, entry, { processed, answered: true });
		entry.fault = applied;
		let reply: SimReply | undefined;
		if (processed) {
			reply = handle();
			applied.handled = { status: reply.status, code: reply.code };
			const taskId = (reply.data as { task_id?: unknown } | undefined)?.task_id;
			if (reply.code === 0 && entry.method === 'POST' && typeof taskId === 'string') applied.taskId = taskId;
		}
		const raw = (status: number, contentType: string, body: string) => {
			entry.status = status;
			entry.code = NO_ENVELOPE_CODE;
			res.writeHead(status, { 'content-type': contentType }).end(body);
		};
		switch (fault.kind) {
			case 'error': {
				const [status] = CODE_DEFAULTS[fault.code] ?? [500];
				return send({ status: fault.httpStatus ?? status, code: fault.code, message: codeMessage(fault.code, fault.message, entry) });
			}
			case 'retryAfter': {
				const code = fault.code ?? 1302;
				return send({ status: 429, code, message: codeMessage(code, fault.message, entry) }, { 'retry-after': String(fault.seconds) });
			}
			case 'okWithCode':
				return send({ status: 200, code: fault.code, message: codeMessage(fault.code, fault.message, entry) });
			case 'dropAfterAccept':
				entry.status = 0;
				entry.code = NO_ENVELOPE_CODE;
				applied.answered = false;
				res.socket?.destroy();
				res.destroy();
				return;
			case 'delay': {
				const pending = {
					res,
					timer: setTimeout(() => {
						this.delayed.delete(pending);
						if (res.destroyed || res.socket === null || res.socket.destroyed) {
							entry.status = 0;
							entry.code = NO_ENVELOPE_CODE;
							applied.answered = false;
							return;
						}
						// Not processed yet: the request reaches the simulator only now, as behind a slow proxy.
						if (!reply) {
							reply = handle();
							applied.processed = true;
							applied.handled = { status: reply.status, code: reply.code };
						}
						send(reply);
					}, fault.ms),
				};
				this.delayed.add(pending);
				// Until the timer fires, the log shows no answer.
				entry.status = 0;
				entry.code = NO_ENVELOPE_CODE;
				return;
			}
			case 'malformedJson': {
				const full = reply
					? text(reply)
					: stringifyJson({ code: 0, message: 'SUCCEED', request_id: randomUUID(), data: { task_id: '842250903629086785', task_status: 'submitted' } });
				// Any proper prefix of a JSON object is invalid JSON.
				return raw(200, 'application/json; charset=utf-8', full.slice(0, Math.max(1, Math.floor(full.length / 2))));
			}
			case 'html': {
				const status = fault.httpStatus ?? 502;
				return raw(status, 'text/html', HTML_PAGE(status));
			}
		}
	}
}
