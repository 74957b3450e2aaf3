/** actions/image/output.ts: a downloaded image is named and typed by its URL's path. */
import { imageFileType } from '../../../../nodes/Kling/actions/image/output';

describe('imageFileType', () => {
	it("reads the URL's path, not its query string", () => {
		expect(imageFileType('https://cdn.kling.test/a/raw_image_0.png?response-content-disposition=filename%3Dposter.jpg')).toEqual({ extension: 'png', mimeType: 'image/png' });
		expect(imageFileType('https://cdn.kling.test/a/raw_image_1.JPEG?x-sig=1')).toEqual({ extension: 'jpg', mimeType: 'image/jpeg' });
		expect(imageFileType('https://cdn.kling.test/a/raw_image_2.jpg')).toEqual({ extension: 'jpg', mimeType: 'image/jpeg' });
		expect(imageFileType('https://cdn.kling.test/a/raw_image_3')).toEqual({ extension: 'png', mimeType: 'image/png' });
	});
});
