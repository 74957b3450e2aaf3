/** What the example workflows must produce in a real n8n, in regular mode (n8n execute) and in queue mode (workers). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { cutShort } from '../../fixtures/images.cts';
import { makePng, type KlingSimulator } from '../../simulator/index.cts';
import { chainWorkflow, KLING_NODE, type WorkflowJson, type WorkflowNode } from '../runtime/workflows.cts';

/** What a Kling node of this kind must have output. */
export function expectKlingOutput(sim: KlingSimulator, node: WorkflowNode, item: { json: Record<string, unknown>; binary?: Record<string, { mimeType?: string }> }) {
	const { resource = 'element', operation = 'create' } = node.parameters as { resource?: string; operation?: string };
	expect(item.json.status).toBe('succeed');
	if (resource === 'element' && operation === 'create') expect(item.json.elementId).toMatch(/^\d+$/);
	if (resource === 'voice' && operation === 'create') expect(item.json.voiceId).toEqual(expect.any(String));
	if (resource === 'video') expect(item.json.videoUrl).toMatch(new RegExp(`^${sim.origin}/files/`));
	const download = (node.parameters.options as { download?: boolean } | undefined)?.download;
	if (resource === 'image') {
		const images = item.json.images as Array<{ index: number; url: string }>;
		const expected = node.parameters.resultType === 'series' ? Number(node.parameters.seriesAmount) : Number(node.parameters.n ?? 1);
		expect(images).toHaveLength(expected);
		for (const image of images) {
			expect(image.url).toMatch(new RegExp(`^${sim.origin}/files/`));
			if (download) expect(item.binary?.[`image_${image.index}`]?.mimeType).toBe('image/png');
		}
	} else if (download) expect(item.binary?.data?.mimeType).toBe('video/mp4');
}

/** About 1.8 MB: n8n's binary data store hands it to the node in many chunks (filesystem mode) or in one (database). */
export const BINARY_PNG = makePng(640, 960, { noise: true });

/** BINARY_PNG as an interrupted download leaves it: the header whole, the end (IEND and more) missing. */
export const CUT_PNG = cutShort(BINARY_PNG, 40_000);

/** Serves BINARY_PNG (`url`, /front.png) and CUT_PNG (/cut.png) on a loopback port until close() is called. */
export async function servePng(): Promise<{ url: string; cutUrl: string; close(): Promise<void> }> {
	const files = createServer((req, res) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(req.url === '/cut.png' ? CUT_PNG : BINARY_PNG));
	await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
	return { url: `${origin}/front.png`, cutUrl: `${origin}/cut.png`, close: () => new Promise((resolve) => files.close(() => resolve())) };
}

/** HTTP Request downloads a PNG as a file (into n8n's binary data store); Create Element sends it as its frontal image. */
export function downloadThenCreate(imageUrl: string, start?: WorkflowNode): WorkflowJson {
	const nodes = [
		{
			name: 'Download Image',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: { url: imageUrl, options: { response: { response: { responseFormat: 'file' } } } },
		},
		{
			name: 'Create Element',
			type: KLING_NODE,
			parameters: {
				elementName: 'Uploaded',
				elementDescription: 'An element from a binary image',
				frontalImageSource: 'binary',
				frontalImageBinaryProperty: 'data',
				additionalImages: { image: [{ url: 'https://cdn.example.com/side.png' }] },
			},
		},
	];
	return chainWorkflow('Create an element from a downloaded image', nodes, start);
}

/** The one create sent the image as raw Base64, streamed with its exact Content-Length. */
export function expectStreamedImage(sim: KlingSimulator) {
	const creates = sim.apiRequests({ method: 'POST' });
	expect(creates).toHaveLength(1);
	const { body, headers, rawBody } = creates[0];
	expect((body as { element_image_list: { frontal_image: string } }).element_image_list.frontal_image).toBe(BINARY_PNG.toString('base64'));
	expect(headers['content-length']).toBe(String(Buffer.byteLength(rawBody)));
	expect(headers['transfer-encoding']).toBeUndefined();
}
