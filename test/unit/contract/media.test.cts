import { imageProblem, inspectImage } from '../../../nodes/Kling/contract/media';
import { GIF_BYTES, makeJpeg, makePng } from '../../fixtures/images.cts';

describe('image inspection from the header', () => {
	it('reads PNG and JPEG pixel sizes', () => {
		expect(inspectImage(makePng(1024, 768))).toEqual({ format: 'png', width: 1024, height: 768 });
		expect(inspectImage(makeJpeg(640, 1280))).toEqual({ format: 'jpeg', width: 640, height: 1280 });
	});

	it('accepts images inside the rules, boundaries included', () => {
		expect(imageProblem(makePng(300, 300))).toBeUndefined();
		expect(imageProblem(makeJpeg(300, 750))).toBeUndefined();
		expect(imageProblem(makePng(750, 300))).toBeUndefined();
	});

	it("leaves the aspect ratio alone where Kling sets no limit (image-to-video's frames), and nothing else", () => {
		expect(imageProblem(makeJpeg(1200, 300), undefined, { anyAspectRatio: true })).toBeUndefined();
		expect(imageProblem(makeJpeg(1200, 299), undefined, { anyAspectRatio: true })).toMatch(/at least 300/);
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
		expect(imageProblem(bytes)).toMatch(message);
	});
});
