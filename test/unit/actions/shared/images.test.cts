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
