/**
 * The one request body the transport sends without holding it: JSON with binary files written in as Base64 while it
 * is sent (see `sendWithImages` in helpers/requestBody.ts for how a create comes to have one).
 */
export interface FileReading {
	chunks: AsyncIterable<Buffer>;
	/**
	 * The chunks are handed to this reading alone (a store's stream makes each one afresh), so they may be overwritten
	 * with their Base64. Not so for views of a binary that n8n holds in memory: that is the item's data.
	 */
	chunksAreOurs: boolean;
	/** Stops reading: n8n's file stream holds a file descriptor until it ends or is closed. */
	close(): void;
}

export interface BinaryFile {
	/** Where the file is: the input item and its binary field. */
	source: { itemIndex: number; property: string };
	size: number;
	read(): Promise<FileReading>;
}

/**
 * A JSON body whose binary images are written in as Base64 while it is read: the JSON pieces and, between them,
 * each file's Base64 in quotes. Its exact size is known up front (from the stored files' sizes), so it goes out
 * with a Content-Length, and `stream()` can be read again for a retry.
 *
 * It is shaped like a `Blob` (size, type, stream()) because that is the streamed body n8n's HTTP client (axios)
 * accepts: node code may not import Node's `stream` module to build a Readable.
 */
export class StreamedJsonBody {
	readonly type = 'application/json';
	readonly size: number;
	/** Set when a file could not be sent as announced (unreadable, or not of its stored size): the body was cut off. */
	problem?: { message: string; itemIndex: number; description?: string };
	private readonly reading = new Set<FileReading>();

	constructor(
		private readonly pieces: string[],
		private readonly files: BinaryFile[],
	) {
		this.size = pieces.reduce(
			(sum, piece, n) => sum + (n % 2 ? 2 + 4 * Math.ceil(files[Number(piece)].size / 3) : Buffer.byteLength(piece)),
			0,
		);
	}

	get [Symbol.toStringTag]() {
		return 'Blob';
	}

	async *stream(): AsyncGenerator<Buffer> {
		for (const [n, piece] of this.pieces.entries()) {
			if (n % 2 === 0) {
				yield Buffer.from(piece, 'utf8');
				continue;
			}
			const file = this.files[Number(piece)];
			const base64 = new Base64Encoder();
			yield QUOTE;
			let read = 0;
			let reading: FileReading | undefined;
			try {
				reading = await file.read();
				this.reading.add(reading);
				for await (const chunk of reading.chunks) {
					read += chunk.length;
					if (read > file.size) break;
					if (reading.chunksAreOurs && ownsItsMemory(chunk)) yield* base64.encodeInPlace(chunk);
					else yield base64.encode(chunk);
				}
			} catch (error) {
				throw this.fail(file, "could not be read from n8n's binary data store", (error as Error).message);
			} finally {
				reading?.close();
				if (reading) this.reading.delete(reading);
			}
			// Sent as is, the body would not match its Content-Length: break the request off instead.
			if (read !== file.size) {
				throw this.fail(file, `has ${read > file.size ? 'more' : 'fewer'} bytes than n8n's binary data store reported (${file.size})`);
			}
			yield Buffer.concat([base64.end(), QUOTE]);
		}
	}

	/**
	 * Records why the body was cut off, for the node's error: without it the user would see "the connection failed"
	 * and the node would look for a task that cannot exist. A body cut short of its Content-Length is never handled by
	 * the server, so no task was created.
	 */
	private fail(file: BinaryFile, what: string, cause?: string): Error {
		const { itemIndex, property } = file.source;
		const message = `The binary field "${property}" ${what}; the request was broken off and Kling created no task. Run the node again.`;
		this.problem = { message, itemIndex, description: cause };
		return new Error(message);
	}

	/** Closes the files of a read that stopped half-way. */
	stopReading() {
		for (const reading of this.reading) reading.close();
		this.reading.clear();
	}
}

/**
 * A chunk that is a view into a larger buffer shares it with whatever else is in that buffer (an HTTP response's
 * chunks are views of what the socket read); one that is the whole of its memory, as a file stream's chunks are,
 * is no one else's.
 */
const ownsItsMemory = (chunk: Buffer) => chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;

/** Never written to, so one buffer serves every body. */
const QUOTE = Buffer.from('"');
const ALPHABET = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');
const PAD = 0x3d; // =

/**
 * Base64 of a file that arrives in chunks of any size, written byte by byte into buffers. Node can only make Base64
 * as a string: encoding through strings grew V8's young generation and raised the peak memory of 20 creates with
 * 10 MB images from about 3x to 6x the image size.
 */
class Base64Encoder {
	/** Bytes of the last chunk that did not fill a group of three, carried into the next one. */
	private readonly carry = Buffer.alloc(3);
	private carried = 0;

	/** The Base64 of every whole group of three bytes so far that was not encoded yet. */
	encode(bytes: Buffer): Buffer {
		const out = Buffer.allocUnsafe(4 * Math.floor((this.carried + bytes.length) / 3));
		let offset = 0;
		let at = 0;
		if (this.carried) {
			while (this.carried < 3 && at < bytes.length) this.carry[this.carried++] = bytes[at++];
			if (this.carried < 3) return out;
			offset = group(out, offset, this.carry[0], this.carry[1], this.carry[2]);
			this.carried = 0;
		}
		const whole = bytes.length - ((bytes.length - at) % 3);
		for (; at < whole; at += 3) offset = group(out, offset, bytes[at], bytes[at + 1], bytes[at + 2]);
		while (at < bytes.length) this.carry[this.carried++] = bytes[at++];
		return out;
	}

	/**
	 * The same, written over `bytes` themselves as far as they hold it: the Base64 of their first three quarters fills
	 * them, and only that of the last quarter needs a new buffer. Each 64 KB chunk then leaves 85 KB of garbage
	 * instead of 151 KB, and that garbage sets the peak memory of an upload: V8 frees it only at its next full
	 * collection (20 creates with 10 MB images peaked at about 2.2x the image size instead of 3.1x).
	 */
	encodeInPlace(bytes: Buffer): Buffer[] {
		// Complete the group that the last chunk left open; then no byte is carried.
		const completing = this.carried ? 3 - this.carried : 0;
		const head = this.encode(bytes.subarray(0, completing));
		const rest = bytes.subarray(completing);
		const groups = Math.floor(rest.length / 4);
		// The last quarter first, while it is still unread: the groups written over the chunk reach into it.
		const tail = this.encode(rest.subarray(3 * groups));
		// Backwards, so that no byte is written over before it is read: group g's four characters take bytes 4g to
		// 4g+3, which hold only its own three bytes (passed on before the write) and those of groups already done.
		for (let g = groups - 1; g >= 0; g--) group(rest, 4 * g, rest[3 * g], rest[3 * g + 1], rest[3 * g + 2]);
		return [head, rest.subarray(0, 4 * groups), tail].filter((part) => part.length);
	}

	/** The last one or two bytes with their padding (empty when the length was a multiple of three). */
	end(): Buffer {
		if (!this.carried) return Buffer.alloc(0);
		const out = Buffer.allocUnsafe(4);
		group(out, 0, this.carry[0], this.carried > 1 ? this.carry[1] : 0, 0);
		out[3] = PAD;
		if (this.carried === 1) out[2] = PAD;
		return out;
	}
}

/** Writes the four Base64 characters of three bytes at `offset`; returns the offset after them. */
function group(out: Buffer, offset: number, a: number, b: number, c: number): number {
	const bits = (a << 16) | (b << 8) | c;
	out[offset] = ALPHABET[bits >>> 18];
	out[offset + 1] = ALPHABET[(bits >>> 12) & 63];
	out[offset + 2] = ALPHABET[(bits >>> 6) & 63];
	out[offset + 3] = ALPHABET[bits & 63];
	return offset + 4;
}
