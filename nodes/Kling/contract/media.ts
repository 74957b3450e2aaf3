import { z } from 'zod';

/**
 * A binary file of an input item, standing in a request body for its Base64 until the request is built (see
 * transport/body.ts), so a batch of items with 10 MB images is checked up front but encoded one request at a time.
 */
const binaryRefSchema = z.object({ binaryImage: z.object({ itemIndex: z.number(), property: z.string() }) });
export type BinaryImageRef = z.infer<typeof binaryRefSchema>;

export const isBinaryRef = (value: unknown): value is BinaryImageRef =>
	typeof value === 'object' && value !== null && 'binaryImage' in value;

/** A media field as the node holds it before sending: a URL, raw Base64, or a binary file's reference. */
export const mediaSchema = z.union([z.string().trim().min(1), binaryRefSchema]);

/**
 * Image facts read from the file header alone, so a 10 MB picture is never decoded just to learn its size.
 * Kling's rules for every image (docs/kling-api.md §3.1, §5, §6.1, §7): JPEG or PNG, at most 10 MB, each side at least
 * 300 px; and for all but image-to-video's frames (§7 gives them no limit), an aspect ratio between 1:2.5 and 2.5:1.
 */
export const IMAGE_RULES = { maxBytes: 10 * 1024 * 1024, minSide: 300, maxAspectRatio: 2.5 } as const;

export interface ImageInfo {
	format: 'jpeg' | 'png';
	width: number;
	height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The file's first bytes kept: a PNG's signature and IHDR chunk, with its size; enough to name another format. */
const START_BYTES = 24;

/**
 * What the checks read of a file's header: its first bytes (`start`), its format and pixel size when it is a JPEG or
 * PNG, and for a JPEG where its compressed image data begins (`scanStart`, once the header was read that far).
 */
export interface ImageHead {
	start: Buffer;
	info?: ImageInfo;
	scanStart?: number;
}

const isJpeg = (start: Buffer) => start.length >= 3 && start[0] === 0xff && start[1] === 0xd8 && start[2] === 0xff;
/** Start-of-frame markers, the segments that hold a JPEG's pixel size (C4, C8 and CC are other segments). */
const isFrameMarker = (marker: number) => marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);

/**
 * Follows a file chunk by chunk through its header, keeping only what `ImageHead` holds. A JPEG's segments are walked
 * as they arrive, and those the checks do not read (EXIF, ICC profiles, Photoshop's XMP, which can run to megabytes
 * before the frame header) are skipped by their length, never held.
 */
export class ImageHeadReader {
	private start: Buffer = Buffer.alloc(0);
	private read = 0;
	/** Where the next JPEG segment begins, and the bytes from there on that have arrived. */
	private next = 2;
	private pending: Buffer = Buffer.alloc(0);
	private frame?: { width: number; height: number };
	private scanStart?: number;
	/** Whether the header is read: a JPEG's up to its scan (or to where its segments stop making sense), else its start. */
	done = false;

	push(chunk: Buffer): void {
		if (this.done || !chunk.length) return;
		const at = this.read;
		this.read += chunk.length;
		if (this.start.length < START_BYTES) this.start = Buffer.concat([this.start, chunk.subarray(0, START_BYTES - this.start.length)]);
		const fresh = chunk.subarray(Math.max(0, this.next - at));
		this.pending = this.pending.length ? Buffer.concat([this.pending, fresh]) : fresh;
		if (isJpeg(this.start)) this.walkJpeg();
		else this.done = this.start.length >= START_BYTES;
	}

	private walkJpeg(): void {
		// Between chunks, `pending` keeps at most a segment's first bytes: a segment is skipped by its length, not collected.
		while (!this.done && this.pending.length >= 4) {
			if (this.pending[0] !== 0xff) {
				this.done = true; // not a segment: the header is broken
				return;
			}
			const marker = this.pending[1];
			let step: number;
			if (marker === 0xff) step = 1; // a fill byte
			else if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) step = 2; // a standalone marker: no length
			else {
				const length = this.pending.readUInt16BE(2);
				if (marker === 0xda) {
					this.scanStart = this.next + 2 + length;
					this.done = true;
				} else if (isFrameMarker(marker) && !this.frame) {
					if (this.pending.length < 9) return; // the frame's size has not arrived yet
					this.frame = { height: this.pending.readUInt16BE(5), width: this.pending.readUInt16BE(7) };
				}
				step = 2 + length;
			}
			this.next += step;
			this.pending = this.pending.subarray(step);
		}
	}

	get head(): ImageHead {
		const { start, frame, scanStart } = this;
		if (start.length >= START_BYTES && PNG_SIGNATURE.every((b, i) => start[i] === b) && start.toString('latin1', 12, 16) === 'IHDR') {
			return { start, info: { format: 'png', width: start.readUInt32BE(16), height: start.readUInt32BE(20) } };
		}
		return { start, info: frame && { format: 'jpeg', ...frame }, scanStart };
	}
}

/** `ImageHeadReader`'s answer for a file that is in memory whole. */
export function imageHeadOf(bytes: Buffer): ImageHead {
	const reader = new ImageHeadReader();
	reader.push(bytes);
	return reader.head;
}

/** Names the format of a file that is not a JPEG or PNG, for a helpful message. */
function describeOtherFormat(bytes: Buffer): string {
	const head = bytes.toString('latin1', 0, 12);
	if (head.startsWith('GIF8')) return 'a GIF image';
	if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return 'a WebP image';
	if (head.slice(4, 8) === 'ftyp') return /avif|heic|heix|mif1/.test(head) ? 'an AVIF/HEIC image' : 'a video';
	if (head.startsWith('%PDF')) return 'a PDF document';
	if (head.startsWith('BM')) return 'a BMP image';
	return bytes.length ? 'not an image Kling accepts' : 'empty';
}

/** Where Kling relaxes its image rules: image-to-video's frames may have any aspect ratio (§7). */
export interface ImageRuleOptions {
	anyAspectRatio?: boolean;
}

/** The reason an image breaks Kling's rules, or undefined when it is fine: from its header and the whole file's size. */
export function imageProblem(head: ImageHead, size: number, { anyAspectRatio = false }: ImageRuleOptions = {}): string | undefined {
	if (size > IMAGE_RULES.maxBytes) return `is ${(size / 1024 / 1024).toFixed(1)} MB; Kling accepts at most 10 MB`;
	const { info } = head;
	if (!info) return `must be a JPEG or PNG image, but the file is ${describeOtherFormat(head.start)}`;
	const { width, height } = info;
	if (width < IMAGE_RULES.minSide || height < IMAGE_RULES.minSide) {
		return `is ${width}×${height} px; each side must be at least ${IMAGE_RULES.minSide} px`;
	}
	const ratio = Math.max(width / height, height / width);
	if (!anyAspectRatio && ratio > IMAGE_RULES.maxAspectRatio) {
		return `is ${width}×${height} px, an aspect ratio of ${ratio.toFixed(2)}:1; Kling accepts between 1:2.5 and 2.5:1`;
	}
	return undefined;
}

/** A PNG's last 12 bytes: the IEND chunk (no data, its type, its CRC). */
const PNG_END = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
/** A JPEG's end-of-image marker. */
const JPEG_END = Buffer.from([0xff, 0xd9]);

/** What the end check needs of a whole file: its size, its last bytes, and where FF D9 last occurs in it (-1: nowhere). */
export interface ImageEnd {
	size: number;
	tail: Buffer;
	lastJpegEnd: number;
}

/**
 * Follows a file chunk by chunk to its end, keeping only what `imageEndProblem` needs: the last 12 bytes (copied, so
 * no chunk is kept) and where the bytes FF D9 last occurred. A 10 MB image is read through, never held.
 */
export class ImageEndReader {
	private size = 0;
	private tail = Buffer.alloc(0);
	private lastJpegEnd = -1;

	push(chunk: Buffer): void {
		if (!chunk.length) return;
		if (this.tail[this.tail.length - 1] === 0xff && chunk[0] === 0xd9) this.lastJpegEnd = this.size - 1; // split marker
		const at = chunk.lastIndexOf(JPEG_END);
		if (at >= 0) this.lastJpegEnd = this.size + at;
		this.tail = Buffer.concat([this.tail, chunk.subarray(-PNG_END.length)]).subarray(-PNG_END.length);
		this.size += chunk.length;
	}

	get end(): ImageEnd {
		return { size: this.size, tail: this.tail, lastJpegEnd: this.lastJpegEnd };
	}
}

/** `ImageEndReader`'s answer for a file that is in memory whole. */
export function imageEndOf(bytes: Buffer): ImageEnd {
	const reader = new ImageEndReader();
	reader.push(bytes);
	return reader.end;
}

/**
 * Why an image whose header passed `imageProblem` is cut short (an interrupted download in an earlier node), or
 * undefined when its format's end marker is there; markers are compared, nothing is decoded. `head` is what
 * `ImageHeadReader` kept (the format and, for a JPEG, where the image data begins), `end` what `ImageEndReader` kept.
 * - PNG: the file ends with the IEND chunk; no encoder we know of writes past it, so nothing after it is allowed.
 * - JPEG: the marker FF D9 ends the image data but not always the file: the Exif standard tells readers to allow data
 *   after it, Samsung's trailer and the Motion Photos of Google and Samsung phones (the picture, then an MP4 video) put
 *   data there, and some cameras leave padding. Inside compressed data an FF byte is always followed by 00 or a restart
 *   marker, so FF D9 after the scan begins is the picture's end; an Exif thumbnail's, before the scan, does not count.
 */
export function imageEndProblem(head: ImageHead, end: ImageEnd): string | undefined {
	const format = head.info?.format;
	if (format === 'png' && !end.tail.subarray(-PNG_END.length).equals(PNG_END)) {
		return 'is cut short: a PNG ends with an IEND chunk, and this file does not (was its download interrupted?)';
	}
	if (format === 'jpeg') {
		// A header that never reaches a scan (the file ends first): then the marker must be the file's last two bytes.
		const dataStart = head.scanStart ?? end.size - JPEG_END.length;
		if (end.lastJpegEnd < dataStart) {
			return "is cut short: a JPEG's image data ends with the marker FF D9, and this file has none (was its download interrupted?)";
		}
	}
	return undefined;
}
