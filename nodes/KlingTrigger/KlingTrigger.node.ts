import type { IDataObject, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { collection, notice } from '../Kling/actions/shared/fields';
import { multiOptionValues } from '../Kling/actions/shared/multiOptions';
import { asNodeError } from '../Kling/transport/errors';
import { parseJsonLossless } from '../Kling/transport/json';
import { hasResult, normaliseCallback, type NormalisedCallback } from '../Kling/contract/callback';
import { checkSignature, rawBodyOf } from './callbackOrigin';
import { acknowledge, ignored } from './filters';
import { noSuchTaskError, reReadTask, type ReadReason, type ReadTask } from './reReadTask';

/** Kling's bodies are a few kilobytes; anything this large is not a callback. */
export const MAX_CALLBACK_BYTES = 1024 * 1024;

/** How many (task, status) pairs the node remembers to recognise Kling's repeated deliveries. */
export const SEEN_CALLBACKS_LIMIT = 500;

const STATE_KEY = 'seenCallbacks';

/**
 * The deliveries this n8n instance started an execution for, oldest first. n8n writes the static-data record only after
 * the request is answered; a repeat arriving meanwhile sees this record instead (checked and added with nothing awaited
 * between). Two instances share no memory: docs/n8n-behaviour.md and the README say how often that race was seen.
 */
const handledHere = new Set<string>();

function handleOnce(key: string): boolean {
	if (handledHere.has(key)) return false;
	handledHere.add(key);
	if (handledHere.size > SEEN_CALLBACKS_LIMIT * 20) handledHere.delete(handledHere.values().next().value as string);
	return true;
}

interface TriggerOptions {
	externalTaskIdPrefix?: unknown;
	reReadTask?: boolean;
	requireSignature?: boolean;
}

const EVENT_OPTIONS = [
	{ name: 'Failed', value: 'failed', description: 'The task failed; the message says why' },
	{ name: 'Processing', value: 'processing', description: 'Kling started working on the task' },
	{ name: 'Submitted', value: 'submitted', description: 'Kling accepted the task' },
	{ name: 'Succeeded', value: 'succeeded', description: 'The task finished with a result (status "succeed", or "succeeded" on the new API)' },
];

/** A delivery's record: one key for both spellings of success. */
const keyOf = (callback: NormalisedCallback) => `${callback.taskId}:${callback.succeeded ? 'succeed' : callback.status}`;

/** Kling documents no result in element and voice callbacks (§9.1): without a credential there is none to output. */
function noResultWithoutCredentialError(this: IWebhookFunctions, taskId: string) {
	return new NodeOperationError(this.getNode(), `The success callback of task ${taskId} carries no result, and the trigger has no credential to read it`, {
		description: 'Kling sends no result in callbacks of elements and voices: select a Kling credential on this trigger so it reads the result from Kling, or read it with Element → Get Creation Task or Voice → Get Creation Task.',
	});
}

/** Answers the request directly with a JSON error; no execution starts. */
function refuse(this: IWebhookFunctions, code: number, message: string): IWebhookResponseData {
	this.getResponseObject().status(code).json({ code, message });
	return { noWebhookResponse: true };
}

export class KlingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kling Trigger',
		name: 'klingTrigger',
		icon: { light: 'file:../../icons/kling.svg', dark: 'file:../../icons/kling.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "On " + [].concat($parameter["events"] || []).join(", ") }}',
		description: 'Starts the workflow when Kling AI reports a task status to the callback URL of a task',
		defaults: { name: 'Kling Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'klingApi', required: false }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'kling' }],
		properties: [
			notice(
				'notice',
				"Copy this node's Production URL (under Webhook URLs above) into Options → Callback URL of a Kling create operation, and activate the workflow: Kling then posts the task's status changes here. n8n listens on the Test URL for only 2 minutes, less than a paid render usually takes, so use it with a short task, or with the Kling console's Send Test Callback after adding Submitted to Events (a result missed there can still be read with Get or Get Creation Task).",
			),
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				default: ['succeeded', 'failed'],
				description: 'The task statuses that start the workflow; callbacks with other statuses are acknowledged and ignored',
				options: EVENT_OPTIONS,
			},
			collection('Options', [
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
					validateType: 'boolean',
					default: false,
					description:
						'Whether to read the task from Kling with the credential when a callback reports a final status, and output that instead of the callback. A success that carries no result (Kling documents none for elements and voices) is always read when the node has a credential, and so is every unsigned callback when the credential has a Webhook Secret.',
				},
				{
					displayName: 'Require Signature',
					name: 'requireSignature',
					type: 'boolean',
					validateType: 'boolean',
					default: false,
					description:
						'Whether to reject callbacks that are not signed with the Webhook Secret of the credential. When the credential has a secret, signed callbacks are always checked, and with this off an unsigned one is checked by reading its task from Kling: only what Kling answers is output. Without a secret nothing can be checked, and callbacks are output as they come. Kling does not say whether callbacks of the tasks this package creates (its legacy endpoints) are signed: if they are not, this answers 401 to every real callback.',
				},
			]),
		],
	};

	// Kling has no API to register or list webhooks: the callback URL is sent with each create request (Options →
	// Callback URL on the Kling node). There is nothing to check, create or delete.
	webhookMethods = { default: { checkExists: async () => true, create: async () => true, delete: async () => true } };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		// An expression may give one event, a comma-separated list or an array, by value or by name. An unknown one stops
		// here (n8n answers 500 and records a failed execution) rather than silently match no callback.
		const events = multiOptionValues.call(this, this.getNodeParameter('events', ['succeeded', 'failed']), EVENT_OPTIONS, 'Events');
		if (!events.length) throw new NodeOperationError(this.getNode(), 'Events is empty: its expression gave no event, so every callback would be ignored');
		const options = this.getNodeParameter('options', {}) as TriggerOptions;

		const rawBody = rawBodyOf.call(this);
		if (!rawBody) return refuse.call(this, 500, 'n8n did not keep the raw body, and its parsed body has an ID too large to be exact');
		if (rawBody.length > MAX_CALLBACK_BYTES) return refuse.call(this, 413, 'The body is larger than 1 MiB');

		const origin = await checkSignature.call(this, rawBody, options.requireSignature === true);
		if ('rejected' in origin) return refuse.call(this, 401, origin.rejected);

		let body: unknown;
		try {
			body = parseJsonLossless(rawBody.toString('utf8').replace(/^\uFEFF/, ''));
		} catch {
			return refuse.call(this, 400, 'The body is not JSON');
		}
		const received = normaliseCallback(body);
		if (!received) {
			return refuse.call(this, 400, 'The body is not a Kling callback: it needs task_id and task_status, or id and status');
		}

		// A trusted body (signed, or no Webhook Secret to check it by) is filtered first: an unselected callback costs no read,
		// and a failing read cannot fail an execution for it. A read (an unsigned body with a Webhook Secret, §9.2; a final
		// status when asked; a success without its result, §9.1) replaces the body before events, prefix and repeats are
		// decided: a claim Kling does not back starts nothing and is not recorded, so the real status still gets through.
		const prefix = String(options.externalTaskIdPrefix ?? '').trim();
		const unsigned = origin.hasSecret && origin.accepted === 'unsigned';
		const early = unsigned ? undefined : ignored.call(this, received, events, prefix, false);
		if (early) return early;
		// The record of handled deliveries, read when needed: another delivery may add to it while the task is read.
		const state = this.getWorkflowStaticData('node');
		const seenNow = () => (Array.isArray(state[STATE_KEY]) ? (state[STATE_KEY] as string[]) : []);
		const testing = this.getMode() === 'manual';
		const handledKey = (key: string) => `${this.getWorkflow().id}:${this.getNode().name}:${key}`;
		// A status already handled is acknowledged before any read: a read failing then would fail an execution for nothing.
		const repeat = keyOf(received);
		if (seenNow().includes(repeat) || (!testing && handledHere.has(handledKey(repeat)))) return acknowledge('This status of this task was already received');
		let reason: ReadReason | undefined;
		if (unsigned) reason = 'unsigned';
		else if (received.succeeded && !hasResult(received)) {
			if (!this.getNode().credentials?.klingApi) {
				// Nothing can supply a missing external task ID then: the prefix decides now.
				const filtered = ignored.call(this, received, events, prefix, true);
				if (filtered) return filtered;
				throw noResultWithoutCredentialError.call(this, received.taskId);
			}
			reason = 'noResult';
		} else if (received.final && options.reReadTask) reason = 'asked';
		let read: ReadTask | undefined;
		if (reason) {
			try {
				read = await reReadTask.call(this, received, reason);
			} catch (error) {
				// An error answer makes Kling deliver the callback again, and the read gets another chance. Why it failed (the
				// account's state, the credential's kind) goes to n8n's log, not to whoever posted the body.
				if (unsigned) {
					this.logger.warn(`Kling Trigger: could not check an unsigned callback for task ${received.taskId} with Kling: ${(error as Error).message}`);
					return refuse.call(this, 503, 'The unsigned callback could not be checked with Kling; deliver it again later');
				}
				throw asNodeError(this.getNode(), error);
			}
			if (!read) {
				if (!unsigned) throw noSuchTaskError.call(this, received.taskId, reason);
				this.logger.warn(`Kling Trigger: ignored an unsigned callback for task ${received.taskId}, which Kling does not know`);
				return refuse.call(this, 404, `Kling has no task "${received.taskId}" for this credential; the unsigned callback was ignored`);
			}
			// Kling's read may lag its own callback, and a success read without its result is no result either: an error
			// answer makes Kling deliver it again, and a forged one loses nothing. What Kling reads goes to the log only.
			if ((received.final && !read.task.final) || (read.task.succeeded && !hasResult(read.task))) {
				this.logger.info(`Kling Trigger: Kling reads task ${received.taskId} as "${read.task.status}"${read.task.final ? ' without its result' : ''}; asked for the callback again`);
				return refuse.call(this, 503, `Kling does not confirm this callback for task ${received.taskId} yet; deliver it again later`);
			}
		}
		const callback = read?.task ?? received;
		const late = ignored.call(this, callback, events, prefix, true);
		if (late) return late;

		// Kling may deliver a status more than once. Static data persists only for active workflows, where that matters.
		// The editor's test listening keeps no record: n8n gives it empty static data of its own each time
		// (docs/n8n-behaviour.md §5.3), and the same sample may be sent again.
		const key = keyOf(callback);
		const seen = seenNow();
		if (seen.includes(key) || (!testing && !handleOnce(handledKey(key)))) {
			return acknowledge('This status of this task was already received');
		}

		const json = read
			? { ...read.task, product: read.product, ...(unsigned ? {} : { callbackStatus: received.status }), source: 'kling', signature: origin.accepted }
			: { ...callback, source: 'callback', signature: origin.accepted };

		state[STATE_KEY] = [...seen, key].slice(-SEEN_CALLBACKS_LIMIT);
		// Answered here, not by n8n: n8n saves a production workflow's static data when the request is answered, and
		// when it answers itself that comes after it has started the execution, which discards the change (n8n 2.41,
		// live-webhooks.js). Answering first gets the record above saved, so a repeat starts nothing.
		this.getResponseObject().status(200).json({ received: true, started: true });
		return { noWebhookResponse: true, workflowData: [this.helpers.returnJsonArray([json as IDataObject])] };
	}
}
