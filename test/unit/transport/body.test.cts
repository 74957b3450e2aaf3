import { randomBytes } from 'node:crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { sendWithImages } from '../../nodes/Kling/helpers/requestBody';
import { StreamedJsonBody } from '../../nodes/Kling/transport/streamedBody';

interface StoredFile {
	bytes: Buffer;
	/** Sizes of the chunks the store's stream hands out, in turn (the rest in one chunk). */
	chunkSizes?: number[];
	/** The size the store reports, when it differs from the bytes. */
	reportedSize?: number;
	/** In memory (no id), as n8n keeps binaries in its default mode. */
	inMemory?: boolean;
	/** The store's stream fails after handing out its chunks. */
	failsWith?: string;
	/**
	 * The stream hands out views of the stored bytes, as an HTTP response's chunks are views of what the socket read.
	 * Otherwise each chunk is a copy that owns its memory, as a file stream's are.
	 */
	viewChunks?: boolean;
}

/** An execute context with one input item whose binary fields are the given files; `opened` counts open store streams. */
function contextWith(files: Record<string, StoredFile>) {
	const binary = Object.fromEntries(
		Object.entries(files).map(([property, file]) => [property, { data: '', mimeType: 'image/png', ...(file.inMemory ? {} : { id: `store:${property}` }) }]),
	);
	const byId = (id: string) => files[id.replace('store:', '')];
	const streams = { opened: 0 };
	const ctx = {
		getNode: () => ({ name: 'Kling', type: 'n8n-nodes-kling-elements.kling', typeVersion: 1, position: [0, 0], parameters: {} }),
		getInputData: () => [{ json: {}, binary }],
		helpers: {
			getBinaryMetadata: async (id: string) => ({ fileSize: byId(id).reportedSize ?? byId(id).bytes.length }),
			getBinaryStream: async (id: string) => {
				streams.opened++;
				const { bytes, chunkSizes = [], viewChunks } = byId(id);
				const chunk = (from: number, to: number) =>
					viewChunks ? bytes.subarray(from, to) : Buffer.from(bytes.buffer.slice(bytes.byteOffset + from, bytes.byteOffset + to));
				const chunks = async function* () {
					let at = 0;
					for (const size of chunkSizes) {
						yield chunk(at, at + size);
						at += size;
					}
					if (at < bytes.length) yield chunk(at, bytes.length);
					if (byId(id).failsWith) throw new Error(byId(id).failsWith);
				};
				// Like a file stream: iterable, and destroyed when the reader is done with it.
				return { [Symbol.asyncIterator]: chunks, destroy: () => streams.opened-- };
			},
			getBinaryDataBuffer: async (_itemIndex: number, property: string) => files[property].bytes,
			assertBinaryData: (_itemIndex: number, property: string) => binary[property],
		},
	} as unknown as IExecuteFunctions;
	return Object.assign(ctx, { streams });
}

const ref = (property: string) => ({ binaryImage: { itemIndex: 0, property } }) as unknown as IDataObject;

/** Every chunk a body hands out when it is read once. */
async function chunksOf(body: StreamedJsonBody): Promise<Buffer[]> {
	const chunks: Buffer[] = [];
	for await (const chunk of body.stream()) chunks.push(chunk);
	return chunks;
}

/** Sends a body through `sendWithImages` with a client that reads it whole, and returns what it read. */
async function sent(ctx: IExecuteFunctions, body: IDataObject, options: { bareElementIds?: boolean } = {}): Promise<string | Buffer> {
	return await sendWithImages(
		ctx,
		body,
		async (encoded) => (encoded instanceof StreamedJsonBody ? Buffer.concat(await chunksOf(encoded)) : encoded),
		options,
	);
}

/** The streamed body `sendWithImages` hands to the HTTP client, unread. */
async function streamedBody(ctx: IExecuteFunctions, body: IDataObject): Promise<StreamedJsonBody> {
	return (await sendWithImages(ctx, body, async (encoded) => encoded)) as StreamedJsonBody;
}

describe('request bodies with binary images', () => {
	it('sends a body without binary images as its JSON text', async () => {
		const body = { name: 'Kara', image: 'https://cdn.example.com/a.png' };
		expect(await sent(contextWith({}), body)).toBe(JSON.stringify(body));
	});

	it('can write element ids as bare integers, with or without binary images, and nothing else', async () => {
		const id = '835266081714884677';
		const prompt = 'keep "element_id":"1" and {"element_id":"2"} as written';
		const body = { prompt, element_list: [{ element_id: id }, { element_id: '160' }], voice_id: '42' };
		expect(await sent(contextWith({}), body, { bareElementIds: true })).toBe(
			`{"prompt":${JSON.stringify(prompt)},"element_list":[{"element_id":${id}},{"element_id":160}],"voice_id":"42"}`,
		);
		const front = randomBytes(10);
		const streamed = await sent(contextWith({ front: { bytes: front } }), { image: ref('front'), element_list: [{ element_id: id }] }, { bareElementIds: true });
		expect(streamed.toString()).toBe(`{"image":"${front.toString('base64')}","element_list":[{"element_id":${id}}]}`);
	});

	it.each([
		['a length divisible by 3, in one chunk', 3000, []],
		['one byte over, in chunks that split the groups of three', 3001, [1, 1, 5, 7, 2, 1000]],
		['two bytes over, with empty and one-byte chunks', 3002, [0, 1, 0, 2, 4]],
		['a single byte', 1, []],
		['two bytes, one at a time', 2, [1, 1]],
	])('streams the exact JSON with raw Base64 for %s, of the size it announced', async (_label, length, chunkSizes) => {
		const front = randomBytes(length);
		const side = randomBytes(17);
		const ctx = contextWith({ front: { bytes: front, chunkSizes }, side: { bytes: side, inMemory: true } });
		const body = { element_name: 'Kära "quoted"', element_frontal_image: ref('front'), refer_images: [{ image: ref('side') }, { image: 'https://cdn.example.com/b.png' }] };

		const streamed = await streamedBody(ctx, body);
		const bytes = Buffer.concat(await chunksOf(streamed));

		expect(bytes.length).toBe(streamed.size);
		expect(JSON.parse(bytes.toString('utf8'))).toEqual({
			element_name: 'Kära "quoted"',
			element_frontal_image: front.toString('base64'),
			refer_images: [{ image: side.toString('base64') }, { image: 'https://cdn.example.com/b.png' }],
		});
		expect(ctx.streams.opened).toBe(0);
	});

	it("writes the Base64 over a store's chunks only when they are its own: never over a binary n8n holds in memory, nor over views of shared bytes", async () => {
		const front = randomBytes(3001);
		const side = randomBytes(3001);
		const ctx = contextWith({ front: { bytes: front, chunkSizes: [1000, 1000], viewChunks: true }, side: { bytes: side, inMemory: true } });
		const [frontBefore, sideBefore] = [Buffer.from(front), Buffer.from(side)];

		const bytes = await sent(ctx, { front: ref('front'), side: ref('side') });

		expect(JSON.parse(bytes.toString())).toEqual({ front: frontBefore.toString('base64'), side: sideBefore.toString('base64') });
		expect(front.equals(frontBefore)).toBe(true);
		expect(side.equals(sideBefore)).toBe(true);
	});

	it('never holds an image whole: each chunk is the Base64 of one chunk of the file', async () => {
		const ctx = contextWith({ front: { bytes: randomBytes(30_000), chunkSizes: Array(299).fill(100) } });
		const chunks = await chunksOf(await streamedBody(ctx, { image: ref('front') }));
		expect(Math.max(...chunks.map((chunk) => chunk.length))).toBeLessThanOrEqual(4 * Math.ceil(102 / 3));
		expect(chunks.length).toBeGreaterThan(300);
	});

	it("is shaped like a Blob of JSON, so that n8n's HTTP client streams it with its Content-Length", async () => {
		const streamed = await streamedBody(contextWith({ front: { bytes: randomBytes(300) } }), { image: ref('front') });
		expect(Object.prototype.toString.call(streamed)).toBe('[object Blob]');
		expect(streamed.type).toBe('application/json');
		expect(streamed.size).toBe('{"image":""}'.length + 400);
	});

	it('can be read again, with the same bytes, when a request must be sent again', async () => {
		const ctx = contextWith({ front: { bytes: randomBytes(3001), chunkSizes: [500, 500] } });
		const streamed = await streamedBody(ctx, { image: ref('front') });
		const first = Buffer.concat(await chunksOf(streamed));
		expect(Buffer.concat(await chunksOf(streamed)).equals(first)).toBe(true);
	});

	it('closes the file when the client stops reading early', async () => {
		const ctx = contextWith({ front: { bytes: randomBytes(3000), chunkSizes: [100, 100] } });
		const streamed = await streamedBody(ctx, { image: ref('front') });
		for await (const chunk of streamed.stream()) if (chunk.length > 100) break;
		expect(ctx.streams.opened).toBe(0);
	});

	it('closes the file when the request fails half-way through the body', async () => {
		const ctx = contextWith({ front: { bytes: randomBytes(3000), chunkSizes: [100, 100] } });
		await expect(
			sendWithImages(ctx, { image: ref('front') }, async (encoded) => {
				const reader = (encoded as StreamedJsonBody).stream();
				for (let n = 0; n < 3; n++) await reader.next();
				expect(ctx.streams.opened).toBe(1);
				throw new Error('socket hang up');
			}),
		).rejects.toThrow('socket hang up');
		expect(ctx.streams.opened).toBe(0);
	});

	it.each([
		['fewer', 310],
		['more', 290],
	])('breaks the request off with a clear error when the file has %s bytes than the store reported', async (word, reportedSize) => {
		const ctx = contextWith({ front: { bytes: randomBytes(300), reportedSize } });
		let announced = 0;
		let readUpTo = 0;
		await expect(
			sendWithImages(ctx, { image: ref('front') }, async (encoded) => {
				announced = (encoded as StreamedJsonBody).size;
				for await (const chunk of (encoded as StreamedJsonBody).stream()) readUpTo += chunk.length;
			}),
		).rejects.toThrow(`The binary field "front" has ${word} bytes than n8n's binary data store reported (${reportedSize})`);
		expect(readUpTo).toBeLessThan(announced);
	});

	it('breaks the request off with a clear error when the store cannot read the file', async () => {
		const ctx = contextWith({ front: { bytes: randomBytes(300), chunkSizes: [100], failsWith: 'ENOENT: no such file' } });
		await expect(
			sendWithImages(ctx, { image: ref('front') }, async (encoded) => {
				for await (const _chunk of (encoded as StreamedJsonBody).stream());
			}),
		).rejects.toMatchObject({
			message: expect.stringContaining(`The binary field "front" could not be read from n8n's binary data store; the request was broken off`),
			description: 'ENOENT: no such file',
		});
		expect(ctx.streams.opened).toBe(0);
	});
});
