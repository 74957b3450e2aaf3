/** The Kling Trigger: its description, and which callbacks its signature check lets through. */
import { NodeOperationError } from 'n8n-workflow';

import { defaultCredentials, deliver, ELEMENT_ID, expectRefused, fakeContext, legacyBody, SECRET, signed, TASK_ID, trigger } from './kit.cts';

describe('Kling Trigger description', () => {
	it('is a trigger with one POST webhook and no-op lifecycle methods', async () => {
		const { description } = trigger;
		expect(description.name).toBe('klingTrigger');
		expect(description.group).toEqual(['trigger']);
		expect(description.inputs).toEqual([]);
		expect(description.usableAsTool).toBeUndefined();
		expect(description.credentials).toEqual([{ name: 'klingApi', required: false }]);
		expect(description.webhooks).toEqual([{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'kling' }]);
		const hooks = trigger.webhookMethods.default;
		const hookContext = {} as never;
		await expect(hooks.checkExists.call(hookContext)).resolves.toBe(true);
		await expect(hooks.create.call(hookContext)).resolves.toBe(true);
		await expect(hooks.delete.call(hookContext)).resolves.toBe(true);
	});
});

describe('Kling Trigger webhook(): signatures', () => {
	it('starts one execution for a correctly signed legacy callback, int64 element id exact', async () => {
		const body = legacyBody();
		const outcome = await deliver({}, { body, headers: signed(body) });
		// Answered by the node before n8n starts the execution, so n8n saves the record of this delivery (see the node).
		expect(outcome.result.noWebhookResponse).toBe(true);
		expect(outcome.reply).toEqual({ status: 200, body: { received: true, started: true } });
		expect(outcome.items).toHaveLength(1);
		const { json } = outcome.items[0];
		expect(json).toMatchObject({
			taskId: TASK_ID,
			externalTaskId: 'campaign-7-mira',
			status: 'succeed',
			succeeded: true,
			final: true,
			statusMessage: '',
			elementIds: [ELEMENT_ID],
			voiceIds: [],
			videos: [],
			images: [],
			shape: 'legacy',
			source: 'callback',
			signature: 'verified',
			createdAt: 1781080778802,
		});
		expect(typeof (json.elementIds as unknown[])[0]).toBe('string');
		expect((json.raw as { task_result: { elements: Array<{ element_id: unknown }> } }).task_result.elements[0].element_id).toBe(ELEMENT_ID);
		expect(outcome.requests).toHaveLength(0);
	});

	it('refuses a forged signature with 401', async () => {
		const body = legacyBody();
		const forged = signed(body, 'whsec_' + Buffer.from('somebody-else-s-secret-1234567890').toString('base64'));
		const { context, reply, staticData } = fakeContext({}, { body, headers: forged });
		const result = await trigger.webhook.call(context);
		expectRefused({ result, reply, items: [], requests: [] }, 401, /does not match/);
		expect(staticData).toEqual({});
	});

	it('refuses a body changed after signing', async () => {
		const body = legacyBody();
		const outcome = await deliver({}, { body: legacyBody({ elementId: '835266081714884600' }), headers: signed(body) });
		expectRefused(outcome, 401, /does not match/);
	});

	it('refuses a stale signature and one from the future', async () => {
		const body = legacyBody();
		const now = Math.floor(Date.now() / 1000);
		expectRefused(await deliver({}, { body, headers: signed(body, SECRET, now - 301) }), 401, /5 minutes/);
		expectRefused(await deliver({}, { body, headers: signed(body, SECRET, now + 301) }), 401, /5 minutes/);
	});

	it('refuses an unsigned callback when Require Signature is on', async () => {
		const outcome = await deliver({ options: { requireSignature: true } }, { body: legacyBody() });
		expectRefused(outcome, 401, /not signed/);
	});

	it('refuses partial signature headers whenever a secret is set', async () => {
		const body = legacyBody();
		const { 'webhook-signature': _dropped, ...partial } = signed(body);
		expectRefused(await deliver({}, { body, headers: partial }), 401, /not signed/);
	});

	it('accepts a signed callback when Require Signature is on', async () => {
		const body = legacyBody();
		const outcome = await deliver({ options: { requireSignature: true } }, { body, headers: signed(body) });
		expect(outcome.items[0].json.signature).toBe('verified');
	});

	it('accepts an unsigned callback as it came when the credential has no secret, and says so', async () => {
		const outcome = await deliver({ credentials: { ...defaultCredentials(), webhookSecret: '' } }, { body: legacyBody() });
		expect(outcome.items).toHaveLength(1);
		expect(outcome.items[0].json.signature).toBe('unsigned');
	});

	it('cannot check a signature without a secret: accepted as not checked, or a clear error when required', async () => {
		const body = legacyBody();
		const noSecret = { ...defaultCredentials(), webhookSecret: '' };
		expect((await deliver({ credentials: noSecret }, { body, headers: signed(body) })).items[0].json.signature).toBe('notChecked');
		expect((await deliver({ credentials: null }, { body, headers: signed(body) })).items[0].json.signature).toBe('notChecked');
		expect((await deliver({ credentials: null }, { body })).items[0].json.signature).toBe('unsigned');
		await expect(deliver({ credentials: null, options: { requireSignature: true } }, { body, headers: signed(body) })).rejects.toThrow(
			/no Webhook Secret/,
		);
		await expect(deliver({ credentials: noSecret, options: { requireSignature: true } }, { body })).rejects.toThrow(NodeOperationError);
	});

	it('reports a credential secret that is not whsec_ + Base64 instead of refusing every callback', async () => {
		const body = legacyBody();
		const badSecret = { ...defaultCredentials(), webhookSecret: 'whsec_ not base64 ' };
		await expect(deliver({ credentials: badSecret }, { body, headers: signed(body) })).rejects.toThrow(/Webhook Secret in the Kling credential is not valid/);
	});
});
