import { imageEndOf, imageEndProblem, ImageEndReader, imageHeadOf, ImageHeadReader, imageProblem, type ImageRuleOptions } from '../../../nodes/Kling/contract/media';
import { GIF_BYTES, jpegWithBigMetadata, makeJpeg, makePng } from '../../fixtures/images.cts';

const inspectImage = (bytes: Buffer) => imageHeadOf(bytes).info;
const imageProblemOf = (bytes: Buffer, rules?: ImageRuleOptions) => imageProblem(imageHeadOf(bytes), bytes.length, rules);

describe('image inspection from the header', () => {
	it('reads PNG and JPEG pixel sizes', () => {
		expect(inspectImage(makePng(1024, 768))).toEqual({ format: 'png', width: 1024, height: 768 });
		expect(inspectImage(makeJpeg(640, 1280))).toEqual({ format: 'jpeg', width: 640, height: 1280 });
	});

	it('accepts images inside the rules, boundaries included', () => {
		expect(imageProblemOf(makePng(300, 300))).toBeUndefined();
		expect(imageProblemOf(makeJpeg(300, 750))).toBeUndefined();
		expect(imageProblemOf(makePng(750, 300))).toBeUndefined();
	});

	it("leaves the aspect ratio alone where Kling sets no limit (image-to-video's frames), and nothing else", () => {
		expect(imageProblemOf(makeJpeg(1200, 300), { anyAspectRatio: true })).toBeUndefined();
		expect(imageProblemOf(makeJpeg(1200, 299), { anyAspectRatio: true })).toMatch(/at least 300/);
	});

	it.each([
		['a GIF', GIF_BYTES, /JPEG or PNG.*GIF/],
		['random bytes', Buffer.from('hello world, not an image'), /JPEG or PNG/],
		['an empty file', Buffer.alloc(0), /JPEG or PNG.*empty/],
		['a side under 300 px', makePng(299, 800), /299×800 px.*at least 300/],
		['a ratio past 2.5:1', makeJpeg(1000, 300 + 99), /aspect ratio of 2\.51:1/],
		['a ratio past 1:2.5', makePng(300, 751), /1:2\.5 and 2\.5:1/],
		['more than 10 MB', makeJpeg(1000, 1000, 10 * 1024 * 1024 + 1), /10\.0 MB; Kling accepts at most 10 MB/],
	])('refuses %s', (_label, bytes, message) => {
		expect(imageProblemOf(bytes)).toMatch(message);
	});
});

describe('the header read chunk by chunk', () => {
	const pushed = (bytes: Buffer, size: number) => {
		const reader = new ImageHeadReader();
		for (let at = 0; at < bytes.length && !reader.done; at += size) reader.push(bytes.subarray(at, at + size));
		return reader;
	};

	it('reads what it reads from the whole file, whatever the chunks', () => {
		for (const bytes of [makeJpeg(640, 480, 3000, { app1: Buffer.alloc(500, 1) }), makePng(640, 480), GIF_BYTES, Buffer.from('not an image at all, just some text')]) {
			for (const size of [1, 2, 3, 7, 1000]) expect(pushed(bytes, size).head).toEqual(imageHeadOf(bytes));
		}
	});

	it("walks past megabytes of a JPEG's metadata to its frame and scan, stopping there", () => {
		const jpeg = jpegWithBigMetadata(1200, 800, 3 * 1024 * 1024);
		const reader = pushed(jpeg, 16 * 1024);
		expect(reader.done).toBe(true);
		expect(reader.head).toEqual({ start: jpeg.subarray(0, 24), info: { format: 'jpeg', width: 1200, height: 800 }, scanStart: jpeg.indexOf(Buffer.from([0xff, 0xda])) + 14 });
	});
});

/** A JPEG with its scan: SOI, optionally an Exif-like APP1 holding a thumbnail's FF D9, SOF, SOS, image data, EOI. */
function jpegWithScan({ thumbnail = false, trailer = Buffer.alloc(0) } = {}): Buffer {
	const app1 = thumbnail ? [0xff, 0xe1, 0x00, 0x08, 0x45, 0x78, 0xff, 0xd8, 0xff, 0xd9] : [];
	const sof = [0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0, 0x02, 0x80, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01];
	const sos = [0xff, 0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f, 0x00];
	// Compressed data never holds FF D9: an FF in it is followed by 00 (stuffing) or a restart marker.
	const data = Buffer.alloc(2000, 0x55);
	data.set([0xff, 0x00, 0xff, 0xd0], 500);
	return Buffer.concat([Buffer.from([0xff, 0xd8, ...app1, ...sof, ...sos]), data, Buffer.from([0xff, 0xd9]), trailer]);
}

describe('images cut short (an interrupted download)', () => {
	const problem = (bytes: Buffer) => imageEndProblem(imageHeadOf(bytes), imageEndOf(bytes));

	it('passes whole files: a PNG ending with IEND, a JPEG with FF D9 after its scan, even with data after it (Motion Photos)', () => {
		expect(problem(makePng(640, 480))).toBeUndefined();
		expect(problem(jpegWithScan())).toBeUndefined();
		expect(problem(jpegWithScan({ thumbnail: true, trailer: Buffer.from('....ftypmp42 a whole video') }))).toBeUndefined();
		expect(problem(makeJpeg(640, 480))).toBeUndefined();
	});

	it('refuses a PNG without its IEND chunk at the end', () => {
		const png = makePng(640, 480);
		expect(imageProblemOf(png.subarray(0, -5))).toBeUndefined();
		expect(problem(png.subarray(0, -5))).toMatch(/^is cut short: a PNG ends with an IEND chunk/);
		expect(problem(Buffer.concat([png, Buffer.from([0])]))).toMatch(/^is cut short/);
	});

	it('refuses a JPEG whose only FF D9 is the thumbnail’s, before the scan', () => {
		const cut = jpegWithScan({ thumbnail: true }).subarray(0, -1000);
		expect(inspectImage(cut)).toEqual({ format: 'jpeg', width: 640, height: 480 });
		expect(problem(cut)).toMatch(/^is cut short: a JPEG's image data ends with the marker FF D9/);
	});

	it('wants FF D9 as the last bytes when the header read does not reach the scan', () => {
		const jpeg = makeJpeg(640, 480, 5000);
		expect(problem(jpeg.subarray(0, -1))).toMatch(/^is cut short/);
		// The head read so far stops before the start-of-scan segment.
		expect(imageHeadOf(jpeg.subarray(0, jpeg.indexOf(Buffer.from([0xff, 0xda])))).scanStart).toBeUndefined();
		expect(imageHeadOf(jpegWithScan()).scanStart).toBe(35);
	});

	it('reads the end chunk by chunk as it reads a whole file, also when FF D9 is split between chunks', () => {
		for (const bytes of [jpegWithScan({ thumbnail: true }), makePng(640, 480)]) {
			for (const size of [1, 2, 7, 1000]) {
				const reader = new ImageEndReader();
				for (let at = 0; at < bytes.length; at += size) reader.push(bytes.subarray(at, at + size));
				expect(reader.end).toEqual(imageEndOf(bytes));
			}
		}
		const jpeg = jpegWithScan();
		const reader = new ImageEndReader();
		reader.push(jpeg.subarray(0, -1));
		reader.push(Buffer.alloc(0));
		reader.push(jpeg.subarray(-1));
		expect(reader.end.lastJpegEnd).toBe(jpeg.length - 2);
		expect(imageEndProblem(imageHeadOf(jpeg), reader.end)).toBeUndefined();
	});
});
