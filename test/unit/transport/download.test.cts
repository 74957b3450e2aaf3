/** transport/download.ts: a generated file fetched into n8n's binary store, or a failure that says what to do. */
import { downloadFile } from '../../../nodes/Kling/transport/download';
import { executeContext } from '../executeKit.cts';

describe('a failed download', () => {
	it('says truthfully what Get can do: Kling deletes its files after 30 days, so only a newer task gets a fresh link', async () => {
		const { ctx, context } = executeContext();
		Object.assign(context.helpers, { httpRequest: jest.fn(async () => await Promise.reject(new Error('Request failed with status code 404'))) });
		const url = 'https://cdn.kling.test/files/old.mp4';
		const error = await downloadFile.call(ctx, url, 'kling-1.mp4', 'video/mp4', 0).then(
			() => undefined,
			(failure: Error & { description?: string }) => failure,
		);
		expect(error?.message).toBe('Could not download the file from Kling: Request failed with status code 404');
		expect(error?.description).toBe(`URL: ${url}. Kling deletes generated files 30 days after they are made; for a newer task, Get gives a fresh link.`);
	});
});
