import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { normaliseCallback, type NormalisedCallback } from '../Kling/contract/callback';
import type { KlingTask } from '../Kling/contract/task';
import { createClock, type Clock } from '../Kling/helpers/clock';
import { parseJsonLossless } from '../Kling/helpers/losslessJson';
import { hasSignatureHeaders, verifyStandardWebhook, type WebhookRejection } from '../Kling/helpers/webhookSignature';
import { PRODUCTS, type ProductKey } from '../Kling/tasks/products';
import { findTask } from '../Kling/tasks/submit';
import { klingApiRequest } from '../Kling/transport';

/** Kling's bodies are a few kilobytes; anything this large is not a callback. */
export const MAX_CALLBACK_BYTES = 1024 * 1024;

/** How many (task, status) pairs the node remembers to recognise Kling's repeated deliveries. */
export const SEEN_CALLBACKS_LIMIT = 500;

/**
 * Where a legacy task is looked for when it is re-read. A legacy callback does not say which product made the
 * task and Kling has no "get any task" endpoint (kling-api.md §12), so the products are tried in turn: elements and
 * voices first (their callbacks carry no documented result, §9.1), then the video products, then AI multi-shot.
 */
export const REREAD_ORDER: ProductKey[] = ['element', 'voice', 'omniVideo', 'imageToVideo', 'motionControl', 'multiShot'];

/**
 * Kling waits for the answer to its callback (for how long is undocumented, §9.3), and n8n answers only once
 * `webhook()` returns, so a re-read gets a time budget instead of the transport's minutes of retries.
 */
const REREAD_BUDGET_MS = 20_000;

const STATE_KEY = 'seenCallbacks';

type TriggerEvent = 'submitted' | 'processing' | 'succeeded' | 'failed';

interface TriggerOptions {
	externalTaskIdPrefix?: string;
	reReadTask?: boolean;
	requireSignature?: boolean;
}

/** How the callback's origin was established, output with every item. */
type SignatureState = 'verified' | 'unsigned' | 'notChecked';

const REJECTIONS: Record<Exclude<WebhookRejection, 'bad-secret'>, string> = {
	'missing-headers': 'The callback is not signed (webhook-id, webhook-timestamp and webhook-signature are required)',
	stale: 'The callback signature is older or newer than 5 minutes',
	'bad-signature': 'The callback signature does not match the Webhook Secret',
};

/** The Events option a status belongs to: `succeed` (legacy) and `succeeded` (new standard) are one event. */
function eventOf(status: string): TriggerEvent | undefined {
	if (status === 'succeed' || status === 'succeeded') return 'succeeded';
	if (status === 'submitted' || status === 'processing' || status === 'failed') return status;
	return undefined;
}

/** Answers the request directly with a JSON error; no execution starts. */
function refuse(this: IWebhookFunctions, code: number, message: string): IWebhookResponseData {
	this.getResponseObject().status(code).json({ code, message });
	return { noWebhookResponse: true };
}

/** Answers 200, so Kling stops sending this delivery, without starting an execution. */
function acknowledge(reason: string): IWebhookResponseData {
	return { webhookResponse: { received: true, started: false, reason } };
}

/**
 * The body exactly as it arrived. n8n keeps it for every content type it parses (JSON included). Only if it is
 * missing does the node fall back to the parsed body, re-serialised: that will not match a signature, and int64
 * ids in it may already have been rounded by n8n's own parser.
 */
function rawBodyOf(this: IWebhookFunctions): Buffer {
	const { rawBody } = this.getRequestObject() as { rawBody?: unknown };
	if (Buffer.isBuffer(rawBody)) return rawBody;
	if (typeof rawBody === 'string') return Buffer.from(rawBody, 'utf8');
	return Buffer.from(JSON.stringify(this.getBodyData() ?? {}), 'utf8');
}

/** The credential's Webhook Secret, or '' when the node has no credential or the credential has no secret. */
async function webhookSecretOf(this: IWebhookFunctions): Promise<string> {
	if (!this.getNode().credentials?.klingApi) return '';
	const credentials = await this.getCredentials('klingApi');
	return String(credentials.webhookSecret ?? '').trim();
}

/**
 * Checks the request's origin. A secret plus signature headers are always verified; Require Signature also
 * rejects requests without them. Answers with the rejection to send, or how the callback was accepted.
 */
async function checkSignature(
	this: IWebhookFunctions,
	rawBody: Buffer,
	requireSignature: boolean,
): Promise<{ accepted: SignatureState } | { rejected: string }> {
	const secret = await webhookSecretOf.call(this);
	const headers = this.getHeaderData();
	const signed = hasSignatureHeaders(headers);
	if (!secret) {
		if (requireSignature) {
			throw new NodeOperationError(this.getNode(), 'Require Signature is on, but there is no Webhook Secret to check signatures with', {
				description:
					'Select a Kling credential and fill in its Webhook Secret (Kling console: Basic Settings → Webhook), or turn Require Signature off.',
			});
		}
		return { accepted: signed ? 'notChecked' : 'unsigned' };
	}
	if (!signed && !requireSignature) return { accepted: 'unsigned' };
	const result = verifyStandardWebhook({ secret, headers, rawBody });
	if (result.ok) return { accepted: 'verified' };
	if (result.reason === 'bad-secret') {
		throw new NodeOperationError(this.getNode(), 'The Webhook Secret in the Kling credential is not valid', {
			description: 'Copy it again from the Kling console (Basic Settings → Webhook): "whsec_" followed by Base64 text.',
		});
	}
	return { rejected: REJECTIONS[result.reason] };
}

/** A clock whose waits and request timeouts all fit in `budgetMs` from now. */
function budgetClock(context: IWebhookFunctions, budgetMs: number): Clock {
	const base = createClock(context);
	const deadline = Date.now() + budgetMs;
	const remaining = () => Math.max(0, deadline - Date.now());
	return {
		...base,
		scaled: (ms) => Math.max(1, Math.min(base.scaled(ms), remaining())),
		async sleep(ms) {
			if (base.scaled(ms) >= remaining()) {
				throw new NodeOperationError(context.getNode(), `Kling did not answer within ${budgetMs / 1000} seconds while the task was re-read`);
			}
			await base.sleep(ms);
		},
	};
}

/**
 * Reads the task behind a callback through the credential. Legacy tasks are looked for product by product
 * (REREAD_ORDER); new-standard tasks through the batch query `GET /tasks?task_ids=` (kling-api.md §8).
 */
async function reReadTask(
	this: IWebhookFunctions,
	callback: NormalisedCallback,
): Promise<{ task: NormalisedCallback; product?: ProductKey }> {
	if (!this.getNode().credentials?.klingApi) {
		throw new NodeOperationError(this.getNode(), 'Re-Read Task From Kling needs a Kling credential', {
			description: 'Select the Kling credential that created the tasks, or turn the option off.',
		});
	}
	const clock = budgetClock(this, REREAD_BUDGET_MS);
	if (callback.shape === 'new') {
		const { data } = await klingApiRequest.call(this, { method: 'GET', path: '/tasks', qs: { task_ids: callback.taskId }, clock });
		const task = (Array.isArray(data) ? data : [])
			.map((entry) => normaliseCallback(entry))
			.find((entry) => entry?.taskId === callback.taskId);
		if (task) return { task };
	} else {
		for (const product of REREAD_ORDER) {
			const found: KlingTask | undefined = await findTask.call(this, PRODUCTS[product], callback.taskId, clock);
			const task = found && normaliseCallback(found);
			if (task) return { task, product };
		}
	}
	throw new NodeOperationError(this.getNode(), `Kling has no task with ID "${callback.taskId}" for this credential`, {
		description:
			'The callback names a task the credential cannot read. Check that the credential belongs to the Kling account and region that created the task, or turn Re-Read Task From Kling off.',
	});
}

export class KlingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kling Trigger',
		name: 'klingTrigger',
		icon: { light: 'file:../../icons/kling.svg', dark: 'file:../../icons/kling.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "On " + ($parameter["events"] || []).join(", ") }}',
		description: 'Starts the workflow when Kling AI reports a task status to the callback URL of a task',
		defaults: { name: 'Kling Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'klingApi', required: false }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'kling' }],
		properties: [
			{
				displayName:
					"Copy this node's Production URL (under Webhook URLs above) into Options → Callback URL of a Kling create operation. Kling then posts the task's status changes here. While testing in the editor, use the Test URL instead.",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: ['succeeded', 'failed'],
				description: 'The task statuses that start the workflow; callbacks with other statuses are acknowledged and ignored',
				options: [
					{ name: 'Failed', value: 'failed', description: 'The task failed; the message says why' },
					{ name: 'Processing', value: 'processing', description: 'Kling started working on the task' },
					{ name: 'Submitted', value: 'submitted', description: 'Kling accepted the task' },
					{
						name: 'Succeeded',
						value: 'succeeded',
						description: 'The task finished with a result (status "succeed", or "succeeded" on the new API)',
					},
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'External Task ID Prefix',
						name: 'externalTaskIdPrefix',
						type: 'string',
						default: '',
						placeholder: 'e.g. campaign-42-',
						description:
							'Only react to tasks whose external task ID starts with this text; callbacks for other tasks are acknowledged and ignored',
					},
					{
						displayName: 'Re-Read Task From Kling',
						name: 'reReadTask',
						type: 'boolean',
						default: false,
						description:
							'Whether to read the task from Kling with the credential when a callback reports a final status, and output that instead of the callback. The safest choice when callbacks are unsigned.',
					},
					{
						displayName: 'Require Signature',
						name: 'requireSignature',
						type: 'boolean',
						default: false,
						description:
							'Whether to reject callbacks that are not signed with the Webhook Secret of the credential. Signed callbacks are always checked when the credential has a secret.',
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			// Kling has no API to register or list webhooks: the callback URL is sent with each create request
			// (Options → Callback URL on the Kling node). There is nothing to check, create or delete.
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const events = this.getNodeParameter('events', ['succeeded', 'failed']) as string[];
		const options = this.getNodeParameter('options', {}) as TriggerOptions;

		const rawBody = rawBodyOf.call(this);
		if (rawBody.length > MAX_CALLBACK_BYTES) return refuse.call(this, 413, 'The body is larger than 1 MiB');

		const signature = await checkSignature.call(this, rawBody, options.requireSignature === true);
		if ('rejected' in signature) return refuse.call(this, 401, signature.rejected);

		let body: unknown;
		try {
			body = parseJsonLossless(rawBody.toString('utf8').replace(/^\uFEFF/, ''));
		} catch {
			return refuse.call(this, 400, 'The body is not JSON');
		}
		const callback = normaliseCallback(body);
		if (!callback) {
			return refuse.call(this, 400, 'The body is not a Kling callback: it needs task_id and task_status, or id and status');
		}

		const event = eventOf(callback.status);
		if (!event || !events.includes(event)) return acknowledge(`Status "${callback.status}" is not one of the selected events`);
		const prefix = options.externalTaskIdPrefix?.trim();
		if (prefix && !callback.externalTaskId?.startsWith(prefix)) {
			return acknowledge(`The external task ID does not start with "${prefix}"`);
		}

		// Kling may deliver one status more than once. Static data persists only for active (production)
		// workflows, which is where repeated deliveries matter.
		const state = this.getWorkflowStaticData('node');
		const seen = Array.isArray(state[STATE_KEY]) ? (state[STATE_KEY] as string[]) : [];
		const key = `${callback.taskId}:${callback.status}`;
		if (seen.includes(key)) return acknowledge('This status of this task was already received');

		let json: IDataObject;
		if (options.reReadTask && callback.final) {
			const { task, product } = await reReadTask.call(this, callback);
			json = { ...task, product, callbackStatus: callback.status, source: 'kling', signature: signature.accepted } as IDataObject;
		} else {
			json = { ...callback, source: 'callback', signature: signature.accepted } as IDataObject;
		}

		// Recorded only now: if the re-read failed, Kling's next delivery of this status gets another chance.
		state[STATE_KEY] = [...seen, key].slice(-SEEN_CALLBACKS_LIMIT);
		return { workflowData: [this.helpers.returnJsonArray([json])] };
	}
}
