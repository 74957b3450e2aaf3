import type { KlingSimulator } from '../simulator/index.cts';
import { badInputRecorder } from '../harness/report.cts';
import { chain, runWorkflow } from '../harness/workflow.cts';
import { apiKeyCredential, useSimulator } from './helpers.cts';
import {
	elementList,
	featureVideo,
	imageList,
	imageToVideoNode,
	motionNode,
	omniNode,
	referenceImages,
	requestsBesidesElementLookups,
	seedElements,
	urlImage,
	voiceList,
} from './videoHelpers.cts';

const ctx = useSimulator({ timing: { submittedMs: 20, processingMs: 40 } });
const record = badInputRecorder('video');
const operationOf = (node: Node) => `Video → ${String(node.parameters.operation)}`;

type Node = ReturnType<typeof omniNode>;
type Case = [title: string, node: (sim: KlingSimulator) => Node, message: RegExp];

const first = urlImage('https://cdn.example.com/first.png', 'first_frame');
const end = urlImage('https://cdn.example.com/end.png', 'end_frame');
const baseVideo = { video: [{ url: 'https://cdn.example.com/edit.mp4', referType: 'base' }] };
const images = (...list: Array<ReturnType<typeof urlImage>>) => imageList(...list);

async function run(sim: KlingSimulator, node: Node) {
	const result = await runWorkflow({ ...chain(node), credentials: apiKeyCredential(sim) });
	expect(result.status).toBe('error');
	return result;
}

/** Rules decided from the parameters alone: the simulator must see no request at all. */
const localRules: Case[] = [
	['a placeholder past the end of Elements', (sim) => omniNode({ prompt: 'Meet <<<element_3>>>', elements: elementList(...seedElements(sim, 2)) }), /<<<element_3>>>, but Elements holds 2 entries/],
	['a placeholder past the end of Images', () => omniNode({ prompt: 'Use <<<image_2>>>', images: images(urlImage('https://cdn.example.com/a.png')) }), /<<<image_2>>>, but Images holds 1 entry/],
	['a video placeholder without a video', () => omniNode({ prompt: 'Like <<<video_1>>>' }), /<<<video_1>>>, but Reference Video is empty/],
	['placeholder number 0', (sim) => omniNode({ prompt: '<<<element_0>>> waves', elements: elementList(...seedElements(sim, 1)) }), /<<<element_0>>>/],
	['a placeholder past the end in a shot', () => omniNode({ multiShot: true, shotType: 'customize', shots: { shot: [{ prompt: '<<<element_1>>> waves', duration: 5 }] } }), /<<<element_1>>>, but Elements is empty/],
	['an end frame without a first frame', () => omniNode({ images: images(end) }), /Images has an end frame but no first frame/],
	['two first frames', () => omniNode({ images: images(first, first) }), /at most one first frame/],
	['frames with a video to edit', () => omniNode({ images: images(first), referenceVideo: baseVideo, aspectRatio: 'auto' }), /cannot hold frames while a base video is edited/],
	['sound on with a reference video', () => omniNode({ referenceVideo: featureVideo, sound: 'on' }), /Sound must be Off when a reference video is given/],
	['4K with Kling O1', () => omniNode({ model: 'kling-video-o1', mode: '4k' }), /4K needs the Kling 3.0 Omni model/],
	['4K with a reference video', () => omniNode({ mode: '4k', referenceVideo: featureVideo }), /4K is not available with a reference video/],
	['no aspect ratio, first frame or video to edit', () => omniNode({ aspectRatio: 'auto' }), /Aspect Ratio is required without a first frame or a base video/],
	['12 seconds with Kling O1', (sim) => omniNode({ model: 'kling-video-o1', duration: '12', elements: elementList(...seedElements(sim, 1)) }), /Duration must be 3 to 10 seconds for Kling O1/],
	['7 seconds of Kling O1 from a prompt only', () => omniNode({ model: 'kling-video-o1', duration: '7' }), /Duration must be 5 or 10 seconds for Kling O1 with only a prompt/],
	['shots that do not add up to the duration', () => omniNode({ multiShot: true, shotType: 'customize', shots: { shot: [{ prompt: 'One', duration: 2 }, { prompt: 'Two', duration: 2 }] } }), /durations add up to 4 seconds; they must add up to the Duration \(5\)/],
	['8 reference images', () => omniNode({ images: images(...referenceImages(8)) }), /at most 7 \(there are 8: 8 images, 0 image elements\)/],
	['5 reference images with a reference video', () => omniNode({ images: images(...referenceImages(5)), referenceVideo: featureVideo }), /at most 4 with a reference video \(there are 5/],
	['4 elements with a first frame on Kling 3.0 Omni', (sim) => omniNode({ images: images(first), elements: elementList(...seedElements(sim, 4)) }), /With a first frame, Kling 3.0 Omni takes at most 3 elements \(there are 4\)/],
	['an element with first and end frames on Kling O1', (sim) => omniNode({ model: 'kling-video-o1', images: images(first, end), elements: elementList(...seedElements(sim, 1)) }), /Kling O1 takes no elements and no other reference images/],
	['a reference image with first and end frames on Kling O1', () => omniNode({ model: 'kling-video-o1', images: images(first, end, urlImage('https://cdn.example.com/r.png')) }), /Kling O1 takes no elements and no other reference images/],
	['8 elements', (sim) => omniNode({ elements: elementList(...seedElements(sim, 8)) }), /Elements takes at most 7 entries \(it has 8\)/],
	['a prompt over 2500 characters', () => omniNode({ prompt: 'x'.repeat(2501) }), /Prompt must be at most 2500 characters/],
	['no prompt', () => omniNode({ prompt: '' }), /Prompt is required/],
	['two elements on motion control', (sim) => motionNode({ elements: elementList(...seedElements(sim, 2)) }), /Elements takes at most 1 entries \(it has 2\)/],
	['an element on motion control with Kling 2.6', (sim) => motionNode({ model: 'kling-v2-6', elements: elementList(...seedElements(sim, 1)) }), /Elements work only with the Kling 3.0 model/],
	['a motion video that is not an http URL', () => motionNode({ motionVideoUrl: 'ftp://example.com/a.mp4' }), /Motion Video URL must be an http\(s\) URL/],
	['elements and voices together on image to video', (sim) => imageToVideoNode({ elements: elementList(...seedElements(sim, 1)), voices: voiceList(sim.seedVoice()), sound: 'on' }), /Voices cannot be used together with elements/],
	['voices without sound', (sim) => imageToVideoNode({ voices: voiceList(sim.seedVoice()) }), /Sound must be On when voices are given/],
	['4 elements on image to video', (sim) => imageToVideoNode({ elements: elementList(...seedElements(sim, 4)) }), /Elements takes at most 3 entries \(it has 4\)/],
	['3 voices on image to video', (sim) => imageToVideoNode({ voices: voiceList(sim.seedVoice(), sim.seedVoice(), sim.seedVoice()), sound: 'on' }), /Voices takes at most 2 entries \(it has 3\)/],
	['a voice placeholder past the end', (sim) => imageToVideoNode({ prompt: '<<<voice_2>>> sings', voices: voiceList(sim.seedVoice()), sound: 'on' }), /<<<voice_2>>>, but Voices holds 1 entry/],
	['2 seconds of image to video', () => imageToVideoNode({ duration: '2' }), /Duration must be 3 to 15 seconds for Kling 3.0/],
];

describe('Video rules checked before any request', () => {
	it.each(localRules)('refuses %s', async (_title, node, message) => {
		const { sim } = ctx;
		const built = node(sim);
		const result = await run(sim, built);
		expect(result.error?.message).toMatch(message);
		record({ operation: operationOf(built), input: _title, requests: sim.requests.length, creates: sim.createdTaskCount() });
		expect(sim.requests).toHaveLength(0);
	});
});

/** Rules that depend on each element's kind: only the element lists are read, and nothing is created. */
const kindRules: Case[] = [
	['a video character element on Kling O1', (sim) => omniNode({ model: 'kling-video-o1', elements: elementList(seedElements(sim, 1)[0], seedElements(sim, 1, 'video_refer')[0]) }), /Kling O1 takes only image elements/],
	['4 video characters on Kling 3.0 Omni', (sim) => omniNode({ elements: elementList(...seedElements(sim, 4, 'video_refer')) }), /at most 3 video character elements \(there are 4\)/],
	['characters mixed with 5 images and image elements', (sim) => omniNode({ images: images(...referenceImages(3)), elements: elementList(...seedElements(sim, 1, 'video_refer'), ...seedElements(sim, 2)) }), /With video character elements, reference images plus image elements must be at most 4 \(there are 5\)/],
	['a character mixed with an image element and a video', (sim) => omniNode({ referenceVideo: featureVideo, elements: elementList(...seedElements(sim, 1, 'video_refer'), ...seedElements(sim, 1)) }), /video character elements cannot be combined with image elements or reference images/],
	['2 characters with a video', (sim) => omniNode({ referenceVideo: featureVideo, elements: elementList(...seedElements(sim, 2, 'video_refer')) }), /at most 1 video character element \(there are 2\)/],
	['6 reference images and 2 image elements', (sim) => omniNode({ images: images(...referenceImages(6)), elements: elementList(...seedElements(sim, 2)) }), /at most 7 \(there are 8: 6 images, 2 image elements\)/],
	['an ambiguous @name', (sim) => omniNode({ prompt: '@Twin waves', elements: elementList(sim.seedElement({ name: 'Twin' }), sim.seedElement({ name: 'twin' })) }), /@Twin in the prompt is ambiguous: elements 1 and 2/],
];

describe('Video rules that need the elements\' kinds or names', () => {
	it.each(kindRules)('refuses %s after reading only the element lists', async (_title, node, message) => {
		const { sim } = ctx;
		const built = node(sim);
		const result = await run(sim, built);
		expect(result.error?.message).toMatch(message);
		record({ operation: operationOf(built), input: _title, requests: sim.requests.length, creates: sim.createdTaskCount() });
		expect(requestsBesidesElementLookups(sim)).toHaveLength(0);
		expect(sim.apiRequests({ method: 'GET' }).length).toBeGreaterThan(0);
	});

	it('lets Kling judge an element it cannot find in either list', async () => {
		const { sim } = ctx;
		const result = await run(sim, omniNode({ model: 'kling-video-o1', elements: elementList('123456789012345678') }));
		expect(result.error?.message).toMatch(/123456789012345678 does not exist/);
		// A refused create with element ids is tried once more with the ids as strings (kling-api.md §2); both were
		// refused, so nothing was made.
		const creates = sim.apiRequests({ method: 'POST' });
		expect(creates.map((create) => create.code)).toEqual([1201, 1201]);
		expect(creates[0].rawBody).toContain('"element_id":123456789012345678');
		expect(creates[1].rawBody).toContain('"element_id":"123456789012345678"');
		expect(sim.createdTaskCount()).toBe(0);
	});
});
