import type { CallbackDelivery } from './callbacks.cts';
import type { ResourcePack } from './account.cts';
import type { AppliedFault, FaultRule } from './faultTypes.cts';

export interface SimulatorOptions {
	/** Accepted bearer API keys; default ['test-api-key']. */
	apiKeys?: string[];
	/** accessKey -> secretKey accepted as HS256 JWT; default { 'test-access-key': 'test-secret-key' }. */
	keyPairs?: Record<string, string>;
	/** A task stays submitted for submittedMs, then processing for processingMs, then final. Default 30 / 60. */
	timing?: { submittedMs?: number; processingMs?: number };
	/**
	 * Max non-final video, element, voice and multi-shot tasks per account; over it a create answers HTTP 429 code
	 * 1303. Image tasks do not count here (imageConcurrencyLimit). Default Infinity.
	 */
	concurrencyLimit?: number;
	/**
	 * Slots of the account's image pack (kling-api.md §11: per pack type, separate from video). An image task holds
	 * `n` slots, a series as many as it makes images; a create whose slots would take the total over this answers
	 * HTTP 429 code 1303. Default Infinity.
	 */
	imageConcurrencyLimit?: number;
	/**
	 * Whether the account has an image pack. Without one every image create that passes validation answers HTTP 429,
	 * code 1102 "Account balance not enough", as observed live for an account with only a video pack (§10). Default true.
	 */
	imagePack?: boolean;
	/** e.g. '/kling' to mimic a relay: all API routes live under it. Default ''. */
	pathPrefix?: string;
	/** 'whsec_...'; when set, callbacks are signed (Standard Webhooks, §9.2). Default '' (unsigned). */
	webhookSecret?: string;
	/** Extra deliveries when the receiver answers non-2xx or is unreachable; default 2. */
	callbackRetries?: number;
	/** How many preset (official) elements exist; default 3. */
	presetElements?: number;
	/** Size of the fake mp4 served for generated videos; default 4096. */
	videoBytes?: number;
	/** TCP port on 127.0.0.1; default 0 (an ephemeral port). npm start uses a fixed one. */
	port?: number;
	/**
	 * Which forms of `element_id` inside a create's `element_list` the endpoint takes (kling-api.md §2, revised
	 * 2026-12: the vendor types it `long` and clients send bare integers). 'integer' plays an endpoint that refuses
	 * string ids with HTTP 400, code 1200 and a message that names no field; 'string' one that refuses bare integers
	 * with code 1201. Default 'both'.
	 */
	elementIdForms?: 'both' | 'integer' | 'string';
	/**
	 * The key that names an element's kind in answers: Kling's `reference_type`, `element_type` as two relays and a
	 * reseller write it (kling-api.md §3.2, UNCERTAIN), or none at all. Default 'reference_type'.
	 */
	elementKindKey?: 'reference_type' | 'element_type' | 'none';
	/**
	 * Whether a video element whose clip has speech gets a voice of its own. Kling's page says it does; one live user
	 * saw none after 15 minutes (kling-api.md §4: probably unreliable). Default false.
	 */
	automaticVoice?: boolean;
	/** The account's resource packs for `GET /account/costs` (account.cts has the default: video and image packs). */
	resourcePacks?: ResourcePack[];
	/** How an element without a voice shows `element_voice_info`: `{}`, `null`, or no key. Default 'empty'. */
	missingVoiceInfo?: 'empty' | 'null' | 'absent';
	/**
	 * What a legacy callback's task_result holds. Only images[] and videos[] are documented (kling-api.md §9.1);
	 * whether element and voice tasks' elements[]/voices[] come too is UNCERTAIN. 'all' sends them as a query would
	 * show them, 'documented' only images[] and videos[]. Default 'all'.
	 */
	callbackResults?: 'all' | 'documented';
}

export interface LoggedRequest {
	/** Date.now() when the request arrived. */
	receivedAt: number;
	method: string;
	/** Full request path without the query string (relay prefix included). */
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	rawBody: string;
	/** Parsed losslessly: 16+ digit integers as strings; undefined when there was no body or it did not parse. */
	body: unknown;
	/** HTTP status sent; 0 while a delayed answer is pending or when none was sent (dropped connection). */
	status: number;
	/**
	 * Envelope code; for file downloads 0 when served, 1203 when not found. NO_ENVELOPE_CODE (-1) when the fault
	 * sent no envelope (dropped, HTML page, truncated JSON).
	 */
	code: number;
	/** The request fault applied to this request, if any. */
	fault?: AppliedFault;
}

export type { CallbackDelivery };

export type TaskStatus = 'submitted' | 'processing' | 'succeed' | 'failed';

/** A read-only view of a task for tests that wait on simulator state instead of sleeping. */
export interface TaskSnapshot {
	product: string;
	taskId: string;
	externalTaskId: string;
	status: TaskStatus;
	statusMsg: string;
	body: Record<string, unknown>;
	createdAt: number;
	updatedAt: number;
	/** element_id or voice_id produced by a succeeded element/voice task. */
	outputId?: string;
}

export interface SeedElementInput {
	name?: string;
	description?: string;
	referenceType?: 'image_refer' | 'video_refer';
	voiceId?: string;
	/** A chosen element_id (digits), e.g. one of 19 digits; default the next id in sequence. */
	id?: string;
	tagIds?: string[];
}

export interface KlingSimulator {
	/** Base URL to put in the credential, e.g. http://127.0.0.1:PORT or http://127.0.0.1:PORT/kling. */
	readonly url: string;
	/** http://127.0.0.1:PORT */
	readonly origin: string;
	/** Every request in order of arrival (API and file downloads). */
	readonly requests: LoggedRequest[];
	apiRequests(filter?: { method?: string; pathIncludes?: string }): LoggedRequest[];
	/** Accepted creates, optionally for one product (see PRODUCT_NAMES; 'elements' and 'voices' are aliases). */
	createdTaskCount(product?: string): number;
	/** Highest number of non-final tasks at once that count toward concurrencyLimit (image tasks do not). */
	readonly maxInFlightSeen: number;
	/** Highest number of image-pack slots held at once by non-final image tasks (what imageConcurrencyLimit caps). */
	readonly maxImageSlotsSeen: number;
	/** Every delivery attempt made, in completion order. */
	readonly callbacks: CallbackDelivery[];
	/** Mutable at runtime; timing changes apply to tasks created afterwards. */
	options: Required<SimulatorOptions>;
	/**
	 * Switches a fault on (see faults.cts): a request fault shapes the answer to matching requests, a task fault
	 * ('stuck') or callback fault the life of tasks made by matching creates. Applies `times` times (default 1).
	 * Returns a function that removes the rule. reset() removes every rule.
	 */
	injectFault(rule: FaultRule): () => void;
	/** Every fault applied so far, in order; cleared by reset(). */
	readonly faultLog: readonly AppliedFault[];
	/**
	 * Registers a rule evaluated on every accepted create: a returned string makes that task end 'failed' with it
	 * as task_status_msg. `body` is the parsed request body. Returns a function that removes the rule.
	 */
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary body fields
	failTaskWhen(predicate: (product: string, body: any) => string | undefined): () => void;
	/** Creates an already-succeeded custom element without a create request; returns its element_id. */
	seedElement(input?: SeedElementInput): string;
	/** Creates an already-succeeded custom voice without a create request; returns its voice_id. */
	seedVoice(input?: { name?: string }): string;
	/** Ids of the preset elements as strings. */
	presetElementIds(): string[];
	/** Ids of the preset voices. */
	presetVoiceIds(): string[];
	/** Ends a task now (succeeded, or failed by a failTaskWhen rule), as its timer would: a 'stuck' one too. */
	finishTask(taskId: string): void;
	/** Moves a task on by one phase now, as its timers would: submitted → processing, processing → succeeded or failed. */
	advanceTask(taskId: string): void;
	/** Tasks created so far (seeded ones included), oldest first. */
	tasks(product?: string): TaskSnapshot[];
	/** Resolves once no task is in flight and no callback is being delivered (never while a 'stuck' task exists). */
	idle(timeoutMs?: number): Promise<void>;
	/** Clears log, tasks, elements, voices, callbacks, counters, failTaskWhen rules and faults, and restores the options it started with. */
	reset(): void;
	close(): Promise<void>;
}
