import { Agent, request } from 'undici';
import { signWebhook } from './webhook.cts';

export interface CallbackDelivery {
	url: string;
	body: string;
	headers: Record<string, string>;
	status: number | 'error';
}

export interface CallbackSettings {
	webhookSecret: string;
	callbackRetries: number;
}

const RETRY_DELAY_MS = 20;
const DELIVERY_TIMEOUT_MS = 5000;

/**
 * Delivers task callbacks. Deliveries for one task are chained so a receiver sees "processing" before the final
 * status, as a real sender's retries would not reorder them on a quiet system. Nothing here may throw into the
 * server: every failure becomes a recorded delivery with status 'error'.
 */
export class CallbackSender {
	private agent = new Agent({ keepAliveTimeout: 1000 });
	private chains = new Map<string, Promise<void>>();
	private aborts = new Set<AbortController>();
	private pending = new Set<Promise<void>>();
	private generation = 0;
	private nextWebhookId = 7000000000n;

	constructor(
		private readonly settings: () => CallbackSettings,
		private readonly record: (delivery: CallbackDelivery) => void,
	) {}

	get busy(): boolean {
		return this.pending.size > 0;
	}

	send(chainKey: string, url: string, body: string): void {
		const generation = this.generation;
		const webhookId = String(this.nextWebhookId++);
		const previous = this.chains.get(chainKey) ?? Promise.resolve();
		const next = previous.then(() => this.deliver(generation, webhookId, url, body));
		this.chains.set(chainKey, next);
		this.pending.add(next);
		void next.finally(() => {
			this.pending.delete(next);
			if (this.chains.get(chainKey) === next) this.chains.delete(chainKey);
		});
	}

	/** Stops retries and in-flight requests, e.g. on reset; later sends work again. */
	cancelAll(): void {
		this.generation++;
		for (const controller of this.aborts) controller.abort();
		this.aborts.clear();
		this.chains.clear();
	}

	async close(): Promise<void> {
		this.cancelAll();
		await Promise.allSettled([...this.pending]);
		await this.agent.close().catch(() => undefined);
	}

	private async deliver(generation: number, webhookId: string, url: string, body: string): Promise<void> {
		const { callbackRetries } = this.settings();
		for (let attempt = 0; attempt <= callbackRetries; attempt++) {
			if (generation !== this.generation) return;
			if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
			if (generation !== this.generation) return;
			const headers = this.headersFor(webhookId, body);
			const status = await this.post(url, headers, body);
			if (generation !== this.generation) return;
			this.record({ url, body, headers, status });
			if (typeof status === 'number' && status >= 200 && status < 300) return;
		}
	}

	private headersFor(webhookId: string, body: string): Record<string, string> {
		const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
		const { webhookSecret } = this.settings();
		if (webhookSecret) {
			// A fresh timestamp per attempt keeps retries inside the receiver's 5-minute window; the id stays the
			// same across retries so receivers can deduplicate, as Standard Webhooks intends.
			const timestamp = Math.floor(Date.now() / 1000);
			headers['webhook-id'] = webhookId;
			headers['webhook-timestamp'] = String(timestamp);
			headers['webhook-signature'] = signWebhook(webhookSecret, webhookId, timestamp, body);
		}
		return headers;
	}

	private async post(url: string, headers: Record<string, string>, body: string): Promise<number | 'error'> {
		const controller = new AbortController();
		this.aborts.add(controller);
		try {
			const response = await request(url, {
				method: 'POST',
				headers,
				body,
				dispatcher: this.agent,
				signal: controller.signal,
				headersTimeout: DELIVERY_TIMEOUT_MS,
				bodyTimeout: DELIVERY_TIMEOUT_MS,
			});
			await response.body.dump();
			return response.statusCode;
		} catch {
			return 'error';
		} finally {
			this.aborts.delete(controller);
		}
	}
}
