import type { IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { NormalisedCallback } from '../Kling/contract/callback';

/** Answers 200, so Kling stops sending this delivery, without starting an execution. */
export function acknowledge(reason: string): IWebhookResponseData {
	return { webhookResponse: { received: true, started: false, reason } };
}

/**
 * Acknowledges a callback that the Events or the External Task ID Prefix leaves out; undefined when it passes. Until the
 * last check, a body without an external task ID passes the prefix (a read may supply it). The answer names neither the
 * status nor the prefix, as the poster may be anyone: the details go to n8n's log.
 */
export function ignored(this: IWebhookFunctions, callback: NormalisedCallback, events: string[], prefix: string, lastCheck: boolean): IWebhookResponseData | undefined {
	// `succeed` (legacy) and `succeeded` (new standard) are one event; `events` holds only the options' values.
	if (!events.includes(callback.succeeded ? 'succeeded' : callback.status)) {
		this.logger.debug(`Kling Trigger: ignored task ${callback.taskId}: status "${callback.status}" is not one of the selected events`);
		return acknowledge('The status is not one of the selected events');
	}
	if (prefix && (lastCheck || callback.externalTaskId !== undefined) && !callback.externalTaskId?.startsWith(prefix)) {
		this.logger.debug(`Kling Trigger: ignored task ${callback.taskId}: its external task ID does not start with "${prefix}"`);
		return acknowledge('The external task ID does not start with the External Task ID Prefix');
	}
	return undefined;
}
