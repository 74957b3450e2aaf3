import { randomBytes } from 'crypto';
import { deflateSync } from 'zlib';

/**
 * Small synthetic media files. They are valid enough for clients that sniff headers (ftyp box, PNG IHDR, ID3),
 * which is all a download or validation path can observe.
 */

export function fakeMp4(size: number): Buffer {
	const total = Math.max(Math.floor(size), 40);
	const out = Buffer.alloc(total);
	out.writeUInt32BE(32, 0);
	out.write('ftyp', 4, 'latin1');
	out.write('isom', 8, 'latin1');
	out.writeUInt32BE(0x200, 12);
	out.write('isomiso2avc1mp41', 16, 'latin1');
	// One 'free' box pads to the requested size; players skip it, and the file stays a well-formed box sequence.
	out.writeUInt32BE(total - 32, 32);
	out.write('free', 36, 'latin1');
	return out;
}

export function fakeMp3(): Buffer {
	const out = Buffer.alloc(512);
	out.write('ID3', 0, 'latin1');
	out[3] = 4;
	return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(data: Buffer): number {
	let c = 0xffffffff;
	for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'latin1');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
	return Buffer.concat([head, data, crc]);
}

/**
 * A valid PNG of the given size (the default satisfies Kling's 300 px rule): flat grey, a few hundred bytes; or, with
 * `noise`, RGB noise that deflate cannot shrink (3 bytes a pixel), for uploads of a real size.
 */
export function makePng(width = 320, height = 320, { noise = false } = {}): Buffer {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = noise ? 2 : 0; // RGB or greyscale
	const rowBytes = width * (noise ? 3 : 1) + 1;
	const raw = noise ? randomBytes(rowBytes * height) : Buffer.alloc(rowBytes * height, 0x80);
	for (let y = 0; y < height; y++) raw[y * rowBytes] = 0; // filter type "none" per row
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', ihdr),
		pngChunk('IDAT', deflateSync(raw, { level: noise ? 1 : 6 })),
		pngChunk('IEND', Buffer.alloc(0)),
	]);
}

export interface ImageInfo {
	type: 'png' | 'jpeg';
	width: number;
	height: number;
}

/** Reads type and pixel size from a PNG or JPEG header; undefined when it is neither or is truncated. */
export function inspectImage(data: Buffer): ImageInfo | undefined {
	if (data.length >= 24 && data.readUInt32BE(0) === 0x89504e47 && data.readUInt32BE(4) === 0x0d0a1a0a) {
		return { type: 'png', width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
	}
	if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return undefined;
	let offset = 2;
	while (offset + 9 < data.length) {
		if (data[offset] !== 0xff) return undefined;
		const marker = data[offset + 1];
		if (marker === 0xff) {
			offset++;
			continue;
		}
		const standalone = marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9);
		if (standalone) {
			offset += 2;
			continue;
		}
		const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isStartOfFrame) {
			return { type: 'jpeg', height: data.readUInt16BE(offset + 5), width: data.readUInt16BE(offset + 7) };
		}
		offset += 2 + data.readUInt16BE(offset + 2);
	}
	return undefined;
}
