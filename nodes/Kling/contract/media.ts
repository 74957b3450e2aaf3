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

export function inspectImage(bytes: Buffer): ImageInfo | undefined {
	if (bytes.length >= 24 && PNG_SIGNATURE.every((b, i) => bytes[i] === b) && bytes.toString('latin1', 12, 16) === 'IHDR') {
		return { format: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
	}
	if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return undefined;
	// A JPEG's pixel size is in its first start-of-frame segment.
	const frame = findJpegSegment(bytes, (marker) => marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker));
	if (!frame || frame.offset + 9 > bytes.length) return undefined;
	return { format: 'jpeg', height: bytes.readUInt16BE(frame.offset + 5), width: bytes.readUInt16BE(frame.offset + 7) };
}

/** The first JPEG segment whose marker is `wanted`, walking the segments from the start of the file. */
function findJpegSegment(bytes: Buffer, wanted: (marker: number) => boolean): { offset: number; length: number } | undefined {
	let offset = 2;
	while (offset + 4 <= bytes.length) {
		if (bytes[offset] !== 0xff) return undefined;
		const marker = bytes[offset + 1];
		if (marker === 0xff) offset++; // a fill byte
		else if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) offset += 2; // a standalone marker: no length
		else if (wanted(marker)) return { offset, length: bytes.readUInt16BE(offset + 2) };
		else offset += 2 + bytes.readUInt16BE(offset + 2);
	}
	return undefined;
}

/** Where a JPEG's first scan (its compressed pixels) begins, past its header; undefined if `bytes` stop before. */
function jpegScanStart(bytes: Buffer): number | undefined {
	const scan = findJpegSegment(bytes, (marker) => marker === 0xda);
	return scan && scan.offset + 2 + scan.length;
}

/** Whether `bytes`, the start of a file, hold all the header the checks read: a PNG's IHDR, a JPEG's up to its scan. */
export function hasWholeHeader(bytes: Buffer): boolean {
	const format = inspectImage(bytes)?.format;
	return format === 'png' || (format === 'jpeg' && jpegScanStart(bytes) !== undefined);
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

/**
 * The reason an image breaks Kling's rules, or undefined when it is fine. `bytes` may be only the start of the
 * file (its header), with the whole file's `size` given separately.
 */
export function imageProblem(bytes: Buffer, size = bytes.length, { anyAspectRatio = false }: ImageRuleOptions = {}): string | undefined {
	if (size > IMAGE_RULES.maxBytes) return `is ${(size / 1024 / 1024).toFixed(1)} MB; Kling accepts at most 10 MB`;
	const info = inspectImage(bytes);
	if (!info) return `must be a JPEG or PNG image, but the file is ${describeOtherFormat(bytes)}`;
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
 * undefined when its format's end marker is there; markers are compared, nothing is decoded. `head` is the start of the
 * file (its format and, for a JPEG, where the image data begins), `end` what `ImageEndReader` kept.
 * - PNG: the file ends with the IEND chunk; no encoder we know of writes past it, so nothing after it is allowed.
 * - JPEG: the marker FF D9 ends the image data but not always the file: the Exif standard tells readers to allow data
 *   after it, Samsung's trailer and the Motion Photos of Google and Samsung phones (the picture, then an MP4 video) put
 *   data there, and some cameras leave padding. Inside compressed data an FF byte is always followed by 00 or a restart
 *   marker, so FF D9 after the scan begins is the picture's end; an Exif thumbnail's, before the scan, does not count.
 */
export function imageEndProblem(head: Buffer, end: ImageEnd): string | undefined {
	const format = inspectImage(head)?.format;
	if (format === 'png' && !end.tail.subarray(-PNG_END.length).equals(PNG_END)) {
		return 'is cut short: a PNG ends with an IEND chunk, and this file does not (was its download interrupted?)';
	}
	if (format === 'jpeg') {
		// A header too long to reach the scan within the bytes read: then the marker must be the file's last two bytes.
		const dataStart = jpegScanStart(head) ?? end.size - JPEG_END.length;
		if (end.lastJpegEnd < dataStart) {
			return "is cut short: a JPEG's image data ends with the marker FF D9, and this file has none (was its download interrupted?)";
		}
	}
	return undefined;
}
