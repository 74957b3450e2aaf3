import { z } from 'zod';

/**
 * A binary file of an input item, standing in a request body for its Base64 until the request is built (see
 * transport/body.ts), so a batch of items with 10 MB images is checked up front but encoded one request at a time.
 */
export interface BinaryImageRef {
	binaryImage: { itemIndex: number; property: string };
}

export const isBinaryRef = (value: unknown): value is BinaryImageRef =>
	typeof value === 'object' && value !== null && 'binaryImage' in value;

/** A media field as the node holds it before sending: a URL, raw Base64, or a binary file's reference. */
export const mediaSchema = z.union([
	z.string().trim().min(1),
	z.object({ binaryImage: z.object({ itemIndex: z.number(), property: z.string() }) }),
]);

/**
 * Image facts read from the file header alone, so a 10 MB picture is never decoded just to learn its size.
 * Kling's rules for every image (docs/kling-api.md §3.1, §5, §6.1, §7): JPEG or PNG, at most 10 MB, each side at least
 * 300 px; and for all but image-to-video's frames (§7 gives them no limit), an aspect ratio between 1:2.5 and 2.5:1.
 */
export const IMAGE_RULES = {
	maxBytes: 10 * 1024 * 1024,
	minSide: 300,
	maxAspectRatio: 2.5,
} as const;

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
	if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
		return inspectJpeg(bytes);
	}
	return undefined;
}

/** Walks the JPEG segments up to the first start-of-frame marker, which holds the pixel size. */
function inspectJpeg(bytes: Buffer): ImageInfo | undefined {
	let offset = 2;
	while (offset + 4 <= bytes.length) {
		if (bytes[offset] !== 0xff) return undefined;
		const marker = bytes[offset + 1];
		if (marker === 0xff) {
			offset++; // fill byte
			continue;
		}
		// Standalone markers carry no length.
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
			offset += 2;
			continue;
		}
		const length = bytes.readUInt16BE(offset + 2);
		const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
		if (isStartOfFrame) {
			if (offset + 9 > bytes.length) return undefined;
			return { format: 'jpeg', height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
		}
		offset += 2 + length;
	}
	return undefined;
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
	if (size > IMAGE_RULES.maxBytes) {
		return `is ${(size / 1024 / 1024).toFixed(1)} MB; Kling accepts at most 10 MB`;
	}
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
