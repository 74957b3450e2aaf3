/**
 * Every example workflow in examples/, imported and executed with n8n's own CLI in a real n8n that has the
 * package installed from its tarball, against the Kling simulator. The credential "Kling account" is created
 * through the public API, and each workflow's credential reference is pointed at it at import time. Also: a binary
 * image sent from n8n's store and the ones refused before any request, Wait Until Done's Timeout, a success without
 * its result, an outage, one list read per round, a failed task that stops the run, Retry On Fail, Get with Download,
 * and a download cut short.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { makePng, startSimulator, type KlingSimulator } from '../simulator/index.cts';
import { BAD_IMAGES, BINARY_PNG, downloadImageNode, downloadThenCreate, expectKlingOutput, expectStreamedImage, servePng, SIDE_PNG } from './cases/examples.cts';
import { useN8n } from './helpers.cts';
import { nodesFolder } from './runtime/pack.cts';
import { PACKAGE_NAME } from './runtime/runtime.cts';
import {
	adaptWorkflow,
	chainWorkflow,
	CREDENTIAL_NAME,
	exampleFiles,
	executeWorkflow,
	importWorkflows,
	KLING_NODE,
	KLING_TRIGGER_NODE,
	MANUAL_START,
	newWorkflowId,
	nodeItems,
	readExample,
} from './runtime/workflows.cts';

const ctx = useN8n('examples');
let sim: KlingSimulator;
let credential: { id: string; name: string };
const imported = new Map<string, string>();

beforeAll(async () => {
	sim = await startSimulator({ timing: { submittedMs: 100, processingMs: 200 } });
	const { api, cli } = ctx.instance;
	const id = await api.createCredential(CREDENTIAL_NAME, { authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: sim.url });
	credential = { id, name: CREDENTIAL_NAME };
	const workflows = exampleFiles().map((file) => adaptWorkflow(readExample(file), { credential }));
	const ids = await importWorkflows(cli, workflows);
	exampleFiles().forEach((file, index) => imported.set(file, ids[index]));
});

afterAll(async () => {
	await sim?.close();
});

describe('The package installed from its tarball', () => {
	it('holds only what ships, without dev or peer dependencies, and n8n loads both nodes and the credential', async () => {
		const installed = path.join(nodesFolder(ctx.instance.cli.userFolder), 'node_modules', PACKAGE_NAME);
		expect(readdirSync(installed).sort()).toEqual(expect.arrayContaining(['dist', 'package.json']));
		expect(readdirSync(installed)).not.toContain('node_modules');
		expect(readdirSync(installed).filter((entry) => !['dist', 'package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(entry))).toEqual([]);
		const manifest = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as Record<string, unknown>;
		expect(manifest.devDependencies).toBeUndefined();
		expect(manifest.peerDependencies).toBeUndefined();

		// What the editor loads: the node and credential types n8n knows.
		const types = async (kind: string) => (await ctx.instance.session.call('GET', `/types/${kind}.json`)) as Array<{ name: string }>;
		expect((await types('nodes')).map((type) => type.name)).toEqual(expect.arrayContaining([KLING_NODE, KLING_TRIGGER_NODE]));
		expect((await types('credentials')).map((type) => type.name)).toContain('klingApi');
	});
});

describe('Example workflows in a real n8n', () => {
	it('finds the documented examples', () => {
		expect(exampleFiles()).toEqual(expect.arrayContaining(['create-element.json', 'element-to-motion-control.json', 'product-poster-series.json', 'two-elements-omni.json', 'voice-character-speaking.json']));
	});

	it.each(exampleFiles())('%s runs with `n8n execute`', async (file) => {
		sim.reset();
		const result = await executeWorkflow(ctx.instance.cli, imported.get(file)!);
		expect(result.run.data?.resultData?.error).toBeUndefined();
		expect(result.run.status).toBe('success');
		expect(result.code).toBe(0);
		const klingNodes = readExample(file).nodes.filter((node) => node.type === KLING_NODE);
		for (const node of klingNodes) {
			const items = nodeItems(result.run, node.name);
			expect(items).toHaveLength(1);
			expectKlingOutput(sim, node, items[0]);
		}
		// Each Kling node created exactly one task, and Kling refused nothing.
		expect(sim.createdTaskCount()).toBe(klingNodes.length);
		expect(sim.apiRequests().filter((request) => request.code !== 0)).toEqual([]);
	});
});

describe('Binary images in a real n8n', () => {
	let files: Awaited<ReturnType<typeof servePng>>;

	beforeAll(async () => {
		files = await servePng();
	});

	afterAll(async () => {
		await files?.close();
	});

	it('streams the file to Kling as raw Base64, with the exact Content-Length', async () => {
		sim.reset();
		const workflow = adaptWorkflow(downloadThenCreate(files.url), { credential });
		const [id] = await importWorkflows(ctx.instance.cli, [{ ...workflow, id: newWorkflowId() }]);
		const result = await executeWorkflow(ctx.instance.cli, id);

		expect(result.run.data?.resultData?.error).toBeUndefined();
		expect(nodeItems(result.run, 'Create Element')[0].json.elementId).toBe(sim.tasks('elements')[0].outputId);
		expectStreamedImage(sim);
	});

	it("sends a create's images from two binary fields and a URL-safe data: URI in one request body of its exact size", async () => {
		sim.reset();
		// URL-safe Base64 with padding, as some tools write it; the node sends the standard alphabet.
		const third = makePng(600, 600, { noise: true });
		const standard = third.toString('base64');
		expect(standard).toMatch(/[+/]/);
		const dataUri = `data:image/png;name=back.png;base64,${standard.replace(/\+/g, '-').replace(/\//g, '_')}`;
		const create = {
			name: 'Create Element',
			type: KLING_NODE,
			typeVersion: 1,
			position: [660, 0] as [number, number],
			parameters: {
				elementName: 'Three views',
				elementDescription: 'An element from two downloaded images and a data URI',
				frontalImageSource: 'binary',
				frontalImageBinaryProperty: 'front',
				additionalImages: { image: [{ source: 'binary', binaryProperty: 'side' }, { source: 'url', url: dataUri }] },
				options: { completion: 'returnTask' },
			},
		};
		// Two downloads into fields of their own, merged into one item by position.
		const start = MANUAL_START;
		const downloads = [downloadImageNode(files.url, 'front', 'Download Front'), downloadImageNode(files.urlOf('side.png'), 'side', 'Download Side')].map((node, n) => ({ ...node, position: [220, n * 200] as [number, number] }));
		const merge = { name: 'Merge', type: 'n8n-nodes-base.merge', typeVersion: 3, position: [440, 0] as [number, number], parameters: { mode: 'combine', combineBy: 'combineByPosition', options: {} } };
		const workflow = {
			name: 'Create an element from two binary images and a data URI',
			nodes: [start, ...downloads, merge, create],
			connections: {
				[start.name]: { main: [downloads.map((node) => ({ node: node.name, type: 'main', index: 0 }))] },
				[downloads[0].name]: { main: [[{ node: merge.name, type: 'main', index: 0 }]] },
				[downloads[1].name]: { main: [[{ node: merge.name, type: 'main', index: 1 }]] },
				[merge.name]: { main: [[{ node: create.name, type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1' },
		};
		const [id] = await importWorkflows(ctx.instance.cli, [{ ...adaptWorkflow(workflow, { credential }), id: newWorkflowId() }]);
		const result = await executeWorkflow(ctx.instance.cli, id);

		expect(result.run.data?.resultData?.error).toBeUndefined();
		const [sent] = sim.apiRequests({ method: 'POST' });
		expect((sent.body as { element_image_list: unknown }).element_image_list).toEqual({
			frontal_image: BINARY_PNG.toString('base64'),
			refer_images: [{ image_url: SIDE_PNG.toString('base64') }, { image_url: standard }],
		});
		expect(sent.headers['content-length']).toBe(String(Buffer.byteLength(sent.rawBody)));
		expect(nodeItems(result.run, create.name).map((item) => item.json.taskId)).toEqual([sim.tasks('elements')[0].taskId]);
	});

	it.each([
		['Video → Image to Video, its first frame', { resource: 'video', operation: 'imageToVideo', frames: 'first', firstFrameSource: 'binary', firstFrameBinaryProperty: 'photo', prompt: 'The captain waves' }, '/v1/videos/image2video', (body: any) => body.image],
		['Video → Motion Control, its character image', { resource: 'video', operation: 'motionControl', model: 'kling-v3', imageSource: 'binary', imageBinaryProperty: 'photo', motionVideoUrl: 'https://cdn.example.com/dance.mp4', characterOrientation: 'video' }, '/v1/videos/motion-control', (body: any) => body.image_url],
		['Image → Omni Image, an image of its list', { resource: 'image', operation: 'omniImage', prompt: 'A poster of <<<image_1>>>', images: { image: [{ source: 'binary', binaryProperty: 'photo' }] } }, '/v1/images/omni-image', (body: any) => body.image_list[0].image],
	])('%s, from a binary field of the input item named as the node says, goes to Kling as raw Base64', async (title, parameters, path, imageOf) => {
		sim.reset();
		const kling = { name: 'Kling', type: KLING_NODE, parameters: { ...parameters, options: { completion: 'returnTask' } } };
		const workflow = adaptWorkflow(chainWorkflow(`${title} from a downloaded image`, [downloadImageNode(files.url, 'photo'), kling]), { credential });
		const [id] = await importWorkflows(ctx.instance.cli, [{ ...workflow, id: newWorkflowId() }]);
		const result = await executeWorkflow(ctx.instance.cli, id);

		expect(result.run.data?.resultData?.error).toBeUndefined();
		const creates = sim.apiRequests({ method: 'POST' });
		expect(creates.map((create) => create.path)).toEqual([path]);
		expect(imageOf(creates[0].body)).toBe(BINARY_PNG.toString('base64'));
	});

	it.each(Object.entries(BAD_IMAGES))('refuses %s, before any request to Kling, naming the field', async (name, { problem }) => {
		sim.reset();
		const workflow = adaptWorkflow(downloadThenCreate(files.urlOf(name)), { credential });
		const [id] = await importWorkflows(ctx.instance.cli, [{ ...workflow, id: newWorkflowId() }]);
		const result = await executeWorkflow(ctx.instance.cli, id);

		expect(result.run.status).toBe('error');
		const message = String(result.run.data?.resultData?.error?.message);
		const prefix = 'Frontal Image (binary field "data") ';
		expect(message.startsWith(prefix) ? message.slice(prefix.length) : message).toMatch(problem);
		expect(sim.requests).toEqual([]);
	});
});

describe('Wait Until Done in a real n8n', () => {
	it('fails the run, naming the task to fetch later, when a task is still running at Options → Timeout', async () => {
		sim.reset();
		sim.injectFault({ when: { product: 'elements', operation: 'create' }, fault: { kind: 'stuck' } });
		const create = readExample('create-element.json').nodes.find((node) => node.type === KLING_NODE)!;
		const workflow = chainWorkflow('Create an element that takes too long', [{ ...create, parameters: { ...create.parameters, options: { timeoutMinutes: 0.1 } } }]);
		const [id] = await importWorkflows(ctx.instance.cli, [{ ...adaptWorkflow(workflow, { credential }), id: newWorkflowId() }]);
		const result = await executeWorkflow(ctx.instance.cli, id);

		const [task] = sim.tasks('elements');
		expect(task.status).toBe('processing');
		expect(result.run.status).toBe('error');
		expect(result.run.data?.resultData?.error).toMatchObject({
			message: `Kling task ${task.taskId} is still processing after 0.1 minutes`,
			description: expect.stringContaining(`Fetch it later by its task ID ${task.taskId}`),
		});
		expect(nodeItems(result.run, create.name)).toEqual([]);
		expect(sim.createdTaskCount()).toBe(1);
	});

	it('fails the run, naming the task, when Kling reports the task succeeded but its answer holds no element', async () => {
		sim.reset();
		sim.injectFault({ when: { product: 'elements', operation: 'create' }, fault: { kind: 'noResult' } });
		const result = await executeWorkflow(ctx.instance.cli, imported.get('create-element.json')!);

		const [task] = sim.tasks('elements');
		expect(task.status).toBe('succeed');
		expect(result.run.status).toBe('error');
		expect(result.run.data?.resultData?.error).toMatchObject({
			message: `Kling reports task ${task.taskId} succeeded, but its answer holds no element ID`,
			description: expect.stringContaining(`Read the task again later by its task ID ${task.taskId}`),
		});
		expect(nodeItems(result.run, 'Create Element')).toEqual([]);
		expect(sim.createdTaskCount()).toBe(1);
	});

	it('rides out a Kling outage while it waits: reads answered 5001 for longer than one round fail no item', async () => {
		sim.reset();
		// The transport tries a round's read six times: eight refusals make at least one whole round fail.
		sim.injectFault({ when: { product: 'elements', method: 'GET' }, times: 8, fault: { kind: 'error', code: 5001 } });
		const result = await executeWorkflow(ctx.instance.cli, imported.get('create-element.json')!);

		expect(sim.faultLog.map((fault) => fault.kind)).toEqual(Array(8).fill('error'));
		expect(result.run.data?.resultData?.error).toBeUndefined();
		const [task] = sim.tasks('elements');
		expect(nodeItems(result.run, 'Create Element').map((item) => item.json.elementId)).toEqual([task.outputId]);
		expect(sim.createdTaskCount()).toBe(1);
	});

	it('reads several waiting tasks with one list request per round, never one request per task', async () => {
		sim.reset();
		sim.options.timing = { submittedMs: 100, processingMs: 8_000 };
		const result = await executeWorkflow(ctx.instance.cli, await importTwoElements('Create three elements, polled', ['Mira', 'Fox', 'Owl']));

		expect(result.run.status).toBe('success');
		expect(nodeItems(result.run, CREATE_TWO).map((item) => item.json.elementId)).toEqual(sim.tasks('elements').map((task) => task.outputId));
		const reads = sim.apiRequests({ method: 'GET', pathIncludes: 'advanced-custom-elements' });
		// The node never starts two rounds less than 2 s apart (tasks/poll.ts); reads of one round come milliseconds apart.
		expect(reads.length).toBeGreaterThan(1);
		expect(reads[0]).toMatchObject({ path: '/v1/general/advanced-custom-elements', query: { pageNum: '1' } });
		const gaps = reads.slice(1).map((read, index) => read.receivedAt - reads[index].receivedAt);
		expect(gaps.filter((gap) => gap < 1_000)).toEqual([]);
	});

	it("stops the run when one item's task fails, naming the task already made for the other item, whose output n8n drops", async () => {
		sim.reset();
		sim.failTaskWhen((product, body) => (product === 'advanced-custom-elements' && body.element_name === 'Broken' ? 'no subject found in the images' : undefined));
		const result = await executeWorkflow(ctx.instance.cli, await importTwoElements('Create two elements, one of which fails on Kling', ['Fine', 'Broken']));

		const [fine, broken] = sim.tasks('elements');
		expect([fine.status, broken.status]).toEqual(['succeed', 'failed']);
		expect(result.run.status).toBe('error');
		expect(result.run.data?.resultData?.error).toMatchObject({
			message: 'Kling could not create the element: no subject found in the images',
			description: expect.stringContaining(`Tasks already created for other items: ${fine.taskId} (succeed).`),
		});
		// n8n keeps no output of a node that failed: the error is the only place the paid-for task is named.
		expect(nodeItems(result.run, CREATE_TWO)).toEqual([]);
		expect(sim.createdTaskCount()).toBe(2);
	});

	it("with Retry On Fail, takes over the first try's tasks on the second try instead of paying for them again", async () => {
		sim.reset();
		// The first try's read of the running tasks is refused, and so is its one retry with a fresh token (§12), which
		// stops that try after both tasks were created.
		sim.injectFault({ when: { product: 'elements', method: 'GET' }, times: 2, fault: { kind: 'error', code: 1000 } });
		const id = await importTwoElements('Create two elements, retried on fail', ['Mira', 'Fox'], { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 });
		const result = await executeWorkflow(ctx.instance.cli, id);

		expect(sim.faultLog.map((fault) => fault.kind)).toEqual(['error', 'error']);
		expect(result.run.status).toBe('success');
		const tasks = sim.tasks('elements');
		expect(tasks).toHaveLength(2);
		expect(sim.apiRequests({ method: 'POST' }).map((request) => request.code)).toEqual([0, 0, 1201, 1201]);
		expect(nodeItems(result.run, CREATE_TWO).map((item) => item.json.elementId)).toEqual(tasks.map((task) => task.outputId));
	});
});

describe('Generate Additional Views in a real n8n', () => {
	it.each(['poll', 'returnTask'])('with Completion %s, waits for the views first and makes the element from them', async (completion) => {
		sim.reset();
		const create = readExample('create-element.json').nodes.find((node) => node.type === KLING_NODE)!;
		const parameters = { ...create.parameters, additionalImages: {}, generateViews: true, options: { completion } };
		const [id] = await importWorkflows(ctx.instance.cli, [adaptWorkflow(chainWorkflow(`Create an element from generated views (${completion})`, [{ ...create, parameters }]), { credential })]);
		const { run } = await executeWorkflow(ctx.instance.cli, id);
		expect(run.status).toBe('success');

		const [views] = sim.tasks('ai-multi-shot');
		const [element] = sim.tasks('elements');
		expect(views.status).toBe('succeed');
		const referImages = (element.body.element_image_list as { refer_images: Array<{ image_url: string }> }).refer_images;
		expect(referImages.map((image) => image.image_url)).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${sim.origin}/files/`))]));
		const [item] = nodeItems(run, create.name).map((output) => output.json);
		// Waited for: the element; returned at once: its task, and the views task paid for first.
		expect(item).toMatchObject(completion === 'poll' ? { taskId: element.taskId, elementId: element.outputId, status: 'succeed' } : { taskId: element.taskId, viewsTaskId: views.taskId });
	});
});

describe('Generate Additional Views in a real n8n: paying for views only when they are used', () => {
	const fromViews = { additionalImages: {}, generateViews: true };

	it('draws no views until every item is checked: a second item Kling would refuse stops the run before any request', async () => {
		sim.reset();
		const id = await importTwoElements('Create two elements from generated views, the second misnamed', ['Mira', 'A name far longer than Kling takes'], {}, {}, fromViews);
		const result = await executeWorkflow(ctx.instance.cli, id);

		expect(result.run.status).toBe('error');
		expect(result.run.data?.resultData?.error?.message).toMatch(/^Name must be at most 20 characters/);
		expect(sim.requests).toEqual([]);
	});

	it("names the views task paid for first in the error of an item whose element task failed, with Wait Until Done", async () => {
		sim.reset();
		sim.failTaskWhen((product) => (product === 'advanced-custom-elements' ? 'no subject found in the images' : undefined));
		const result = await executeWorkflow(ctx.instance.cli, await importTwoElements('Create an element from generated views that fails', ['Mira'], {}, {}, fromViews));

		const [views] = sim.tasks('ai-multi-shot');
		expect([views.status, sim.tasks('elements')[0].status]).toEqual(['succeed', 'failed']);
		expect(result.run.status).toBe('error');
		expect(result.run.data?.resultData?.error).toMatchObject({
			message: 'Kling could not create the element: no subject found in the images',
			description: expect.stringContaining(`This item's views task ${views.taskId} was paid for first.`),
		});
	});
});

describe('Paying once in a real n8n', () => {
	const retried = { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 };

	it('adopts the task of a create whose answer was lost, by its external task ID, instead of sending it again', async () => {
		sim.reset();
		sim.injectFault({ when: { product: 'elements', operation: 'create' }, fault: { kind: 'dropAfterAccept' } });
		const result = await executeWorkflow(ctx.instance.cli, imported.get('create-element.json')!);

		expect(result.run.data?.resultData?.error).toBeUndefined();
		const [task] = sim.tasks('elements');
		expect(sim.apiRequests({ method: 'POST' })).toHaveLength(1);
		expect(nodeItems(result.run, 'Create Element').map((item) => item.json)).toEqual([expect.objectContaining({ taskId: task.taskId, elementId: task.outputId })]);
	});

	it("with Return Task Immediately and Retry On Fail, takes over the first try's task on the second try", async () => {
		sim.reset();
		// The first try stops at the second item's refusal, after the first item's task was made.
		sim.injectFault({ when: { product: 'elements', operation: 'create', bodyIncludes: '"Fox"' }, fault: { kind: 'error', code: 1301 } });
		const id = await importTwoElements('Create two elements, returned at once, retried', ['Mira', 'Fox'], retried, { completion: 'returnTask' });
		const result = await executeWorkflow(ctx.instance.cli, id);

		expect(result.run.status).toBe('success');
		expect(sim.apiRequests({ method: 'POST' }).map((request) => request.code)).toEqual([0, 1301, 1201, 0]);
		expect(nodeItems(result.run, CREATE_TWO).map((item) => item.json.taskId)).toEqual(sim.tasks('elements').map((task) => task.taskId));
	});

	it('with Retry On Fail, fails again for a task that failed on Kling, rather than pay for a new one', async () => {
		sim.reset();
		sim.failTaskWhen((product, body) => (product === 'advanced-custom-elements' && body.element_name === 'Broken' ? 'no subject found in the images' : undefined));
		const result = await executeWorkflow(ctx.instance.cli, await importTwoElements('Create two elements, one fails, retried', ['Fine', 'Broken'], retried));

		expect(result.run.status).toBe('error');
		expect(result.run.data?.resultData?.error?.message).toBe('Kling could not create the element: no subject found in the images');
		expect(sim.apiRequests({ method: 'POST' }).map((request) => request.code)).toEqual([0, 0, 1201, 1201]);
		expect(sim.createdTaskCount()).toBe(2);
	});
});

const CREATE_TWO = 'Create Element';

/**
 * Imports a workflow that creates one element per name (Edit Fields → Split Out → Create Element, with node `settings`
 * and `options`); returns its id.
 */
async function importTwoElements(name: string, names: string[], settings: Record<string, unknown> = {}, options: Record<string, unknown> = {}, parameters: Record<string, unknown> = {}): Promise<string> {
	const create = readExample('create-element.json').nodes.find((node) => node.type === KLING_NODE)!;
	const items = JSON.stringify({ items: names.map((element) => ({ name: element })) });
	const workflow = chainWorkflow(name, [
		{ name: 'Names', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: items, options: {} } },
		{ name: 'Split Out', type: 'n8n-nodes-base.splitOut', parameters: { fieldToSplitOut: 'items', options: {} } },
		{ ...create, name: CREATE_TWO, parameters: { ...create.parameters, ...parameters, elementName: '={{ $json.name }}', options }, ...settings },
	]);
	const [id] = await importWorkflows(ctx.instance.cli, [{ ...adaptWorkflow(workflow, { credential }), id: newWorkflowId() }]);
	return id;
}

describe('Downloads in a real n8n', () => {
	it('Video → Get and Image → Get with Download store the finished files as binary data, named after the video or task', async () => {
		sim.reset();
		const videoTaskId = await createOnSimulator('/v1/videos/image2video', { model_name: 'kling-v3', image: 'https://example.com/frame.png', duration: '5' });
		const imageTaskId = await createOnSimulator('/v1/images/generations', { prompt: 'A lighthouse poster', n: 2 });
		sim.finishTask(videoTaskId);
		sim.finishTask(imageTaskId);
		// Extract From File reads a stored file back as Base64, as a later node of the user's would.
		const bytesOf = (name: string, field: string) => ({
			name,
			type: 'n8n-nodes-base.extractFromFile',
			typeVersion: 1,
			parameters: { operation: 'binaryToPropery', binaryPropertyName: field, destinationKey: 'base64', options: {} },
		});
		const workflow = chainWorkflow('Get a video and images with their files', [
			{ name: 'Get Video', type: KLING_NODE, parameters: { resource: 'video', operation: 'get', kind: 'imageToVideo', taskId: videoTaskId, options: { download: true } } },
			bytesOf('Video Bytes', 'data'),
			{ name: 'Get Images', type: KLING_NODE, parameters: { resource: 'image', operation: 'get', kind: 'generate', taskId: imageTaskId, options: { download: true } } },
			bytesOf('Image Bytes', 'image_1'),
		]);
		const [id] = await importWorkflows(ctx.instance.cli, [{ ...adaptWorkflow(workflow, { credential }), id: newWorkflowId() }]);
		const result = await executeWorkflow(ctx.instance.cli, id);

		expect(result.run.data?.resultData?.error).toBeUndefined();
		const [video] = nodeItems(result.run, 'Get Video');
		expect(video.binary?.data).toMatchObject({ fileName: `kling-${video.json.videoId}.mp4`, mimeType: 'video/mp4' });
		expect(nodeItems(result.run, 'Video Bytes')[0].json.base64).toBe(await downloaded(video.json.videoUrl));
		const [images] = nodeItems(result.run, 'Get Images');
		expect(images.binary).toEqual({
			image_0: expect.objectContaining({ fileName: `kling-${imageTaskId}-0.png`, mimeType: 'image/png' }),
			image_1: expect.objectContaining({ fileName: `kling-${imageTaskId}-1.png`, mimeType: 'image/png' }),
		});
		expect(nodeItems(result.run, 'Image Bytes')[0].json.base64).toBe(await downloaded(images.json.images[1].url));
	});

	it('fails the run, with no file passed on, when a video download stops half way, and makes no task again', async () => {
		sim.reset();
		sim.injectFault({ when: { pathIncludes: '/files/' }, fault: { kind: 'cutFile' } });
		const result = await executeWorkflow(ctx.instance.cli, imported.get('element-to-motion-control.json')!);

		expect(sim.faultLog.map((fault) => fault.kind)).toEqual(['cutFile']);
		expect(result.run.status).toBe('error');
		expect(result.run.data?.resultData?.error?.message).toMatch(/^Could not download the file from Kling: it did not arrive whole or could not be stored/);
		expect(nodeItems(result.run, 'Motion Control')).toEqual([]);
		expect(sim.createdTaskCount()).toBe(2);
	});
});

/** Creates a task on the simulator as another Kling client would; returns its id (as text: 19 digits). */
async function createOnSimulator(path: string, body: Record<string, unknown>): Promise<string> {
	const response = await fetch(`${sim.url}${path}`, { method: 'POST', headers: { authorization: 'Bearer test-api-key', 'content-type': 'application/json' }, body: JSON.stringify(body) });
	return /"task_id":"(\d+)"/.exec(await response.text())![1];
}

/** The file at `url`, as Base64. */
const downloaded = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer()).toString('base64');
