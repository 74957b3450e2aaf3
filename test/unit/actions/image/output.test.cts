/** actions/image/output.ts: every image of a task gets its own binary field, and part of them is never passed on as all. */
import { Readable } from 'node:stream';

import type { IBinaryData } from 'n8n-workflow';

import { imageFileType, presentImages } from '../../../../nodes/Kling/actions/image/output';
import type { KlingTask } from '../../../../nodes/Kling/contract/task';
import { executeContext, failureOf, useFakeTime } from '../../executeKit.cts';

useFakeTime();

const succeeded = (images: unknown[]): KlingTask => ({ task_id: '842250903629086785', task_status: 'succeed', task_result: { images } });
const download = { download: true, binaryPropertyName: 'image_' };

/** A context whose downloads answer each URL with its own bytes, stored as n8n would store them. */
function downloadingContext() {
	const { ctx, context } = executeContext();
	Object.assign(context.helpers, {
		httpRequest: jest.fn(async ({ url }: { url: string }) => ({ body: Readable.from([Buffer.from(url)]), headers: { 'content-type': 'image/png' }, statusCode: 200 })),
		prepareBinaryData: jest.fn(async (stream: Readable, fileName: string, mimeType: string): Promise<IBinaryData> => {
			const chunks: Buffer[] = [];
			for await (const chunk of stream) chunks.push(chunk as Buffer);
			return { data: Buffer.concat(chunks).toString('base64'), fileName, mimeType };
		}),
	});
	return ctx;
}

const urlOf = (binary: IBinaryData) => Buffer.from(binary.data, 'base64').toString();

describe('presentImages', () => {
	it('keeps two images that share an index, or have none, in fields of their own, in index order', async () => {
		const images = [
			{ index: 1, url: 'https://cdn.kling.test/b.png' },
			{ index: 1, url: 'https://cdn.kling.test/c.png' },
			{ index: 0, url: 'https://cdn.kling.test/a.png' },
			{ url: 'https://cdn.kling.test/d.png' },
		];
		const output = await presentImages.call(downloadingContext(), succeeded(images), 0, download);
		expect(Object.keys(output.binary ?? {})).toEqual(['image_0', 'image_1', 'image_2', 'image_3']);
		expect(Object.values(output.binary ?? {}).map(urlOf)).toEqual(['a', 'b', 'c', 'd'].map((name) => `https://cdn.kling.test/${name}.png`));
		expect((output.json.images as Array<{ index: number }>).map((image) => image.index)).toEqual([0, 1, 1, 3]);
	});

	it('fails, naming the task, when some images of a finished task have no URL', async () => {
		const images = [{ index: 0, url: 'https://cdn.kling.test/a.png' }, { index: 1, url: null }, null, { index: 3, url: 'https://cdn.kling.test/d.png' }];
		for (const options of [download, { download: false, binaryPropertyName: 'image_' }]) {
			const error = await failureOf(presentImages.call(downloadingContext(), succeeded(images), 0, options));
			expect(error.message).toBe('Kling reports task 842250903629086785 succeeded, but its answer holds no URL for 2 of its 4 images');
		}
	});

	it('outputs a running series as far as Kling has it', async () => {
		const task: KlingTask = { task_id: '842250903629086785', task_status: 'processing', task_result: { series_images: [{ index: 0, url: null }] } };
		const output = await presentImages.call(downloadingContext(), task, 0, download);
		expect(output).toEqual({ json: expect.objectContaining({ images: [{ index: 0 }], status: 'processing' }) });
	});
});

describe('imageFileType', () => {
	it("reads the URL's path, not its query string", () => {
		expect(imageFileType('https://cdn.kling.test/a/raw_image_0.png?response-content-disposition=filename%3Dposter.jpg')).toEqual({ extension: 'png', mimeType: 'image/png' });
		expect(imageFileType('https://cdn.kling.test/a/raw_image_1.JPEG?x-sig=1')).toEqual({ extension: 'jpg', mimeType: 'image/jpeg' });
		expect(imageFileType('https://cdn.kling.test/a/raw_image_2.jpg')).toEqual({ extension: 'jpg', mimeType: 'image/jpeg' });
		expect(imageFileType('https://cdn.kling.test/a/raw_image_3')).toEqual({ extension: 'png', mimeType: 'image/png' });
	});
});
