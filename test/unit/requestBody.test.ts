import { randomBytes } from 'node:crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { sendWithImages } from '../../nodes/Kling/helpers/requestBody';

interface StoredFile {
	bytes: Buffer;
	/** Sizes of the chunks the store's stream hands out, in turn (the rest in one chunk). */
	chunkSizes?: number[];
	/** The size the store reports, when it differs from the bytes. */
	reportedSize?: number;
	/** In memory (no id), as n8n keeps binaries in its default mode. */
	inMemory?: boolean;
}

/** An execute context with one input item whose binary fields are the given files. */
function contextWith(files: Record<string, StoredFile>): IExecuteFunctions {
	const binary = Object.fromEntries(
		Object.entries(files).map(([property, file]) => [property, { data: '', mimeType: 'image/png', ...(file.inMemory ? {} : { id: `store:${property}` }) }]),
	);
	const byId = (id: string) => files[id.replace('store:', '')];
	return {
		getInputData: () => [{ json: {}, binary }],
		helpers: {
			getBinaryMetadata: async (id: string) => ({ fileSize: byId(id).reportedSize ?? byId(id).bytes.length }),
			getBinaryStream: async (id: string) =>
				(async function* () {
					const { bytes, chunkSizes = [] } = byId(id);
					let at = 0;
					for (const size of chunkSizes) {
						yield bytes.subarray(at, at + size);
						at += size;
					}
					if (at < bytes.length) yield bytes.subarray(at);
				})(),
			getBinaryDataBuffer: async (_itemIndex: number, property: string) => files[property].bytes,
		},
	} as unknown as IExecuteFunctions;
}

const ref = (property: string) => ({ binaryImage: { itemIndex: 0, property } }) as unknown as IDataObject;

/** Sends a body through `sendWithImages` and returns what the HTTP client would have been given. */
async function sent(ctx: IExecuteFunctions, body: IDataObject): Promise<IDataObject | Buffer> {
	return await sendWithImages(ctx, body, async (encoded) => encoded);
}

describe('request bodies with binary images', () => {
	it('passes a body without binary images through untouched', async () => {
		const body = { name: 'Kara', image: 'https://cdn.example.com/a.png' };
		expect(await sent(contextWith({}), body)).toBe(body);
	});

	it.each([
		['a length divisible by 3, in one chunk', 3000, []],
		['one byte over, in chunks that split the groups of three', 3001, [1, 1, 5, 7, 2, 1000]],
		['two bytes over, with empty and one-byte chunks', 3002, [0, 1, 0, 2, 4]],
		['a single byte', 1, []],
		['two bytes, one at a time', 2, [1, 1]],
	])('writes the exact JSON with raw Base64 for %s', async (_label, length, chunkSizes) => {
		const front = randomBytes(length);
		const side = randomBytes(17);
		const ctx = contextWith({ front: { bytes: front, chunkSizes }, side: { bytes: side, inMemory: true } });
		const body = { element_name: 'Kära "quoted"', element_frontal_image: ref('front'), refer_images: [{ image: ref('side') }, { image: 'https://cdn.example.com/b.png' }] };

		const encoded = await sent(ctx, body);

		expect(Buffer.isBuffer(encoded)).toBe(true);
		expect(JSON.parse((encoded as Buffer).toString('utf8'))).toEqual({
			element_name: 'Kära "quoted"',
			element_frontal_image: front.toString('base64'),
			refer_images: [{ image: side.toString('base64') }, { image: 'https://cdn.example.com/b.png' }],
		});
	});

	it.each([
		['smaller', 290],
		['larger', 310],
	])('falls back to encoding in memory when the store reports a %s size than the file has', async (_label, reportedSize) => {
		const bytes = randomBytes(300);
		const ctx = contextWith({ front: { bytes, reportedSize } });
		expect(await sent(ctx, { image: ref('front') })).toEqual({ image: bytes.toString('base64') });
	});

	describe('the body buffer of a node run', () => {
		const body = { image: ref('front') };
		const ctx = () => contextWith({ front: { bytes: randomBytes(3000) } });

		it('is reused by the next create once Kling has accepted the previous one', async () => {
			const run = ctx();
			const first = (await sent(run, body)) as Buffer;
			const second = (await sent(run, body)) as Buffer;
			expect(second.buffer).toBe(first.buffer);
		});

		it('is never written again after a request that failed: its socket may still be sending from it', async () => {
			const run = ctx();
			let failed: Buffer | undefined;
			await expect(
				sendWithImages(run, body, async (encoded) => {
					failed = encoded as Buffer;
					throw new Error('socket hang up');
				}),
			).rejects.toThrow('socket hang up');
			const next = (await sent(run, body)) as Buffer;
			expect(next.buffer).not.toBe(failed!.buffer);
		});

		it('is lent to one request at a time', async () => {
			const run = ctx();
			let release!: () => void;
			const held = new Promise<void>((resolve) => (release = resolve));
			let first: Buffer | undefined;
			const slow = sendWithImages(run, body, async (encoded) => {
				first = encoded as Buffer;
				await held;
				return encoded;
			});
			const meanwhile = (await sent(run, body)) as Buffer;
			release();
			await slow;
			expect(meanwhile.buffer).not.toBe(first!.buffer);
			expect(JSON.parse(first!.toString('utf8'))).toEqual(JSON.parse(meanwhile.toString('utf8')));
		});

		it('belongs to its node run: another run gets its own', async () => {
			const first = (await sent(ctx(), body)) as Buffer;
			const other = (await sent(ctx(), body)) as Buffer;
			expect(other.buffer).not.toBe(first.buffer);
		});
	});
});
