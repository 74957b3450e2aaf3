/**
 * The transport's rule for sending a request again (kling-api.md §10): a create that may have reached Kling is
 * never sent again by the transport, but one that reached no server at all is, like a read.
 */
import type { INode } from 'n8n-workflow';

import { createClock } from '../../nodes/Kling/helpers/clock';
import { klingApiRequest, type KlingContext } from '../../nodes/Kling/transport';
import { klingErrorContext } from '../../nodes/Kling/transport/errors';

const node = { name: 'Kling', type: 'n8n-nodes-kling-elements.kling', typeVersion: 1, position: [0, 0], parameters: {} } as unknown as INode;
const created = { statusCode: 200, headers: {}, body: '{"code":0,"message":"SUCCEED","request_id":"r-1","data":{"task_id":"842250903629086785"}}' };
const connectionError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:443`), { code });

function contextAnswering(...answers: Array<Error | typeof created>) {
	const send = jest.fn();
	for (const answer of answers) {
		if (answer instanceof Error) send.mockRejectedValueOnce(answer);
		else send.mockResolvedValueOnce(answer);
	}
	const context = {
		getNode: () => node,
		getCredentials: async () => ({ authType: 'apiKey', apiKey: 'test-api-key', region: 'https://kling.test' }),
		helpers: { httpRequestWithAuthentication: send },
	} as unknown as KlingContext;
	return { context, send };
}

const create = (context: KlingContext) =>
	klingApiRequest.call(context, {
		method: 'POST',
		path: '/v1/general/advanced-custom-elements',
		body: { element_name: 'Hero' },
		retryTransient: false,
		clock: createClock({ getNode: () => node }, 0.0001),
	});

describe('klingApiRequest sending a create again', () => {
	it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])('sends it again after %s: it reached no server', async (code) => {
		const { context, send } = contextAnswering(connectionError(code), created);
		await expect(create(context)).resolves.toMatchObject({ data: { task_id: '842250903629086785' }, requestId: 'r-1' });
		expect(send).toHaveBeenCalledTimes(2);
	});

	it.each(['ECONNRESET', 'ETIMEDOUT', 'EPIPE'])('does not after %s: the create may have reached Kling', async (code) => {
		const { context, send } = contextAnswering(connectionError(code), created);
		const error = await create(context).catch((caught: unknown) => caught);
		expect(klingErrorContext(error)).toMatchObject({ noAnswer: true, neverSent: false });
		expect(send).toHaveBeenCalledTimes(1);
	});

	it('gives up on a server that stays unreachable, with the reason', async () => {
		const { context, send } = contextAnswering(...Array.from({ length: 10 }, () => connectionError('ECONNREFUSED')));
		await expect(create(context)).rejects.toThrow('No valid answer from Kling: the connection failed (ECONNREFUSED)');
		expect(send).toHaveBeenCalledTimes(6);
	});
});
