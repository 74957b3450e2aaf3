import { binaryFile, cutShort, GIF_BYTES, makeJpeg, makePng } from '../fixtures/images.cts';
import { badInputRecorder } from '../harness/report.cts';
import { chain, emptyItems, runWorkflow, sourceItems } from '../harness/workflow.cts';
import { apiKeyCredential, createMiraElement, klingNode, useSimulator } from './helpers.cts';

const ctx = useSimulator({ timing: { submittedMs: 10, processingMs: 10 } });
const record = badInputRecorder('element-create');

const files = {
	gif: binaryFile(GIF_BYTES, 'a.gif', 'image/gif'),
	small: binaryFile(makePng(200, 640), 'small.png', 'image/png'),
	wide: binaryFile(makeJpeg(1600, 600), 'wide.jpg', 'image/jpeg'),
	huge: binaryFile(makeJpeg(2000, 2000, 11 * 1024 * 1024), 'huge.jpg', 'image/jpeg'),
	ok: binaryFile(makePng(640, 640), 'ok.png', 'image/png'),
	// Interrupted downloads: the header is whole, the end is missing. The PNG is about 1.8 MB, read in many chunks.
	cutPng: binaryFile(cutShort(makePng(640, 960, { noise: true }), 40_000), 'cut.png', 'image/png'),
	cutJpeg: binaryFile(cutShort(makeJpeg(1024, 1024, 500_000), 1), 'cut.jpg', 'image/jpeg'),
};

const dataUri = (bytes: Buffer, type: string) => `data:image/${type};base64,${bytes.toString('base64')}`;

const binaryFrontal = (property: string) => ({ frontalImageSource: 'binary', frontalImageBinaryProperty: property });

const cases: Array<[string, Record<string, unknown>, RegExp]> = [
	['a name over 20 characters', { elementName: 'Captain Mira Starfall II' }, /^Name must be at most 20 characters \(it has 24\)/],
	['an empty name', { elementName: '   ' }, /^Name is required/],
	['a description over 100 characters', { elementDescription: 'x'.repeat(101) }, /^Description must be at most 100 characters \(it has 101\)/],
	['an empty description', { elementDescription: '' }, /Description" is required/],
	['no additional image', { additionalImages: {} }, /^Additional Images needs 1 to 3 images \(it has 0\)/],
	['four additional images', { additionalImages: { image: [1, 2, 3, 4].map((n) => ({ source: 'url', url: `https://x.example/${n}.png` })) } }, /node has issues:\n- At most 3 fields are allowed/],
	['a frontal URL that is not http(s)', { frontalImageUrl: 'ftp://cdn.example.com/a.png' }, /^Frontal Image must be an http\(s\) URL/],
	['an empty frontal URL', { frontalImageUrl: '' }, /^Frontal Image: enter an image URL/],
	['a list of frontal URLs from an expression', { frontalImageUrl: '={{ ["https://cdn.example.com/a.png", "https://cdn.example.com/b.png"] }}' }, /^Frontal Image must be text, not a list/],
	['an additional image that is the frontal image', { additionalImages: { image: [{ source: 'url', url: 'https://cdn.example.com/mira-front.png' }] } }, /^Additional Image #1 is the frontal image/],
	['an additional image that is not a URL', { additionalImages: { image: [{ source: 'url', url: 'mira-left.png' }] } }, /^Additional Image #1 must be an http\(s\) URL/],
	['a GIF as binary', binaryFrontal('gif'), /^Frontal Image \(binary field "gif"\) must be a JPEG or PNG image, but the file is a GIF image/],
	['an image under 300 px', binaryFrontal('small'), /^Frontal Image \(binary field "small"\) is 200×640 px; each side must be at least 300 px/],
	['a too-wide image', binaryFrontal('wide'), /aspect ratio of 2\.67:1/],
	['an image over 10 MB', binaryFrontal('huge'), /is 11\.0 MB; Kling accepts at most 10 MB/],
	['a PNG cut short', binaryFrontal('cutPng'), /^Frontal Image \(binary field "cutPng"\) is cut short: a PNG ends with an IEND chunk/],
	['a JPEG cut short', binaryFrontal('cutJpeg'), /^Frontal Image \(binary field "cutJpeg"\) is cut short: a JPEG's image data ends with the marker FF D9/],
	['an additional image cut short', { additionalImages: { image: [{ source: 'binary', binaryProperty: 'cutJpeg' }] } }, /^Additional Image #1 \(binary field "cutJpeg"\) is cut short/],
	['a data URI of a PNG cut short', { frontalImageUrl: dataUri(cutShort(makePng(640, 640), 12), 'png') }, /^Frontal Image \(data URI\) is cut short: a PNG ends with an IEND chunk/],
	['a data URI of a JPEG cut short', { frontalImageUrl: dataUri(cutShort(makeJpeg(640, 640, 5000), 2), 'jpeg') }, /^Frontal Image \(data URI\) is cut short: a JPEG/],
	['Base64 letters of both alphabets mixed (+ and -)', { frontalImageUrl: `iVBORw0KGgo${'A'.repeat(60)}+/-_` }, /^Frontal Image must be an http\(s\) URL or an image's Base64/],
	['bare Base64 of a GIF', { frontalImageUrl: GIF_BYTES.toString('base64').repeat(2) }, /^Frontal Image \(Base64\) must be a JPEG or PNG image, but the file is a GIF image/],
	['a missing binary field', binaryFrontal('nope'), /^Frontal Image: the input item has no binary field "nope"/],
	['a non-image binary as an additional image', { additionalImages: { image: [{ source: 'binary', binaryProperty: 'gif' }] } }, /^Additional Image #1 \(binary field "gif"\) must be a JPEG or PNG/],
	['a video element without a URL', { referenceType: 'video_refer', videoUrl: '' }, /Video URL" is required/],
	['a video URL from an empty expression', { referenceType: 'video_refer', videoUrl: '={{ $json.missing ?? "" }}' }, /^Video URL is required/],
	['a video URL that is not http(s)', { referenceType: 'video_refer', videoUrl: 'file:///tmp/a.mp4' }, /^Video URL must be an http\(s\) URL/],
	['a video that is not mp4 or mov', { referenceType: 'video_refer', videoUrl: 'https://cdn.example.com/a.avi' }, /^Video URL must point to an MP4 or MOV file, not \.avi/],
	['an unknown tag', { tags: ['o_999'] }, /^Tags: "o_999" is not one of Hottest \(o_101\), Character \(o_102\)/],
	['an unknown tag from an expression', { tags: '={{ "Character, Robot" }}' }, /^Tags: "Robot" is not one of Hottest \(o_101\)/],
];

describe('Element → Create refuses bad input before any request', () => {
	it.each(cases)('%s', async (_label, overrides, message) => {
		const { sim } = ctx;
		const result = await runWorkflow({
			...chain(
				sourceItems([files]),
				createMiraElement(overrides),
			),
			credentials: apiKeyCredential(sim),
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		record({ operation: 'Element → Create', input: _label, requests: sim.requests.length, creates: sim.createdTaskCount() });
		expect(sim.requests).toHaveLength(0);
	});

	it("takes an image's Base64, bare (in lines too) or as a data URI, and sends it raw", async () => {
		const { sim } = ctx;
		const [front, side] = [makePng(640, 640), makeJpeg(640, 640)];
		const lines = side.toString('base64').replace(/.{76}/g, '$&\r\n');
		const result = await runWorkflow({
			...chain(createMiraElement({ frontalImageUrl: dataUri(front, 'png'), additionalImages: { image: [{ source: 'url', url: lines }] } })),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		const [create] = sim.apiRequests({ method: 'POST' });
		expect(create.body).toMatchObject({
			element_image_list: { frontal_image: front.toString('base64'), refer_images: [{ image_url: side.toString('base64') }] },
		});
	});

	it('takes a data URI with a parameter before ;base64 (RFC 2397), and URL-safe Base64 bare or in a data URI, sending standard Base64', async () => {
		const { sim } = ctx;
		const [front, side, back] = [makePng(700, 600), makePng(640, 640), makePng(800, 600)];
		// Images whose Base64 has + or /, so that their URL-safe Base64 differs (- and _).
		expect([side, back].map((image) => image.toString('base64'))).toEqual([expect.stringMatching(/[+/]/), expect.stringMatching(/[+/]/)]);
		const result = await runWorkflow({
			...chain(
				createMiraElement({
					frontalImageUrl: `data:image/png;name=front.png;base64,${front.toString('base64')}`,
					additionalImages: { image: [{ source: 'url', url: `data:image/png;base64,${side.toString('base64url')}` }, { source: 'url', url: back.toString('base64url') }] },
				}),
			),
			credentials: apiKeyCredential(sim),
		});
		expect(result.error).toBeUndefined();
		const [create] = sim.apiRequests({ method: 'POST' });
		expect(create.body).toMatchObject({
			element_image_list: { frontal_image: front.toString('base64'), refer_images: [{ image_url: side.toString('base64') }, { image_url: back.toString('base64') }] },
		});
	});

	it('checks every item before sending anything, so one bad item costs nothing', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({
			...chain(
				sourceItems([{ f: files.ok }, { f: files.ok }, { f: files.gif }]),
				createMiraElement(binaryFrontal('f')),
			),
			credentials: apiKeyCredential(sim),
		});
		expect(result.status).toBe('error');
		expect(result.error?.itemIndex).toBe(2);
		expect(sim.requests).toHaveLength(0);
	});

	it('with Continue On Fail, reports the bad item and creates the others', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({
			...chain(
				sourceItems([{ f: files.ok }, { f: files.small }, { f: files.ok }]),
				{ ...createMiraElement(binaryFrontal('f')), continueOnFail: true },
			),
			credentials: apiKeyCredential(sim),
		});
		expect(result.status).toBe('success');
		const out = result.output('Create Element');
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[1].json.error).toMatch(/200×640 px/);
		expect(out[0].json.elementId).toBeDefined();
		expect(out[2].json.elementId).toBeDefined();
		expect(out[0].json.elementId).not.toBe(out[2].json.elementId);
		expect(sim.createdTaskCount()).toBe(2);
	});
});

describe("Element → Create's optional Voice", () => {
	const voiceById = (value: string) => ({ voiceId: { __rl: true, mode: 'id', value } });

	it('refuses a Voice whose expression gives nothing (a voice still being created, a typo), naming the item, before any request', async () => {
		const { sim } = ctx;
		// Item 0 has a voice; item 1's expression gives nothing, as after Voice → Create with Return Task Immediately.
		const voice = voiceById(`={{ $json.index === 0 ? "${sim.seedVoice()}" : $json.voiceId }}`);
		const result = await runWorkflow({ ...chain(emptyItems(2), createMiraElement(voice)), credentials: apiKeyCredential(sim) });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^Voice is empty: its expression gave nothing/);
		expect(result.error?.description).toMatch(/leave the field empty for no voice/);
		expect(result.error?.itemIndex).toBe(1);
		expect(sim.requests).toHaveLength(0);
	});

	it('creates the element without a voice when the expression gives empty text (an item without a voice, as a sheet\'s empty cell)', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(emptyItems(1), createMiraElement(voiceById('={{ "" }}'))), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		const [create] = sim.apiRequests({ method: 'POST' });
		expect(create.body).not.toHaveProperty('element_voice_id');
	});

	it.each(['list', 'id'])('creates the element without a voice when Voice is left empty (%s mode)', async (mode) => {
		const { sim } = ctx;
		// n8n checks a By ID pattern on an empty value too: a pattern without room for none would keep the workflow from running.
		const result = await runWorkflow({ ...chain(createMiraElement({ voiceId: { __rl: true, mode, value: '' } })), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		const [create] = sim.apiRequests({ method: 'POST' });
		expect(create.body).not.toHaveProperty('element_voice_id');
	});

	it('still refuses a Voice ID of the wrong shape before any request', async () => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(createMiraElement(voiceById('my voice'))), credentials: apiKeyCredential(sim) });
		expect(result.status).toBe('error');
		expect(sim.requests).toHaveLength(0);
	});

	it('sends the voice ID an expression gives (Voice → Create, then Element → Create)', async () => {
		const { sim } = ctx;
		const voice = klingNode('Create Voice', { resource: 'voice', operation: 'create', voiceName: 'Mira', voiceUrl: 'https://cdn.example.com/mira-clip.mp4' });
		const result = await runWorkflow({ ...chain(voice, createMiraElement(voiceById('={{ $json.voiceId }}'))), credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		const [create] = sim.apiRequests({ method: 'POST', pathIncludes: 'advanced-custom-elements' });
		expect(create.body).toMatchObject({ element_voice_id: sim.tasks('voices')[0].outputId });
	});
});
