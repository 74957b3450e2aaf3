import { randomBytes } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isBinaryRef, type BinaryImageRef } from '../contract/media';
import { withBareElementIds } from '../contract/request';

/** How a create writes its element ids: as Kling types them (bare integers), or as strings for an endpoint that refuses those (§2). */
export type ElementIdForm = 'integer' | 'string';

/** Bytes encoded per step: small enough that no image's whole Base64 ever exists as one string. */
const ENCODE_STEP = 3 * 16 * 1024;

/**
 * The text of a create body. Binary images (references to the input item's files, see contract/media.ts) are
 * written in as raw Base64 (§2): the body then becomes one Buffer of its exact size, and the images are read from
 * n8n's binary store one after the other while it is filled, in steps, so besides the body no image is held whole.
 */
export async function serialiseCreate(ctx: IExecuteFunctions, body: IDataObject, ids: ElementIdForm): Promise<string | Buffer> {
	const refs: BinaryImageRef[] = [];
	const tag = `kling-binary-${randomBytes(8).toString('hex')}`;
	let json = JSON.stringify(body, (_key, value: unknown) => (isBinaryRef(value) ? `${tag}:${refs.push(value) - 1}` : value));
	if (ids === 'integer') json = withBareElementIds(json);
	if (!refs.length) return json;

	// Even entries are JSON text, odd ones the index of the image that goes between them (its quotes included).
	const pieces = json.split(new RegExp(`"${tag}:(\\d+)"`));
	const sizes = await Promise.all(refs.map(async (ref) => await byteLength(ctx, ref)));
	const base64Length = (size: number) => 2 + 4 * Math.ceil(size / 3);
	const total = pieces.reduce((sum, piece, n) => sum + (n % 2 ? base64Length(sizes[Number(piece)]) : Buffer.byteLength(piece)), 0);
	const out = Buffer.allocUnsafe(total);
	let at = 0;
	for (const [n, piece] of pieces.entries()) {
		if (n % 2 === 0) {
			at += out.write(piece, at, 'utf8');
			continue;
		}
		const [ref, size] = [refs[Number(piece)], sizes[Number(piece)]];
		const end = at + base64Length(size) - 1;
		at += out.write('"', at, 'latin1');
		if ((await writeBase64(ctx, ref, out, at, end)) !== size) throw changedFile(ctx, ref);
		at = end + out.write('"', end, 'latin1');
	}
	return out;
}

/**
 * Writes the file's Base64 into `out` from `at`, never past `end`, and returns how many bytes of the file it read. A file in n8n's
 * binary store outside memory is read in steps of ENCODE_STEP bytes, so no copy of the whole file is made; bytes left
 * over from a step that is not a multiple of 3 are carried to the next, so no padding lands inside the Base64.
 */
async function writeBase64(ctx: IExecuteFunctions, ref: BinaryImageRef, out: Buffer, at: number, end: number): Promise<number> {
	const { itemIndex, property } = ref.binaryImage;
	const { id } = ctx.helpers.assertBinaryData(itemIndex, property);
	const chunks: AsyncIterable<Buffer> | Buffer[] = id ? await ctx.helpers.getBinaryStream(id, ENCODE_STEP) : [await ctx.helpers.getBinaryDataBuffer(itemIndex, property)];
	const write = (bytes: Buffer) => {
		if (at + 4 * Math.ceil(bytes.length / 3) > end) throw changedFile(ctx, ref);
		at += out.write(bytes.toString('base64'), at, 'latin1');
	};
	let carry: Buffer = Buffer.alloc(0);
	let read = 0;
	for await (const chunk of chunks) {
		read += chunk.length;
		const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
		const whole = bytes.length - (bytes.length % 3);
		for (let step = 0; step < whole; step += ENCODE_STEP) write(bytes.subarray(step, Math.min(step + ENCODE_STEP, whole)));
		carry = bytes.subarray(whole);
	}
	write(carry);
	return read;
}

/** The file's size in bytes, from n8n's binary store without reading the file when it is stored outside memory. */
async function byteLength(ctx: IExecuteFunctions, ref: BinaryImageRef): Promise<number> {
	const { itemIndex, property } = ref.binaryImage;
	const { id } = ctx.helpers.assertBinaryData(itemIndex, property);
	if (id) return (await ctx.helpers.getBinaryMetadata(id)).fileSize;
	return (await ctx.helpers.getBinaryDataBuffer(itemIndex, property)).length;
}

function changedFile(ctx: IExecuteFunctions, ref: BinaryImageRef): NodeOperationError {
	const { itemIndex, property } = ref.binaryImage;
	return new NodeOperationError(ctx.getNode(), `The binary field "${property}" changed size while the request was built; nothing was sent. Run the node again.`, { itemIndex });
}
