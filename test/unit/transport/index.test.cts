/**
 * The transport's rules for sending a request again (kling-api.md §10) and its request timeout. Reads are tried
 * again after a transient failure, 5 times unless `retries` says otherwise; a create that may have reached Kling is
 * never sent again, but one that reached no server at all is, like a read.
 */
import { klingApiRequest, klingPages, type KlingRequest } from '../../../nodes/Kling/transport';
import { klingErrorContext } from '../../../nodes/Kling/transport/errors';
import { serialiseCreate } from '../../../nodes/Kling/transport/body';
import {
	connectionError,
	executeContext,
	failureOf,
	FakeKling,
	gaps,
	ok,
	PRODUCT,
	refused,
	timedOut,
	useFakeTime,
	whileTimePasses,
} from '../executeKit.cts';

useFakeTime();

const everything = () => true;
const read: KlingRequest = { method: 'GET', path: `${PRODUCT.path}/842250903629086785` };
const create: KlingRequest = { method: 'POST', path: PRODUCT.path, body: { prompt: 'A harbour at dawn' } };
const internalError = refused(5000, 'internal error', 500);

function send(kling: FakeKling, request: KlingRequest) {
	const { ctx } = executeContext({ kling });
	return klingApiRequest.call(ctx, request);
}

describe('klingPages', () => {
	it('fails on a list answer whose data is not a list, rather than read it as an empty list', async () => {
		const kling = new FakeKling().inject(everything, ok({ list: [], total: 0 }));
		const { ctx } = executeContext({ kling });
		const pages = klingPages.call(ctx, PRODUCT.path);
		expect((await failureOf(whileTimePasses(pages.next()))).message).toBe('No valid answer from Kling: a list answer whose data is not a list');
	});
});

describe('klingApiRequest: reads', () => {
	it('tries a read 5 more times after transient failures, backing off 1, 2, 4, 8, 16 s, then fails with the reason', async () => {
		const kling = new FakeKling().inject(everything, internalError, Infinity);
		const error = await failureOf(send(kling, read));
		expect(error.message).toMatch(/^Kling internal error: internal error/);
		expect(kling.sent).toHaveLength(6);
		gaps(kling.sent.map((sent) => sent.at)).forEach((gap, n) => expect(gap).toBeGreaterThanOrEqual(1000 * 2 ** n));
	});

	it('gets the answer once a transient failure passes', async () => {
		const kling = new FakeKling()
			.inject(everything, connectionError('ECONNRESET'))
			.inject(everything, { status: 502, body: '<html>Bad Gateway</html>' })
			.inject(everything, refused(5001, 'maintenance', 503))
			.inject(everything, ok({ task_id: '842250903629086785', task_status: 'processing' }));
		await expect(whileTimePasses(send(kling, read))).resolves.toMatchObject({ data: { task_id: '842250903629086785' }, requestId: 'req-ok' });
		expect(kling.sent).toHaveLength(4);
	});

	it.each([
		[0, 1],
		[2, 3],
	])('tries as often as `retries` says (%i more times)', async (retries, sends) => {
		const kling = new FakeKling().inject(everything, timedOut(), Infinity);
		await failureOf(send(kling, { ...read, retries }));
		expect(kling.sent).toHaveLength(sends);
	});

	it.each([
		['an unknown task (1201)', refused(1201, 'Task not found')],
		// A relay that lacks the path (errors.ts reads a 404 as "not found"): no later try can find it.
		['a missing path (HTTP 404 with an HTML page)', { status: 404, body: '<html>Not Found</html>' }],
	])('does not try again after %s', async (_label, answer) => {
		const kling = new FakeKling().inject(everything, answer, Infinity);
		await failureOf(send(kling, read));
		expect(kling.sent).toHaveLength(1);
	});

	it.each([
		["Kling's refusal", refused(1302, 'too many requests', 429, { 'retry-after': '10' })],
		["a gateway's maintenance page", { status: 503, body: '<html>Down for maintenance</html>', headers: { 'retry-after': '10' } }],
	])('waits at least as long as the Retry-After of %s asks', async (_what, answer) => {
		const kling = new FakeKling().inject(everything, answer).inject(everything, ok({ task_id: '842250903629086785', task_status: 'processing' }));
		await whileTimePasses(send(kling, read));
		expect(kling.sent).toHaveLength(2);
		expect(kling.sent[1].at - kling.sent[0].at).toBeGreaterThanOrEqual(10_000);
	});

	it('reads a Retry-After given as an HTTP date, as gateways and CDNs send it', async () => {
		const date = new Date(Date.now() + 20_000).toUTCString();
		const kling = new FakeKling()
			.inject(everything, { status: 503, body: '<html>Down for maintenance</html>', headers: { 'retry-after': date } })
			.inject(everything, ok({ task_id: '842250903629086785', task_status: 'processing' }));
		await whileTimePasses(send(kling, read));
		expect(kling.sent).toHaveLength(2);
		expect(kling.sent[1].at - kling.sent[0].at).toBeGreaterThanOrEqual(19_000);
	});

	it.each([
		['an empty body', ''],
		['an HTML page', '<html>Too Many Requests</html>'],
		["a relay's own JSON", '{"error":{"message":"rate limit exceeded"}}'],
	])("tries a read again after a relay's or gateway's 429 with %s, when its Retry-After asks", async (_what, body) => {
		const kling = new FakeKling()
			.inject(everything, { status: 429, body, headers: { 'retry-after': '3' } })
			.inject(everything, ok({ task_id: '842250903629086785', task_status: 'processing' }));
		await expect(whileTimePasses(send(kling, read))).resolves.toMatchObject({ requestId: 'req-ok' });
		expect(kling.sent).toHaveLength(2);
		expect(kling.sent[1].at - kling.sent[0].at).toBeGreaterThanOrEqual(3_000);
	});

	it('leaves a Retry-After longer than a minute to its caller: it fails at once, as Kling out of reach, instead of waiting hours', async () => {
		const kling = new FakeKling().inject(everything, { status: 503, body: '<html>Down for maintenance</html>', headers: { 'retry-after': '7200' } }, Infinity);
		const error = await failureOf(whileTimePasses(send(kling, read)));
		expect(kling.sent).toHaveLength(1);
		expect(klingErrorContext(error)).toMatchObject({ noAnswer: true, retryAfterMs: 7_200_000 });
	});

	it('does not take a try that reached no server for one whose answer was lost', async () => {
		const kling = new FakeKling().inject(everything, connectionError('ECONNREFUSED')).inject(everything, refused(1201, 'not found'));
		const error = await failureOf(whileTimePasses(send(kling, { method: 'POST', path: '/v1/general/delete-voices', body: { voice_id: '1' } })));
		expect(kling.sent).toHaveLength(2);
		expect(klingErrorContext(error).afterLostTry).toBeUndefined();
	});

	it('stops waiting, and sends nothing more, when the execution is cancelled during a back-off', async () => {
		const kling = new FakeKling().inject(everything, internalError, Infinity);
		const { ctx, cancel } = executeContext({ kling });
		const pending = klingApiRequest.call(ctx, read);
		pending.catch(() => {});
		await jest.advanceTimersByTimeAsync(1_500);
		const sentBefore = kling.sent.length;
		cancel.abort();
		await expect(pending).rejects.toThrow('The execution was cancelled while waiting for Kling');
		await jest.advanceTimersByTimeAsync(120_000);
		expect(kling.sent).toHaveLength(sentBefore);
	});
});

describe("klingApiRequest: a relay's or gateway's own 401 or 403", () => {
	it.each([401, 403])('says the server refused the credential, with the reason new-api gives, for HTTP %i', async (status) => {
		const kling = new FakeKling().inject(everything, { status, body: '{"error":{"message":"invalid token","type":"new_api_error"}}' }, Infinity);
		const error = await failureOf(send(kling, create));
		expect(error.message).toBe(`The server refused the credential (HTTP ${status}: invalid token)`);
		expect(error.description).toMatch(/^Check the API key \(or access key and secret key, or the relay's token\) and the region or base URL in the Kling credential\./);
		// Refused, so the create made no task, and it is not sent again.
		expect(klingErrorContext(error)).toEqual({ httpStatus: status });
		expect(error).toMatchObject({ failure: { cause: 'credential-invalid' } });
		expect(kling.sent).toHaveLength(1);
	});

	it('gives no reason from a page, and never echoes the key a relay puts in its reason', async () => {
		const page = new FakeKling().inject(everything, { status: 401, body: '<html>Unauthorized</html>' });
		expect((await failureOf(send(page, read))).message).toBe('The server refused the credential (HTTP 401)');
		const echo = new FakeKling().inject(everything, { status: 401, body: '{"message":"unknown token test-api-key"}' });
		expect((await failureOf(send(echo, read))).message).toBe('The server refused the credential (HTTP 401: unknown token [redacted])');
	});
});

describe("klingApiRequest: Kling's refusals", () => {
	it('keeps Kling\'s words when they name a network error: they are about its fetch of a file, not the user\'s network', async () => {
		for (const reason of ['fetch reference video failed: read ECONNRESET', 'image_url download failed: getaddrinfo ENOTFOUND cdn.example.com']) {
			const kling = new FakeKling().inject(everything, refused(1201, reason, 400));
			expect((await failureOf(send(kling, create))).message).toBe(`Invalid parameter: ${reason}`);
		}
	});
});

describe('klingApiRequest: secrets a server echoes', () => {
	const echoing = (text: string) => new FakeKling().inject(everything, { status: 401, body: `{"code":1002,"message":"${text}","request_id":"r"}` }, Infinity);

	it.each([
		['pasted with its Bearer prefix', 'Bearer sk-live-SECRET-123456'],
		['pasted with spaces around it', ' sk-live-SECRET-123456 '],
	])('strips a key %s from what Kling says', async (_title, apiKey) => {
		const { ctx } = executeContext({ kling: echoing('key \\"sk-live-SECRET-123456\\" is not valid'), credentials: { apiKey } });
		const error = await failureOf(klingApiRequest.call(ctx, read));
		expect(error.message).toBe('Authentication failed: Kling does not accept the key: key "[redacted]" is not valid');
		expect(JSON.stringify(error)).not.toContain('SECRET');
	});
});

describe('klingApiRequest: creates', () => {
	it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])('sends a create again after %s: it reached no server', async (code) => {
		const kling = new FakeKling().inject(everything, connectionError(code));
		await expect(whileTimePasses(send(kling, create))).resolves.toMatchObject({ data: { task_status: 'processing' } });
		expect(kling.creates()).toHaveLength(2);
		expect(kling.tasks).toHaveLength(1);
	});

	it.each([
		['ECONNRESET', connectionError('ECONNRESET')],
		['EPIPE', connectionError('EPIPE')],
		['a timeout', timedOut()],
		['an HTML 502', { status: 502, body: '<html>Bad Gateway</html>' }],
	])('never sends it again after %s: the create may have reached Kling', async (_label, answer) => {
		const kling = new FakeKling().inject(everything, answer, Infinity);
		const error = await failureOf(send(kling, create));
		expect(klingErrorContext(error)).toMatchObject({ noAnswer: true });
		expect(klingErrorContext(error).neverSent).toBeFalsy();
		expect(kling.sent).toHaveLength(1);
	});

	it('never sends it again after a 5xx Kling answer either', async () => {
		const kling = new FakeKling().inject(everything, internalError, Infinity);
		const error = await failureOf(send(kling, create));
		expect(klingErrorContext(error)).toMatchObject({ klingCode: 5000, httpStatus: 500 });
		expect(kling.sent).toHaveLength(1);
	});

	it('passes a 1302/1303 refusal on at once, for the scheduler to hold the queue back', async () => {
		const kling = new FakeKling().inject(everything, refused(1303, 'parallel task over resource pack limit', 429), Infinity);
		const error = await failureOf(send(kling, create));
		expect(klingErrorContext(error)).toMatchObject({ klingCode: 1303 });
		expect(kling.sent).toHaveLength(1);
	});

	it('gives up on a server that stays unreachable, after 5 more tries, with the reason', async () => {
		const kling = new FakeKling().inject(everything, connectionError('ECONNREFUSED'), Infinity);
		const error = await failureOf(send(kling, create));
		expect(error.message).toBe('No valid answer from Kling: the connection failed (ECONNREFUSED)');
		expect(kling.sent).toHaveLength(6);
	});

	it.each([
		[1000, 'Authentication failed'],
		[1001, 'Authorization header is empty'],
		[1002, 'Authorization header is invalid'],
		[1003, 'token not yet valid'],
		[1004, 'token expired'],
	])('tries once more with a fresh token after %i (transient once, §12), even a create, but only once', async (code, message) => {
		const once = new FakeKling().inject(everything, refused(code, message, 401));
		await expect(whileTimePasses(send(once, create))).resolves.toMatchObject({ requestId: 'req-ok' });
		expect(once.sent).toHaveLength(2);

		const twice = new FakeKling().inject(everything, refused(code, message, 401), Infinity);
		expect(klingErrorContext(await failureOf(send(twice, read))).klingCode).toBe(code);
		expect(twice.sent).toHaveLength(2);
	});
});

describe('klingApiRequest: what is sent, and the request timeout', () => {
	it('gives every request 60 s and 1 ms more for every 128 bytes of its body, and sends JSON text and objects as text', async () => {
		const kling = new FakeKling();
		await whileTimePasses(send(kling, create));
		await whileTimePasses(send(kling, { method: 'POST', path: PRODUCT.path, body: '{"prompt":"as text"}' }));
		await whileTimePasses(send(kling, { ...read, path: PRODUCT.path, qs: { pageNum: 1, pageSize: 30 } }));
		expect(kling.sent.map((sent) => sent.timeout)).toEqual([60_000 + 30 / 128, 60_000 + 20 / 128, 60_000]);
		expect(kling.sent.map((sent) => sent.rawBody)).toEqual(['{"prompt":"A harbour at dawn"}', '{"prompt":"as text"}', undefined]);
		expect(kling.sent[2].qs).toEqual({ pageNum: 1, pageSize: 30 });
	});

	it('gives a Buffer body (a create with images) 1 ms more for every 128 bytes, so a slow upload is not taken for a lost answer', async () => {
		for (const size of [128_000, 5_300_000]) {
			const kling = new FakeKling().inject(everything, ok({ task_id: '1', task_status: 'submitted' }));
			const body = Buffer.alloc(size, 0x20);
			await whileTimePasses(send(kling, { method: 'POST', path: PRODUCT.path, body }));
			expect(kling.sent[0].rawBody).toBe(body);
			expect(kling.sent[0].timeout).toBe(60_000 + size / 128);
		}
	});

	it('gives a text body (a create with an image given as Base64 text) the same time by its size in bytes', async () => {
		const kling = new FakeKling().inject(everything, ok({ task_id: '1', task_status: 'submitted' }));
		const body = JSON.stringify({ prompt: 'café', image: 'A'.repeat(5_300_000) });
		await whileTimePasses(send(kling, { method: 'POST', path: PRODUCT.path, body }));
		expect(kling.sent[0].timeout).toBe(60_000 + (body.length + 1) / 128);
	});

	it('so a create with a 4 MB image gets its upload time on top of the 60 s', async () => {
		const image = Buffer.alloc(4_000_000, 7);
		const kling = new FakeKling();
		const { ctx } = executeContext({ kling, binaries: { front: { bytes: image, stored: true } } });
		const body = await serialiseCreate(ctx, { image: { binaryImage: { itemIndex: 0, property: 'front' } } }, 'integer');
		await whileTimePasses(klingApiRequest.call(ctx, { method: 'POST', path: PRODUCT.path, body }));
		// About 5.3 MB of Base64: some 42 s more than the 60 s.
		expect(kling.sent[0].timeout).toBe(60_000 + Buffer.byteLength(kling.sent[0].body!) / 128);
		expect(kling.sent[0].timeout).toBeGreaterThan(100_000);
	});
});
