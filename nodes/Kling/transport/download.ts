import type { IBinaryData, IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isHttpUrl } from '../contract/request';
import { headerValue } from './index';

type BinarySource = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

/** Kling's longest 4K videos stay far below this; anything bigger is not a video Kling made. */
const MAX_DOWNLOAD_BYTES = 1024 ** 3;

/** Time to the first byte; the body itself may take longer. */
const RESPONSE_TIMEOUT_MS = 120_000;

/**
 * Downloads a generated file into n8n's binary data store. The body is streamed straight into the store, so the
 * node never holds a large video in memory (n8n's database mode buffers it itself). No credentials are sent: Kling's
 * media URLs are public, signed links.
 */
export async function downloadFile(
	this: IExecuteFunctions,
	url: string,
	fileName: string,
	mimeType: string,
	itemIndex: number,
): Promise<IBinaryData> {
	if (!isHttpUrl(url)) {
		throw new NodeOperationError(this.getNode(), `Cannot download "${url.slice(0, 80)}": only http(s) URLs are fetched`, { itemIndex });
	}
	const failed = (reason: string) =>
		new NodeOperationError(this.getNode(), `Could not download the file from Kling: ${reason}`, {
			itemIndex,
			description: `URL: ${url}. Kling deletes generated files 30 days after they are made; for a newer task, Get gives a fresh link.`,
		});
	let response: IN8nHttpFullResponse;
	try {
		response = (await this.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			timeout: RESPONSE_TIMEOUT_MS,
			abortSignal: this.getExecutionCancelSignal(),
		})) as IN8nHttpFullResponse;
	} catch (error) {
		throw failed((error as Error).message);
	}
	const stream = response.body as BinarySource & { destroy(): void };
	// A page, however it got here (an expired link, a relay's error, a sign-in page), is never stored as the file.
	const type = String(headerValue(response.headers, 'content-type') ?? '').toLowerCase();
	if (/^text\/|html|json|xml/.test(type)) {
		stream.destroy();
		throw failed(`the server sent ${type.split(';')[0]}, not the file`);
	}
	const length = Number(headerValue(response.headers, 'content-length') ?? NaN);
	if (length === 0) {
		stream.destroy();
		throw failed('the server sent an empty file');
	}
	if (Number.isFinite(length) && length > MAX_DOWNLOAD_BYTES) {
		stream.destroy();
		throw new NodeOperationError(this.getNode(), `The file is ${(length / 1024 ** 3).toFixed(2)} GiB; the node downloads at most 1 GiB`, {
			itemIndex,
			description: `Use its URL instead: ${url}`,
		});
	}
	let binary: IBinaryData;
	try {
		// A body that ends before its Content-Length fails here, in n8n's store: a cut-short file is never passed on.
		binary = await this.helpers.prepareBinaryData(stream, fileName, mimeType);
	} catch (error) {
		throw failed(`it did not arrive whole or could not be stored (${(error as Error).message || 'connection closed'})`);
	}
	// A body sent without Content-Length (chunked) shows it was empty only once stored; n8n 1.x gives only the size text.
	if (binary.bytes === 0 || binary.fileSize === '0 B') throw failed('the server sent an empty file');
	return binary;
}
