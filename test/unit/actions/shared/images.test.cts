/** actions/shared/images.ts: an image the user gave, checked before anything is sent. */
import { resolveImage } from '../../../../nodes/Kling/actions/shared/images';
import { cutShort, jpegWithBigMetadata } from '../../../fixtures/images.cts';
import { executeContext } from '../../executeKit.cts';

const messageOf = async (promise: Promise<unknown>) => await promise.then(() => undefined, (error: Error) => error.message);

describe('a binary JPEG with more than 1 MB of metadata before its frame header', () => {
	const jpeg = jpegWithBigMetadata(1200, 800, 1.5 * 1024 * 1024); // 1.5 MB, far below Kling's 10 MB
	const binary = { source: 'binary', binaryProperty: 'photo' } as const;

	it('is accepted in memory, as Base64 text and from the binary store (filesystem/S3 mode, read as a stream)', async () => {
		const accepted = { binaryImage: { itemIndex: 0, property: 'photo' } };
		expect(await resolveImage.call(executeContext({ binaries: { photo: { bytes: jpeg } } }).ctx, binary, 'Image 1', 0)).toEqual(accepted);
		expect(await resolveImage.call(executeContext().ctx, { source: 'url', url: jpeg.toString('base64') }, 'Image 1', 0)).toEqual(expect.any(String));
		expect(await resolveImage.call(executeContext({ binaries: { photo: { bytes: jpeg, stored: true } } }).ctx, binary, 'Image 1', 0)).toEqual(accepted);
	});

	it('is still checked from the binary store: its aspect ratio and its end', async () => {
		const stored = (bytes: Buffer) => executeContext({ binaries: { photo: { bytes, stored: true } } }).ctx;
		expect(await messageOf(resolveImage.call(stored(jpegWithBigMetadata(1200, 400, 1.5 * 1024 * 1024)), binary, 'Image 1', 0))).toMatch(/^Image 1 \(binary field "photo"\) is 1200×400 px, an aspect ratio of 3.00:1/);
		expect(await messageOf(resolveImage.call(stored(cutShort(jpeg, 2)), binary, 'Image 1', 0))).toMatch(/^Image 1 \(binary field "photo"\) is cut short: a JPEG/);
	});
});

describe('an image URL', () => {
	it.each(['webp', 'gif', 'heic', 'mp4', 'WEBP'])('whose path ends in .%s is refused before anything is sent, naming the field', async (extension) => {
		const message = await messageOf(resolveImage.call(executeContext().ctx, { source: 'url', url: `https://cdn.example.com/photo.${extension}?v=2` }, 'Image 1', 0));
		expect(message).toBe(`Image 1 must point to a JPEG or PNG file, not .${extension.toLowerCase()}`);
	});

	it.each(['https://cdn.example.com/photo.jpg', 'https://cdn.example.com/photo.JPEG', 'https://cdn.example.com/photo.png?format=webp', 'https://cdn.example.com/i/8f3a2c', 'https://cdn.example.com/photo.jfif'])(
		'passes when its extension is a JPEG or PNG one, missing or unknown (%s)',
		async (url) => {
			expect(await resolveImage.call(executeContext().ctx, { source: 'url', url }, 'Image 1', 0)).toBe(url);
		},
	);
});
