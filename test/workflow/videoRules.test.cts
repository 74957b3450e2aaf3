import type { IDataObject } from 'n8n-workflow';

import type { KlingSimulator } from '../simulator/index.cts';
import { badInputRecorder } from '../harness/report.cts';
import { chain, runWorkflow } from '../harness/workflow.cts';
import { apiKeyCredential, useSimulator } from './helpers.cts';
import {
	elementList,
	elementListReads,
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
	['a new-standard @image_1, which the legacy API reads as plain text', () => omniNode({ prompt: '@image_1 glows', images: images(urlImage('https://cdn.example.com/a.png')) }), /^The prompt refers to @image_1, which Kling reads as plain text here: write <<<image_1>>>\./],
	['placeholder number 0', (sim) => omniNode({ prompt: '<<<element_0>>> waves', elements: elementList(...seedElements(sim, 1)) }), /<<<element_0>>>/],
	['a placeholder past the end in a shot', () => omniNode({ multiShot: true, shotType: 'customize', shots: { shot: [{ prompt: '<<<element_1>>> waves', duration: 5 }] } }), /^Shots #1 → Prompt refers to <<<element_1>>>, but Elements is empty/],
	['an end frame without a first frame', () => omniNode({ images: images(end) }), /Images has an end frame but no first frame/],
	['two first frames', () => omniNode({ images: images(first, first) }), /at most one first frame/],
	['frames with a video to edit', () => omniNode({ images: images(first), referenceVideo: baseVideo, aspectRatio: 'auto' }), /cannot hold frames while a base video is edited/],
	['sound on with a reference video', () => omniNode({ referenceVideo: featureVideo, sound: 'on' }), /Sound must be Off when a reference video is given/],
	// The editor offers Multi-Shot for 3.0 Omni only; a model from an expression shows it, and the item's model is checked.
	['Multi-Shot on Kling O1', () => omniNode({ model: '={{ "kling-video-o1" }}', multiShot: true, shotType: 'intelligence', duration: '10' }), /^Multi-Shot needs the Kling 3.0 Omni model/],
	['Multi-Shot with a video to edit', () => omniNode({ multiShot: true, shotType: 'intelligence', referenceVideo: baseVideo }), /^Multi-Shot is not available while a base video is edited/],
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
	// Lists longer than Kling takes are flagged in the editor (n8n's own list limit), and n8n runs no such node.
	['8 elements', (sim) => omniNode({ elements: elementList(...seedElements(sim, 8)) }), /node has issues:\n- At most 7 fields are allowed/],
	['a prompt over 2500 characters', () => omniNode({ prompt: 'x'.repeat(2501) }), /Prompt must be at most 2500 characters/],
	['no prompt', () => omniNode({ prompt: '' }), /Prompt is required/],
	['two elements on motion control', (sim) => motionNode({ elements: elementList(...seedElements(sim, 2)) }), /node has issues:\n- At most 1 field is allowed/],
	['a motion video that is not an http URL', () => motionNode({ motionVideoUrl: 'ftp://example.com/a.mp4' }), /Motion Video URL must be an http\(s\) URL/],
	['elements and voices together on image to video', (sim) => imageToVideoNode({ elements: elementList(...seedElements(sim, 1)), voices: voiceList(sim.seedVoice()), sound: 'on' }), /Voices cannot be used together with elements/],
	// The editor offers Voices only with Sound on; Sound from an expression shows them, and the item's value is checked.
	['voices with Sound off from an expression', (sim) => imageToVideoNode({ voices: voiceList(sim.seedVoice()), sound: '={{ "off" }}' }), /Sound must be On when voices are given/],
	['4 elements on image to video', (sim) => imageToVideoNode({ elements: elementList(...seedElements(sim, 4)) }), /node has issues:\n- At most 3 fields are allowed/],
	['3 voices on image to video', (sim) => imageToVideoNode({ voices: voiceList(sim.seedVoice(), sim.seedVoice(), sim.seedVoice()), sound: 'on' }), /node has issues:\n- At most 2 fields are allowed/],
	['a voice placeholder past the end', (sim) => imageToVideoNode({ prompt: '<<<voice_2>>> sings', voices: voiceList(sim.seedVoice()), sound: 'on' }), /<<<voice_2>>>, but Voices holds 1 entry/],
	// Placeholders count positions in a list (§6.1): image to video has no image or video list, an omni video no voice list.
	['an image placeholder on image to video', () => imageToVideoNode({ prompt: '<<<image_1>>> waves' }), /<<<image_1>>>, but this operation takes no images/],
	['a video placeholder on image to video', () => imageToVideoNode({ prompt: 'Move like <<<video_1>>>' }), /<<<video_1>>>, but this operation takes no videos/],
	['a voice placeholder on omni video', () => omniNode({ prompt: '<<<voice_1>>> sings', sound: 'on' }), /<<<voice_1>>>, but this operation takes no voices/],
	['a motion video that is a WebM', () => motionNode({ motionVideoUrl: 'https://cdn.example.com/dance.webm' }), /^Motion Video URL must point to an MP4 or MOV file, not \.webm/],
	['a reference video that is a GIF', () => omniNode({ referenceVideo: { video: [{ url: 'https://cdn.example.com/loop.gif', referType: 'feature', keepOriginalSound: false }] } }), /^Reference Video #1 → Video URL must point to an MP4 or MOV file, not \.gif/],
	['2 seconds of image to video', () => imageToVideoNode({ duration: '2' }), /Duration must be 3 to 15 seconds for Kling 3.0/],
	// With the model from an expression the editor shows every model's fields: what O1 cannot do is refused, not dropped.
	['sound on with Kling O1 from an expression', () => omniNode({ model: '={{ "kling-video-o1" }}', sound: 'on' }), /^Sound: Kling O1 makes no sound/],
	['a list of motion video URLs from an expression', () => motionNode({ motionVideoUrl: '={{ ["https://cdn.example.com/a.mp4", "https://cdn.example.com/b.mp4"] }}' }), /^Motion Video URL must be text, not a list/],
	// Written bare into the body (§2), a leading zero would make it invalid JSON: n8n refuses it with the picker's hint.
	['an element ID with a leading zero', () => omniNode({ elements: elementList('0835266081714884677') }), /An element ID looks like 835266081714884677/],
	['an element ID above the int64 range', () => omniNode({ elements: elementList('9223372036854775808') }), /^Elements #1 must be an element ID such as 835266081714884677/],
	['a duration of "05" from an expression', () => omniNode({ duration: '={{ "05" }}' }), /^Duration must be a whole number of seconds, e\.g\. "5"/],
	// Rules on element kinds that every kind the elements could be breaks: refused without looking the kinds up.
	[
		'a reference video with 4 reference images and an element of either kind',
		(sim) => omniNode({ images: images(...referenceImages(4)), referenceVideo: featureVideo, elements: elementList(...seedElements(sim, 1)) }),
		/^Whatever kind the elements are, Kling refuses this: Reference images plus image elements must be at most 4 with a reference video \(there are 5: 4 images, 1 image elements\)\. Or: With a reference video, video character elements cannot be combined with image elements or reference images\.$/,
	],
	[
		'Kling O1 with 7 reference images and an element of either kind',
		(sim) => omniNode({ model: 'kling-video-o1', images: images(...referenceImages(7)), elements: elementList(...seedElements(sim, 1, 'video_refer')) }),
		/^Whatever kind the elements are, Kling refuses this: Reference images plus image elements must be at most 7 \(there are 8: 7 images, 1 image elements\)\. Or: Kling O1 takes only image elements/,
	],
	[
		'a reference video with 5 elements of any kinds',
		(sim) => omniNode({ referenceVideo: featureVideo, elements: elementList(...seedElements(sim, 5)) }),
		/^Whatever kind the elements are, Kling refuses this: .*at most 4 with a reference video \(there are 5: 0 images, 5 image elements\)\. Or: .*cannot be combined with image elements or reference images\. Or: With a reference video, Kling 3.0 Omni takes at most 1 video character element \(there are 5\)\.$/,
	],
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

type Kind = 'image_refer' | 'video_refer';
const IMAGE: Kind = 'image_refer';
const CHARACTER: Kind = 'video_refer';

/** Elements of these kinds, in order, picked by ID (so the node knows neither their names nor their kinds). */
function elementsOf(sim: KlingSimulator, kinds: Kind[]) {
	return elementList(...kinds.map((kind, n) => sim.seedElement({ name: `${kind === IMAGE ? 'Prop' : 'Actor'} ${n + 1}`, referenceType: kind })));
}

/**
 * Rules that hold for some kinds the elements could be and not for others. Without @names the node does not look
 * the kinds up: it sends the create, and Kling judges (a refusal costs nothing). Each case: the kinds Kling refuses
 * and its message, then kinds it takes.
 */
const kindsLeftToKling: Array<[title: string, node: (elements: IDataObject) => Node, refused: Kind[], message: RegExp, taken: Kind[]]> = [
	['an element on Kling O1', (elements) => omniNode({ model: 'kling-video-o1', elements }), [IMAGE, CHARACTER], /kling-video-o1 accepts multi-image elements only/, [IMAGE, IMAGE]],
	['4 elements on Kling 3.0 Omni', (elements) => omniNode({ elements }), [CHARACTER, CHARACTER, CHARACTER, CHARACTER], /at most 3 video character elements/, [IMAGE, IMAGE, IMAGE, IMAGE]],
	['3 reference images and 3 elements', (elements) => omniNode({ images: images(...referenceImages(3)), elements }), [CHARACTER, IMAGE, IMAGE], /with video character elements, reference images \+ multi-image elements must be at most 4/, [IMAGE, IMAGE, IMAGE]],
	['a reference video and an image element with another', (elements) => omniNode({ referenceVideo: featureVideo, elements }), [IMAGE, CHARACTER], /with a reference video, video character elements cannot be mixed/, [IMAGE, IMAGE]],
	['a reference video and 2 elements', (elements) => omniNode({ referenceVideo: featureVideo, elements }), [CHARACTER, CHARACTER], /at most 1 video character element with a reference video/, [IMAGE, IMAGE]],
	['6 reference images and 2 elements', (elements) => omniNode({ images: images(...referenceImages(6)), elements }), [IMAGE, IMAGE], /reference images \+ multi-image elements must be at most 7 \(got 8\)/, [CHARACTER, CHARACTER]],
];

describe('Video rules that depend on the elements\' kinds, without @names', () => {
	it.each(kindsLeftToKling)('leaves %s to Kling, reading no element list', async (title, node, refused, message, taken) => {
		const { sim } = ctx;
		const built = node(elementsOf(sim, refused));
		const result = await run(sim, built);
		expect(result.error?.message).toMatch(message);
		record({ operation: operationOf(built), input: `${title} (kinds Kling refuses)`, requests: sim.requests.length, creates: sim.createdTaskCount() });
		expect(elementListReads(sim)).toHaveLength(0);
		const creates = sim.apiRequests({ method: 'POST' });
		expect(creates.length).toBeGreaterThan(0);
		expect(creates.every((create) => create.code !== 0)).toBe(true);
		expect(sim.createdTaskCount()).toBe(0);

		sim.reset();
		const made = await runWorkflow({ ...chain(node(elementsOf(sim, taken))), credentials: apiKeyCredential(sim) });
		expect(made.error).toBeUndefined();
		expect(sim.createdTaskCount('omni-video')).toBe(1);
		expect(elementListReads(sim)).toHaveLength(0);
	});
});

/**
 * With an @name the node reads the element lists to find the elements picked by ID, and then knows their kinds too:
 * it refuses a kind rule itself, before any create.
 */
const kindRules: Case[] = [
	['a video character element on Kling O1', (sim) => omniNode({ model: 'kling-video-o1', prompt: '@Actor 2 waves', elements: elementsOf(sim, [IMAGE, CHARACTER]) }), /Kling O1 takes only image elements/],
	['4 video characters on Kling 3.0 Omni', (sim) => omniNode({ prompt: '@Actor 1 leads', elements: elementsOf(sim, [CHARACTER, CHARACTER, CHARACTER, CHARACTER]) }), /at most 3 video character elements \(there are 4\)/],
	['characters mixed with 5 images and image elements', (sim) => omniNode({ prompt: '@Actor 1 leads', images: images(...referenceImages(3)), elements: elementsOf(sim, [CHARACTER, IMAGE, IMAGE]) }), /With video character elements, reference images plus image elements must be at most 4 \(there are 5\)/],
	['a character mixed with an image element and a video', (sim) => omniNode({ prompt: '@Actor 1 leads', referenceVideo: featureVideo, elements: elementsOf(sim, [CHARACTER, IMAGE]) }), /video character elements cannot be combined with image elements or reference images/],
	['2 characters with a video', (sim) => omniNode({ prompt: '@Actor 1 leads', referenceVideo: featureVideo, elements: elementsOf(sim, [CHARACTER, CHARACTER]) }), /at most 1 video character element \(there are 2\)/],
	['6 reference images and 2 image elements', (sim) => omniNode({ prompt: '@Prop 1 shines', images: images(...referenceImages(6)), elements: elementsOf(sim, [IMAGE, IMAGE]) }), /at most 7 \(there are 8: 6 images, 2 image elements\)/],
	// The prompt as typed fits; with "@Prop 1" written as <<<element_1>>> it is 8 characters longer.
	['a prompt that the placeholders take past 2500 characters', (sim) => omniNode({ prompt: `@Prop 1 ${'x'.repeat(2492)}`, elements: elementsOf(sim, [IMAGE]) }), /^Prompt \(with its @names written as <<<element_N>>>\) must be at most 2500 characters \(it has 2508\)/],
	['an ambiguous @name', (sim) => omniNode({ prompt: '@Twin waves', elements: elementList(sim.seedElement({ name: 'Twin' }), sim.seedElement({ name: 'twin' })) }), /@Twin in the prompt is ambiguous: elements 1 and 2/],
	[
		'an ambiguous @name in a shot',
		(sim) => omniNode({ multiShot: true, shotType: 'customize', shots: { shot: [{ prompt: 'The harbour', duration: 2 }, { prompt: '@Twin waves', duration: 3 }] }, elements: elementList(sim.seedElement({ name: 'Twin' }), sim.seedElement({ name: 'twin' })) }),
		/^@Twin in Shots #2 → Prompt is ambiguous: elements 1 and 2/,
	],
];

describe('Video rules on the kinds or names of elements an @name made the node look up', () => {
	it.each(kindRules)('refuses %s after reading only the element lists', async (_title, node, message) => {
		const { sim } = ctx;
		const built = node(sim);
		const result = await run(sim, built);
		expect(result.error?.message).toMatch(message);
		record({ operation: operationOf(built), input: _title, requests: sim.requests.length, creates: sim.createdTaskCount() });
		expect(requestsBesidesElementLookups(sim)).toHaveLength(0);
		expect(elementListReads(sim).length).toBeGreaterThan(0);
	});

	it('lets Kling judge an element it cannot find in either list', async () => {
		const { sim } = ctx;
		const result = await run(sim, omniNode({ model: 'kling-video-o1', prompt: '@Ghost waves', elements: elementList('123456789012345678') }));
		expect(result.error?.message).toMatch(/123456789012345678 does not exist/);
		// Both lists were read to the end, and the @name that named nothing was sent as typed.
		expect(new Set(elementListReads(sim).map((read) => read.path.split('-')[1]))).toEqual(new Set(['custom', 'presets']));
		// A refused create with element ids is tried once more with the ids as strings (kling-api.md §2); both were
		// refused, so nothing was made.
		const creates = sim.apiRequests({ method: 'POST' });
		expect(creates.map((create) => create.code)).toEqual([1201, 1201]);
		expect(creates[0].body).toMatchObject({ prompt: '@Ghost waves' });
		expect(creates[0].rawBody).toContain('"element_id":123456789012345678');
		expect(creates[1].rawBody).toContain('"element_id":"123456789012345678"');
		expect(sim.createdTaskCount()).toBe(0);
	});
});
