import { randomUUID } from 'crypto';
import { createServer, IncomingMessage, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { DEFAULT_RESOURCE_PACKS } from './account.cts';
import { checkAuthorization } from './auth.cts';
import { CallbackDelivery, CallbackSender } from './callbacks.cts';
import { FaultInjector } from './faults.cts';
import { parseLossless, stringifyJson } from './json.cts';
import { defaultFailure, elements, PRODUCT_ALIASES, voices } from './products.cts';
import { callbackJson, presetElements, presetVoices } from './records.cts';
import { buildRoutes, matchRoute } from './routes.cts';
import { SimState, Task } from './state.cts';
import type { KlingSimulator, LoggedRequest, SeedElementInput, SimulatorOptions, TaskSnapshot } from './types.cts';
import { ApiError, Body, isObject } from './validation.cts';

export * from './types.cts';
export type { ResourcePack } from './account.cts';
export * from './faults.cts';
export * from './faultTypes.cts';
export { signJwt } from './auth.cts';
export { signWebhook } from './webhook.cts';
export { parseLossless, stringifyJson } from './json.cts';
export { fakeMp4, makePng } from './media.cts';
export { ELEMENT_FAILURE_MESSAGE } from './products.cts';
export { SERIES_AUTO_AMOUNT } from './images.cts';

/** Product names accepted by createdTaskCount / tasks / failTaskWhen. */
export const PRODUCT_NAMES = [
	'advanced-custom-elements',
	'custom-voices',
	'ai-multi-shot',
	'omni-video',
	'image2video',
	'motion-control',
	'omni-image',
	'generations',
] as const;

interface Reply {
	status: number;
	code: number;
	message: string;
	data?: unknown;
}

function resolveOptions(input: SimulatorOptions): Required<SimulatorOptions> {
	return {
		apiKeys: input.apiKeys ?? ['test-api-key'],
		keyPairs: input.keyPairs ?? { 'test-access-key': 'test-secret-key' },
		timing: { submittedMs: input.timing?.submittedMs ?? 30, processingMs: input.timing?.processingMs ?? 60 },
		concurrencyLimit: input.concurrencyLimit ?? Infinity,
		imageConcurrencyLimit: input.imageConcurrencyLimit ?? Infinity,
		imagePack: input.imagePack ?? true,
		pathPrefix: input.pathPrefix ?? '',
		webhookSecret: input.webhookSecret ?? '',
		callbackRetries: input.callbackRetries ?? 2,
		presetElements: input.presetElements ?? 3,
		videoBytes: input.videoBytes ?? 4096,
		port: input.port ?? 0,
		elementIdForms: input.elementIdForms ?? 'both',
		elementKindKey: input.elementKindKey ?? 'reference_type',
		automaticVoice: input.automaticVoice ?? false,
		missingVoiceInfo: input.missingVoiceInfo ?? 'empty',
		resourcePacks: input.resourcePacks ?? DEFAULT_RESOURCE_PACKS,
		callbackResults: input.callbackResults ?? 'all',
	};
}

/** '/kling/' -> '/kling', 'kling' -> '/kling', '' or '/' -> ''. */
function normalizePrefix(prefix: string): string {
	const trimmed = prefix.trim().replace(/\/+$/, '');
	return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * A create whose `element_list` holds an id form the endpoint does not take. Checked on the raw text: once parsed,
 * a string id and a big bare integer look the same. (The delete body's `element_id` is not in a list.)
 */
function refusedElementIdForm(rawBody: string, accepted: Required<SimulatorOptions>['elementIdForms']): Reply | undefined {
	const list = /"element_list"\s*:\s*\[[^\]]*\]/.exec(rawBody)?.[0] ?? '';
	if (accepted === 'integer' && /"element_id"\s*:\s*"/.test(list)) {
		return { status: 400, code: 1200, message: 'Invalid request parameters' };
	}
	if (accepted === 'string' && /"element_id"\s*:\s*-?\d/.test(list)) {
		return { status: 400, code: 1201, message: 'Invalid parameter value' };
	}
	return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/** Starts a Kling API simulator on 127.0.0.1 and an ephemeral port. */
export async function startSimulator(input: SimulatorOptions = {}): Promise<KlingSimulator> {
	const options = resolveOptions(input);
	const startOptions = structuredClone(options);
	const routes = buildRoutes();
	const requests: LoggedRequest[] = [];
	const callbacks: CallbackDelivery[] = [];
	let origin = '';
	let closed = false;
	const faults = new FaultInjector();

	const sender = new CallbackSender(
		() => ({ webhookSecret: options.webhookSecret, callbackRetries: options.callbackRetries }),
		(delivery) => callbacks.push(delivery),
	);
	const onStatusChange = (task: Task): void => {
		if (closed || !task.callbackUrl) return;
		const url = task.callbackUrl;
		faults.callback(task, stringifyJson(callbackJson(task, sim, options.callbackResults)), (body) => sender.send(task.taskId, url, body));
	};
	const sim = new SimState(options, () => origin, onStatusChange, defaultFailure);

	function handleApi(method: string, path: string, query: Record<string, string>, req: IncomingMessage, entry: LoggedRequest): Reply {
		const prefix = normalizePrefix(options.pathPrefix);
		let routePath = path;
		if (prefix !== '') {
			if (path !== prefix && !path.startsWith(`${prefix}/`)) return routeNotFound(method, path);
			routePath = path.slice(prefix.length);
		}
		// The vendor's curl examples end with '/', clients omit it: accept both.
		if (routePath.length > 1 && routePath.endsWith('/')) routePath = routePath.slice(0, -1);
		const match = matchRoute(routes, method, routePath);
		if (match === undefined || match === 'wrong-method') return routeNotFound(method, path);

		const authFailure = checkAuthorization(req.headers.authorization, options.apiKeys, options.keyPairs, match.route.apiKeyOnly);
		if (authFailure) return { status: 401, ...authFailure };

		let body: Body = {};
		if (method === 'POST') {
			try {
				const parsed = parseLossless(entry.rawBody);
				entry.body = parsed;
				if (!isObject(parsed)) throw new Error('body must be a JSON object');
				body = parsed;
			} catch (error) {
				return { status: 400, code: 1200, message: `Invalid request parameters: ${(error as Error).message}` };
			}
		}
		const refusedIds = refusedElementIdForm(entry.rawBody, options.elementIdForms);
		if (refusedIds) return refusedIds;
		try {
			const data = match.route.handle({ params: match.params, query, body, sim });
			return { status: 200, code: 0, message: 'SUCCEED', data };
		} catch (error) {
			if (error instanceof ApiError) return { status: error.status, code: error.code, message: error.message };
			return { status: 500, code: 5000, message: `Internal error: ${(error as Error).message}` };
		}
	}

	function routeNotFound(method: string, path: string): Reply {
		return { status: 404, code: 1202, message: `Invalid request method or path: ${method} ${path}` };
	}

	function serveFile(method: string, path: string, res: ServerResponse, entry: LoggedRequest): void {
		const file = method === 'GET' || method === 'HEAD' ? sim.files.get(decodeURIComponent(path.slice('/files/'.length))) : undefined;
		if (!file) {
			entry.status = 404;
			entry.code = 1203;
			res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
			return;
		}
		const fault = method === 'GET' ? faults.fileFault(entry) : undefined;
		entry.status = 200;
		if (fault === 'pageInsteadOfFile') {
			res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><html><body><h1>This link has expired</h1></body></html>');
			return;
		}
		if (fault === 'emptyFile') {
			res.writeHead(200, { 'content-type': file.contentType, 'content-length': '0' }).end();
			return;
		}
		if (fault === 'emptyChunkedFile') {
			res.writeHead(200, { 'content-type': file.contentType, 'transfer-encoding': 'chunked' }).end();
			return;
		}
		const bytes = file.bytes();
		res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(bytes.length) });
		if (fault === 'cutFile') {
			res.write(bytes.subarray(0, bytes.length >> 1), () => res.destroy());
			return;
		}
		res.end(method === 'HEAD' ? undefined : bytes);
	}

	async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const rawBody = await readBody(req);
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const method = (req.method ?? 'GET').toUpperCase();
		const entry: LoggedRequest = {
			receivedAt: Date.now(),
			method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: { ...req.headers },
			rawBody,
			body: undefined,
			status: 0,
			code: 0,
		};
		requests.push(entry);
		// Parsed here too, so a request a fault kept from the handler is still logged with its body.
		if (rawBody !== '') {
			try {
				entry.body = parseLossless(rawBody);
			} catch {
				// logged as undefined, as documented
			}
		}
		if (url.pathname.startsWith('/files/')) {
			serveFile(method, url.pathname, res, entry);
			return;
		}
		const handle = (): Reply => {
			const before = sim.tasks.length;
			const reply = handleApi(method, url.pathname, entry.query, req, entry);
			faults.tasksCreated(sim.tasks.slice(before), entry);
			return reply;
		};
		const text = (reply: Reply) =>
			stringifyJson({ code: reply.code, message: reply.message, request_id: randomUUID(), data: reply.data });
		const send = (reply: Reply, headers: Record<string, string> = {}) => {
			entry.status = reply.status;
			entry.code = reply.code;
			res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers });
			res.end(text(reply));
		};
		if (faults.intercept({ entry, res, handle, send, text })) return;
		send(handle());
	}

	const server = createServer((req, res) => {
		onRequest(req, res).catch((error: Error) => {
			if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
			res.end(JSON.stringify({ code: 5000, message: `Internal error: ${error.message}`, request_id: randomUUID() }));
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port, '127.0.0.1', () => resolve());
	});
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	const canonical = (product: string): string => PRODUCT_ALIASES[product] ?? product;
	const snapshot = (t: Task): TaskSnapshot => ({
		product: t.product.name,
		taskId: t.taskId,
		externalTaskId: t.externalTaskId,
		status: t.status,
		statusMsg: t.statusMsg,
		body: t.body,
		createdAt: t.createdAt,
		updatedAt: t.updatedAt,
		outputId: t.outputId,
	});

	const simulator: KlingSimulator = {
		get url() {
			return origin + normalizePrefix(options.pathPrefix);
		},
		origin,
		requests,
		callbacks,
		options,
		get maxInFlightSeen() {
			return sim.maxInFlightSeen;
		},
		get maxImageSlotsSeen() {
			return sim.maxImageSlotsSeen;
		},
		apiRequests(filter = {}) {
			return requests.filter(
				(r) =>
					!r.path.startsWith('/files/') &&
					(filter.method === undefined || r.method === filter.method.toUpperCase()) &&
					(filter.pathIncludes === undefined || r.path.includes(filter.pathIncludes)),
			);
		},
		createdTaskCount(product) {
			if (product === undefined) return [...sim.created.values()].reduce((a, b) => a + b, 0);
			return sim.created.get(canonical(product)) ?? 0;
		},
		injectFault(rule) {
			return faults.add(rule);
		},
		faultLog: faults.log,
		failTaskWhen(predicate) {
			sim.predicates.push(predicate);
			return () => {
				sim.predicates = sim.predicates.filter((p) => p !== predicate);
			};
		},
		seedElement(seed: SeedElementInput = {}) {
			const referenceType = seed.referenceType ?? 'image_refer';
			const body: Body = {
				element_name: seed.name ?? `Seeded ${sim.elements.size + 1}`,
				element_description: seed.description ?? 'A seeded test element',
				reference_type: referenceType,
				tag_list: (seed.tagIds ?? []).map((tag_id) => ({ tag_id })),
			};
			if (seed.voiceId !== undefined) body.element_voice_id = seed.voiceId;
			if (referenceType === 'image_refer') {
				body.element_image_list = {
					frontal_image: 'https://example.com/seed/front.png',
					refer_images: [{ image_url: 'https://example.com/seed/side.png' }],
				};
			} else {
				body.element_video_list = { refer_videos: [{ video_url: 'https://example.com/seed/clip.mp4' }] };
			}
			elements.validate(body, sim);
			return sim.seed(elements, body, seed.id === undefined ? undefined : BigInt(seed.id)).outputId as string;
		},
		seedVoice(seed = {}) {
			const body: Body = { voice_name: seed.name ?? `Seeded voice ${sim.voices.size + 1}`, voice_url: 'https://example.com/seed/voice.mp3' };
			voices.validate(body, sim);
			return sim.seed(voices, body).outputId as string;
		},
		presetElementIds: () => presetElements(sim).map((e) => e.id.toString()),
		presetVoiceIds: () => presetVoices(sim).map((v) => v.id),
		finishTask(taskId) {
			sim.finishNow(taskId);
		},
		advanceTask(taskId) {
			sim.advanceNow(taskId);
		},
		tasks(product) {
			return sim.tasks.filter((t) => product === undefined || t.product.name === canonical(product)).map(snapshot);
		},
		async idle(timeoutMs = 10000) {
			// Real time (performance is never faked): under the in-process suite's virtual clock Date runs ahead.
			const deadline = performance.now() + timeoutMs;
			while (sim.inFlight() > 0 || sender.busy) {
				if (performance.now() > deadline) throw new Error(`simulator not idle after ${timeoutMs} ms`);
				await new Promise((resolve) => setTimeout(resolve, 5));
			}
		},
		reset() {
			Object.assign(options, structuredClone(startOptions));
			sender.cancelAll();
			faults.reset();
			sim.reset();
			requests.length = 0;
			callbacks.length = 0;
		},
		async close() {
			if (closed) return;
			closed = true;
			faults.reset();
			sim.stopTimers();
			await sender.close();
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
	return simulator;
}
