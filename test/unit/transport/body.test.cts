/**
 * transport/body.ts: a create's body as the exact bytes Kling gets. Binary images from n8n's binary store are written
 * in as raw Base64 (§2) into one Buffer of the exact size; element ids go as bare integers (or, after a refusal, as
 * strings); nothing inside a string value is ever touched.
 */
import { randomBytes } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import { PRODUCTS } from '../../../nodes/Kling/contract/task';
import { serialiseCreate } from '../../../nodes/Kling/transport/body';
import { submitTask } from '../../../nodes/Kling/tasks/submit';
import { executeContext, failureOf, useFakeTime, type BinaryFile } from '../executeKit.cts';

useFakeTime();

const ref = (property: string) => ({ binaryImage: { itemIndex: 0, property } }) as unknown as IDataObject;
const ID = '835266081714884677'; // above 2^53: a JSON number would lose its last digits

const serialise = async (body: IDataObject, binaries: Record<string, BinaryFile> = {}, ids: 'integer' | 'string' = 'integer') =>
	await serialiseCreate(executeContext({ binaries }).ctx, body, ids);

describe('serialiseCreate without binary images', () => {
	it('is the JSON text of the body', async () => {
		const body = { name: 'Kara', image: 'https://cdn.example.com/a.png', refer_images: [{ image_url: 'iVBORw0KGgo=' }] };
		expect(await serialise(body)).toBe(JSON.stringify(body));
	});

	it('writes element ids as bare integers with every digit, and touches nothing in strings', async () => {
		const prompt = 'keep "element_id":"1" and {"element_id":"2"} as written';
		const body = { prompt, element_list: [{ element_id: ID }, { element_id: '160' }], voice_id: '42', external_task_id: '9007199254740993' };
		expect(await serialise(body)).toBe(
			`{"prompt":${JSON.stringify(prompt)},"element_list":[{"element_id":${ID}},{"element_id":160}],"voice_id":"42","external_task_id":"9007199254740993"}`,
		);
	});

	it('writes them as strings when asked (for an endpoint that refused the integers)', async () => {
		const body = { prompt: 'two', element_list: [{ element_id: ID }] };
		expect(await serialise(body, {}, 'string')).toBe(JSON.stringify(body));
	});
});

describe('serialiseCreate with binary images', () => {
	it.each([
		['a length divisible by 3', 3000],
		['one byte over', 3001],
		['two bytes over', 3002],
		['a single byte', 1],
		['more than one encoding step (48 KiB)', 200_000],
	])('writes the exact Base64 of %s, in a Buffer of the exact length', async (_label, length) => {
		const front = randomBytes(length);
		const side = randomBytes(17);
		const body = {
			element_name: 'Kära "quoted" ✓',
			element_frontal_image: ref('front'),
			refer_images: [{ image_url: ref('side') }, { image_url: 'https://cdn.example.com/b.png' }],
			element_list: [{ element_id: ID }],
		};
		const sent = await serialise(body, { front: { bytes: front, stored: true }, side: { bytes: side } });

		const expected =
			`{"element_name":"Kära \\"quoted\\" ✓","element_frontal_image":"${front.toString('base64')}",` +
			`"refer_images":[{"image_url":"${side.toString('base64')}"},{"image_url":"https://cdn.example.com/b.png"}],"element_list":[{"element_id":${ID}}]}`;
		expect(Buffer.isBuffer(sent)).toBe(true);
		expect(sent.length).toBe(Buffer.byteLength(expected));
		expect(sent.toString('utf8')).toBe(expected);
	});

	it('reads a binary kept in memory and one from the store, each as it is kept', async () => {
		const memory = randomBytes(300);
		const stored = randomBytes(301);
		const { ctx, context } = executeContext({ binaries: { memory: { bytes: memory }, stored: { bytes: stored, stored: true } } });
		const sent = await serialiseCreate(ctx, { a: ref('memory'), b: ref('stored') }, 'integer');
		expect(JSON.parse(sent.toString())).toEqual({ a: memory.toString('base64'), b: stored.toString('base64') });
		// The stored file's size comes from the store's metadata; only the one in memory has none.
		expect(context.helpers.getBinaryMetadata).toHaveBeenCalledTimes(1);
		expect(context.helpers.getBinaryMetadata).toHaveBeenCalledWith('filesystem-v2:stored');
	});

	it.each([1, 2, 4, 65_537])('reads a stored file in the chunks the store hands out, %i bytes each, carrying what is not a multiple of 3', async (streamChunk) => {
		const front = randomBytes(200_000);
		const sent = await serialise({ image: ref('front') }, { front: { bytes: front, stored: true, streamChunk } });
		expect(sent.toString()).toBe(`{"image":"${front.toString('base64')}"}`);
	});

	it('never reads a stored file whole', async () => {
		const { ctx, context } = executeContext({ binaries: { front: { bytes: randomBytes(200_000), stored: true } } });
		await serialiseCreate(ctx, { image: ref('front') }, 'integer');
		expect(context.helpers.getBinaryDataBuffer).not.toHaveBeenCalled();
		expect(context.helpers.getBinaryStream).toHaveBeenCalledWith('filesystem-v2:front', 48 * 1024);
	});

	it('leaves the files it read unchanged', async () => {
		const front = randomBytes(3001);
		const before = Buffer.from(front);
		await serialise({ image: ref('front') }, { front: { bytes: front, stored: true } });
		expect(front.equals(before)).toBe(true);
	});

	it('never touches a string that looks like its own placeholder', async () => {
		const body = { prompt: '"kling-binary-0000000000000000:0"', image: ref('front') };
		const front = randomBytes(10);
		const sent = await serialise(body, { front: { bytes: front } });
		expect(JSON.parse(sent.toString())).toEqual({ prompt: body.prompt, image: front.toString('base64') });
	});
});

describe('a file whose size changed', () => {
	it.each([
		['grew', 290],
		['shrank', 310],
	])('fails with a clear error when it %s since the store reported its size', async (_label, reportedSize) => {
		const error = await failureOf(serialise({ image: ref('front') }, { front: { bytes: randomBytes(300), stored: true, reportedSize } }));
		expect(error.message).toBe('The binary field "front" changed size while the request was built; nothing was sent. Run the node again.');
	});

	it('sends nothing to Kling', async () => {
		const { ctx, kling } = executeContext({ binaries: { front: { bytes: randomBytes(300), stored: true, reportedSize: 299 } } });
		const submission = { body: { prompt: 'A harbour', image: ref('front') }, externalTaskId: 'n8n-exec-1-0' };
		const error = await failureOf(submitTask.call(ctx, PRODUCTS.omniVideo, submission));
		expect(error.message).toMatch(/changed size while the request was built; nothing was sent/);
		expect(kling.sent).toEqual([]);
		expect(submission).not.toHaveProperty('lostAnswer');
	});
});
