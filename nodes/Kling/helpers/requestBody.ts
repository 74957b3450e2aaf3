import { randomBytes } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { isBinaryRef, type BinaryImageRef } from './imageInput';

/** Bytes of a binary file read per step while its Base64 is written into the body. */
const READ_STEP = 64 * 1024;

/**
 * Sends a create whose body may hold binary images (`BinaryImageRef`): the body as it is when it has none,
 * otherwise its JSON with every image written in as raw Base64, straight into one buffer of the exact size. The
 * file is read in steps and never held as one big Base64 string (a 10 MB image would otherwise exist three times
 * over: file, Base64 text, JSON text).
 *
 * The buffer is then kept for the next create of the same node run (see `borrowBuffer`): a batch of 20 items
 * with 10 MB images reuses one 13 MB buffer instead of leaving 20 behind for the garbage collector, which frees
 * them only in its own time and would let memory grow to several bodies' worth.
 */
export async function sendWithImages<T>(
	ctx: IExecuteFunctions,
	body: IDataObject,
	send: (body: IDataObject | Buffer) => Promise<T>,
): Promise<T> {
	const refs: BinaryImageRef[] = [];
	const tag = `kling-binary-${randomBytes(8).toString('hex')}`;
	const json = JSON.stringify(body, (_key, value: unknown) => (isBinaryRef(value) ? `${tag}:${refs.push(value) - 1}` : value));
	if (!refs.length) return await send(body);

	const pieces = json.split(new RegExp(`"${tag}:(\\d+)"`));
	const files = await Promise.all(refs.map(async (ref) => await openBinary.call(ctx, ref)));
	const size = pieces.reduce((sum, piece, n) => sum + (n % 2 ? 2 + 4 * Math.ceil(files[Number(piece)].size / 3) : Buffer.byteLength(piece)), 0);
	const loan = borrowBuffer(ctx, size);
	let answered = false;
	try {
		const out = loan.buffer.subarray(0, size);
		const complete = await writeBody(out, pieces, files);
		// A stored size that does not match the file: encode in memory rather than send a bad body.
		const result = await send(complete ? out : await encodeImages.call(ctx, body));
		answered = true;
		return result;
	} finally {
		loan.giveBack(answered);
	}
}

/**
 * Writes the JSON pieces and, between them, each file's Base64 in quotes. False when a file did not have the size
 * the binary data store gave for it (the body was sized from those): nothing is written past the end.
 */
async function writeBody(out: Buffer, pieces: string[], files: BinaryFile[]): Promise<boolean> {
	let offset = 0;
	for (const [n, piece] of pieces.entries()) {
		if (n % 2 === 0) {
			offset += out.write(piece, offset, 'utf8');
			continue;
		}
		const file = files[Number(piece)];
		out[offset++] = QUOTE;
		const base64 = new Base64Writer(out, offset);
		let read = 0;
		for await (const chunk of file.chunks()) {
			read += chunk.length;
			if (read > file.size) return false;
			base64.write(chunk);
		}
		if (read !== file.size) return false;
		offset = base64.end();
		out[offset++] = QUOTE;
	}
	return true;
}

const QUOTE = 0x22;
const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');
const PAD = 0x3d; // =

/**
 * Base64 written byte by byte into the body as the file's chunks arrive. Node can only make Base64 as a string:
 * 13 MB of short-lived strings per 10 MB image, which make V8 grow its young generation by tens of MB during a
 * batch. This writes the same characters with no allocation at all, a little slower (about 30 ms per 10 MB).
 */
class Base64Writer {
	/** Bytes of the last chunk that did not fill a group of three, carried into the next one. */
	private readonly carry = Buffer.alloc(3);
	private carried = 0;

	constructor(
		private readonly out: Buffer,
		private offset: number,
	) {}

	write(bytes: Buffer) {
		let at = 0;
		if (this.carried) {
			while (this.carried < 3 && at < bytes.length) this.carry[this.carried++] = bytes[at++];
			if (this.carried < 3) return;
			this.group(this.carry[0], this.carry[1], this.carry[2]);
			this.carried = 0;
		}
		const whole = at + (bytes.length - at) - ((bytes.length - at) % 3);
		for (; at < whole; at += 3) this.group(bytes[at], bytes[at + 1], bytes[at + 2]);
		while (at < bytes.length) this.carry[this.carried++] = bytes[at++];
	}

	/** Writes the last one or two bytes with their padding; returns the offset after the Base64. */
	end(): number {
		if (this.carried) {
			const start = this.offset;
			this.group(this.carry[0], this.carried > 1 ? this.carry[1] : 0, 0);
			this.out[start + 3] = PAD;
			if (this.carried === 1) this.out[start + 2] = PAD;
		}
		return this.offset;
	}

	private group(a: number, b: number, c: number) {
		const bits = (a << 16) | (b << 8) | c;
		const { out } = this;
		out[this.offset] = ALPHABET[bits >>> 18];
		out[this.offset + 1] = ALPHABET[(bits >>> 12) & 63];
		out[this.offset + 2] = ALPHABET[(bits >>> 6) & 63];
		out[this.offset + 3] = ALPHABET[bits & 63];
		this.offset += 4;
	}
}

interface BodyBuffer {
	buffer: Buffer;
	lent: boolean;
}

/** The body buffer of each node run (keyed by its execute context, so it goes when the run ends). */
const bodyBuffers = new WeakMap<object, BodyBuffer>();

/**
 * Lends the run's body buffer, grown to `size` if needed. A request of the same run that still holds it gets a
 * buffer of its own. The buffer is kept for the next create only after Kling accepted the request, that is read
 * all of it: after an error or a timeout the socket may still be sending from it, so it must not be written again.
 */
function borrowBuffer(owner: object, size: number): { buffer: Buffer; giveBack(answered: boolean): void } {
	const held = bodyBuffers.get(owner);
	if (held?.lent) return { buffer: Buffer.allocUnsafe(size), giveBack: () => undefined };
	const slot = held && held.buffer.length >= size ? held : { buffer: Buffer.allocUnsafe(size), lent: false };
	slot.lent = true;
	bodyBuffers.set(owner, slot);
	return {
		buffer: slot.buffer,
		giveBack(answered) {
			slot.lent = false;
			if (!answered) bodyBuffers.delete(owner);
		},
	};
}

interface BinaryFile {
	size: number;
	chunks(): AsyncIterable<Buffer>;
}

/** A binary file's size and its bytes in steps: streamed from n8n's store, or sliced when it is in memory. */
async function openBinary(this: IExecuteFunctions, ref: BinaryImageRef): Promise<BinaryFile> {
	const { itemIndex, property } = ref.binaryImage;
	const id = this.getInputData()[itemIndex]?.binary?.[property]?.id;
	if (id) {
		const { fileSize } = await this.helpers.getBinaryMetadata(id);
		return { size: fileSize, chunks: () => streamChunks(this, id) };
	}
	const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	return {
		size: bytes.length,
		async *chunks() {
			for (let at = 0; at < bytes.length; at += READ_STEP) yield bytes.subarray(at, at + READ_STEP);
		},
	};
}

async function* streamChunks(ctx: IExecuteFunctions, id: string): AsyncIterable<Buffer> {
	for await (const chunk of (await ctx.helpers.getBinaryStream(id, READ_STEP)) as AsyncIterable<Buffer>) yield chunk;
}

/** Replaces every binary image reference in a request body with the file's raw Base64 (the simple, in-memory way). */
async function encodeImages(this: IExecuteFunctions, body: IDataObject): Promise<IDataObject> {
	const visit = async (value: unknown): Promise<unknown> => {
		if (isBinaryRef(value)) {
			const { itemIndex, property } = value.binaryImage;
			return (await this.helpers.getBinaryDataBuffer(itemIndex, property)).toString('base64');
		}
		if (Array.isArray(value)) return await Promise.all(value.map(visit));
		if (value && typeof value === 'object') {
			const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await visit(v)] as const));
			return Object.fromEntries(entries);
		}
		return value;
	};
	return (await visit(body)) as IDataObject;
}
