/** What the example workflows must produce in a real n8n, in regular mode (n8n execute) and in queue mode (workers). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { cutShort, GIF_BYTES, makeJpeg } from '../../fixtures/images.cts';
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

/** Files an earlier node may download that Kling refuses, by name, and the message the node refuses each with. */
export const BAD_IMAGES: Record<string, { bytes: Buffer; problem: RegExp }> = {
	'cut.png': { bytes: CUT_PNG, problem: /^is cut short: a PNG ends with an IEND chunk/ },
	'cut.jpg': { bytes: cutShort(makeJpeg(1000, 1000, 200_000), 40_000), problem: /^is cut short: a JPEG's image data ends with the marker FF D9/ },
	'small.png': { bytes: makePng(200, 200), problem: /^is 200×200 px; each side must be at least 300 px$/ },
	'wide.png': { bytes: makePng(1000, 300), problem: /^is 1000×300 px, an aspect ratio of 3\.33:1; Kling accepts between 1:2\.5 and 2\.5:1$/ },
	'anim.gif': { bytes: GIF_BYTES, problem: /^must be a JPEG or PNG image, but the file is a GIF image$/ },
	'huge.jpg': { bytes: makeJpeg(2000, 2000, 10.5 * 1024 * 1024), problem: /^is 10\.5 MB; Kling accepts at most 10 MB$/ },
};

/** Another view of the subject: a PNG with other bytes than BINARY_PNG. */
export const SIDE_PNG = makePng(480, 720, { noise: true });

/**
 * Serves BINARY_PNG (`url`, /front.png), SIDE_PNG (`urlOf('side.png')`) and each of BAD_IMAGES (`urlOf(name)`) on a
 * loopback port until close().
 */
export async function servePng(): Promise<{ url: string; urlOf(name: string): string; close(): Promise<void> }> {
	const files = createServer((req, res) => {
		const name = (req.url ?? '').slice(1);
		const bytes = BAD_IMAGES[name]?.bytes ?? (name === 'side.png' ? SIDE_PNG : BINARY_PNG);
		res.writeHead(200, { 'Content-Type': req.url?.endsWith('.png') ? 'image/png' : 'application/octet-stream' }).end(bytes);
	});
	await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
	return { url: `${origin}/front.png`, urlOf: (name) => `${origin}/${name}`, close: () => new Promise((resolve) => files.close(() => resolve())) };
}

/** An HTTP Request node that downloads `imageUrl` into the item's binary field `field`. */
export const downloadImageNode = (imageUrl: string, field = 'data', name = 'Download Image') => ({
	name,
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	parameters: { url: imageUrl, options: { response: { response: { responseFormat: 'file', outputPropertyName: field } } } },
});

/** HTTP Request downloads a PNG as a file (into n8n's binary data store); Create Element sends it as its frontal image. */
export function downloadThenCreate(imageUrl: string, start?: WorkflowNode): WorkflowJson {
	const nodes = [
		downloadImageNode(imageUrl),
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
