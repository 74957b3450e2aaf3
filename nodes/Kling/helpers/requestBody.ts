import { randomBytes } from 'crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { withBareElementIds } from '../contract/request';
import { asNodeError } from '../transport/errors';
import { StreamedJsonBody, type BinaryFile } from '../transport/streamedBody';
import { isBinaryRef, type BinaryImageRef } from './imageInput';

/**
 * Bytes of a binary file read per step while its Base64 is sent. With each step's Base64 written over the step itself
 * (see `encodeInPlace`), 32 KB to 256 KB steps gave the same peak memory; 64 KB is a file stream's own step, and far
 * smaller steps cost encoding time and thousands of writes per image.
 */
const READ_STEP = 64 * 1024;

/**
 * Sends a create whose body may hold binary images (`BinaryImageRef`): the body as it is when it has none,
 * otherwise a `StreamedJsonBody` that writes each image in as raw Base64 while the request goes out. No image is
 * ever held whole, neither as Base64 text nor as bytes: while a batch of 20 items with 10 MB images is sent, what
 * stays referenced is the chunks in flight, not 20 (or even one) 13 MB bodies.
 */
export async function sendWithImages<T>(
	ctx: IExecuteFunctions,
	body: IDataObject,
	send: (body: string | StreamedJsonBody) => Promise<T>,
	options: { bareElementIds?: boolean } = {},
): Promise<T> {
	const refs: BinaryImageRef[] = [];
	const tag = `kling-binary-${randomBytes(8).toString('hex')}`;
	let json = JSON.stringify(body, (_key, value: unknown) => (isBinaryRef(value) ? `${tag}:${refs.push(value) - 1}` : value));
	if (options.bareElementIds) json = withBareElementIds(json);
	if (!refs.length) return await send(json);

	const pieces = json.split(new RegExp(`"${tag}:(\\d+)"`));
	const files = await Promise.all(refs.map(async (ref) => await openBinary.call(ctx, ref)));
	const streamed = new StreamedJsonBody(pieces, files);
	try {
		return await send(streamed);
	} catch (error) {
		// The request broke off because a file was not what the store said: say so, not "the connection failed".
		if (streamed.problem) {
			const { message, itemIndex, description } = streamed.problem;
			throw new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
		}
		throw asNodeError(ctx.getNode(), error);
	} finally {
		// A request that failed half-way leaves its body unread, and nothing else would close the file it reads.
		streamed.stopReading();
	}
}

/** A binary file's size and its bytes in steps: streamed from n8n's store, or sliced when it is in memory. */
async function openBinary(this: IExecuteFunctions, ref: BinaryImageRef): Promise<BinaryFile> {
	const { itemIndex, property } = ref.binaryImage;
	const { id } = this.helpers.assertBinaryData(itemIndex, property);
	if (id) {
		const { fileSize } = await this.helpers.getBinaryMetadata(id);
		return {
			source: ref.binaryImage,
			size: fileSize,
			read: async () => {
				const stream = await this.helpers.getBinaryStream(id, READ_STEP);
				return { chunks: stream as AsyncIterable<Buffer>, chunksAreOurs: true, close: () => stream.destroy() };
			},
		};
	}
	const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	async function* slices() {
		for (let at = 0; at < bytes.length; at += READ_STEP) yield bytes.subarray(at, at + READ_STEP);
	}
	return { source: ref.binaryImage, size: bytes.length, read: async () => ({ chunks: slices(), chunksAreOurs: false, close: () => undefined }) };
}
