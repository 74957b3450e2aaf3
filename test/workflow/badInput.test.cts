/**
 * Bad input on the operations the element and video rule suites do not cover: each is refused with a message
 * that names the field (by the node, or by n8n's own check of required and validated parameters), and the
 * simulator sees no request (no credits, no state change).
 */
import type { IDataObject, INode } from 'n8n-workflow';

import { badInputRecorder } from '../harness/report.cts';
import { chain, emptyItems, runWorkflow } from '../harness/workflow.cts';
import { apiKeyCredential, klingNode, useSimulator } from './helpers.cts';
import { byId } from './videoHelpers.cts';

const ctx = useSimulator({ timing: { submittedMs: 10, processingMs: 10 } });
const record = badInputRecorder('other-operations');

const voiceCreate = (extra: IDataObject) =>
	klingNode('Kling', { resource: 'voice', operation: 'create', voiceName: 'Narrator', voiceSource: 'url', voiceUrl: 'https://cdn.example.com/voice.mp3', ...extra });

const cases: Array<[operation: string, input: string, parameters: IDataObject, message: RegExp]> = [
	['Voice → Create', 'a name over 20 characters', { voiceName: 'The Very Long Narrator Voice' }, /^Name must be at most 20 characters/],
	['Voice → Create', 'a name from an empty expression', { voiceName: '={{ $json.missing ?? "" }}' }, /^Name is required/],
	['Voice → Create', 'a voice URL that is not http(s)', { voiceUrl: 'voice.mp3' }, /Audio or Video URL/],
	['Voice → Create', 'no voice URL', { voiceUrl: '' }, /Audio or Video URL/],
	['Voice → Create', 'a video ID that went through a number and lost digits', { voiceSource: 'video', videoId: '={{ 861734512008451201 }}' }, /^Video ID \d+ has lost digits: it passed through a number/],
	['Voice → Create', 'a Kling video id with a space', { voiceSource: 'video', videoId: 'my video' }, /Video ID/],
];

const itemCases: Array<[operation: string, input: string, parameters: IDataObject, message: RegExp]> = [
	['Element → Get', 'no element', { resource: 'element', operation: 'get', element: { __rl: true, mode: 'list', value: '' } }, /Parameter "Element" is required/],
	['Element → Get', 'an element ID from an empty expression', { resource: 'element', operation: 'get', element: byId('={{ $json.elementId ?? "" }}') }, /^Element is required: pick one from the list or enter its ID/],
	['Element → Get', 'an element ID that went through a number and lost digits', { resource: 'element', operation: 'get', element: byId('={{ 835266081714884677 }}') }, /^Element ID \d+ has lost digits: it passed through a number/],
	['Element → Get Creation Task', 'a task ID from an empty expression', { resource: 'element', operation: 'getTask', taskId: '={{ $json.taskId ?? "" }}' }, /^Task ID is required/],
	['Element → Delete', 'an element ID that is not a number', { resource: 'element', operation: 'delete', element: byId('captain-mira') }, /An element ID looks like 835266081714884677/],
	['Element → Delete', 'an element ID from an expression that is not one', { resource: 'element', operation: 'delete', element: byId('={{ "captain-mira" }}') }, /^Element ID must look like 835266081714884677 \(it is "captain-mira"\)/],
	['Element → Delete', 'an element ID that went through a number and lost digits', { resource: 'element', operation: 'delete', element: byId('={{ 835266081714884677 }}') }, /^Element ID \d+ has lost digits: it passed through a number/],
	['Element → Delete', 'no element', { resource: 'element', operation: 'delete', element: { __rl: true, mode: 'list', value: '' } }, /"Element" is required/],
	['Voice → Get', 'no voice', { resource: 'voice', operation: 'get', voice: byId('') }, /Parameter "Voice" is required/],
	['Voice → Get', 'a voice ID that went through a number and lost digits', { resource: 'voice', operation: 'get', voice: byId('={{ 829824295736356877 }}') }, /^Voice ID \d+ has lost digits: it passed through a number/],
	['Voice → Get Creation Task', 'a task ID from an empty expression', { resource: 'voice', operation: 'getTask', taskId: '={{ "" }}' }, /^Task ID is required/],
	['Voice → Delete', 'no voice', { resource: 'voice', operation: 'delete', voice: byId('') }, /"Voice" is required/],
	['Video → Get', 'a task ID from an empty expression', { resource: 'video', operation: 'get', kind: 'omni', taskId: '={{ "" }}' }, /^Task ID is required/],
	['Video → Omni Video', 'an object as the prompt', { resource: 'video', operation: 'omni', prompt: '={{ { headline: "A harbour at dawn" } }}' }, /^Prompt must be text, not an object/],
	['Video → Omni Video', 'a list as a shot prompt', { resource: 'video', operation: 'omni', multiShot: true, shots: { shot: [{ prompt: '={{ ["a", "b"] }}', duration: 5 }] } }, /^Shots #1 → Prompt must be text, not a list/],
	['Image → Generate', 'an object as the external task ID', { resource: 'image', operation: 'generate', prompt: 'A poster', options: { externalTaskId: '={{ { id: 7 } }}' } }, /^Options → External Task ID must be text, not an object/],
	['Image → Generate', 'a list as the negative prompt', { resource: 'image', operation: 'generate', prompt: 'A poster', negativePrompt: '={{ ["blur"] }}' }, /^Negative Prompt must be text, not a list/],
	['Video → Omni Video', 'an empty shot prompt', { resource: 'video', operation: 'omni', multiShot: true, duration: '10', shots: { shot: [{ prompt: 'a', duration: 5 }, { prompt: ' ', duration: 5 }] } }, /^Shots #2 → Prompt is required/],
	['Video → Omni Video', 'a reference video from an empty expression', { resource: 'video', operation: 'omni', prompt: 'Restyle <<<video_1>>>', referenceVideo: { video: [{ url: '={{ "" }}', referType: 'feature', keepOriginalSound: false }] } }, /^Reference Video #1 → Video URL is required/],
	['Video → Omni Video', 'Multi-Shot from an expression that gives nothing', { resource: 'video', operation: 'omni', prompt: 'A harbour', multiShot: '={{ $json.missing }}' }, /^Multi-Shot is empty: its expression gave nothing/],
	['Video → Omni Video', 'a placeholder Kling does not read (<<<Element_1>>>)', { resource: 'video', operation: 'omni', prompt: '<<<Element_1>>> waves' }, /^The prompt refers to <<<Element_1>>>, which Kling does not read as a placeholder/],
	['Video → Motion Control', 'Keep Original Sound from an expression that gives nothing', { resource: 'video', operation: 'motionControl', model: 'kling-v3', imageSource: 'url', imageUrl: 'https://cdn.example.com/a.png', motionVideoUrl: 'https://cdn.example.com/m.mp4', keepOriginalSound: '={{ $json.missing }}' }, /^Keep Original Sound is empty: its expression gave nothing/],
	['Video → Motion Control', 'a placeholder past the end of Elements', { resource: 'video', operation: 'motionControl', model: 'kling-v3', imageSource: 'url', imageUrl: 'https://cdn.example.com/a.png', motionVideoUrl: 'https://cdn.example.com/m.mp4', prompt: '<<<element_2>>> dances' }, /^The prompt refers to <<<element_2>>>, but Elements is empty/],
	['Video → Motion Control', 'a voice placeholder (it takes no voices)', { resource: 'video', operation: 'motionControl', model: 'kling-v3', imageSource: 'url', imageUrl: 'https://cdn.example.com/a.png', motionVideoUrl: 'https://cdn.example.com/m.mp4', prompt: '<<<voice_1>>> sings' }, /^The prompt refers to <<<voice_1>>>, but this operation takes no voices/],
	['Image → Generate', 'Reference Image from an expression that gives nothing', { resource: 'image', operation: 'generate', prompt: 'A poster', useReferenceImage: '={{ $json.missing }}', referenceImageSource: 'url', referenceImageUrl: 'https://cdn.example.com/ref.png' }, /^Reference Image is empty: its expression gave nothing/],
	['Image → Generate', 'Options → Download Images from an expression that gives nothing', { resource: 'image', operation: 'generate', prompt: 'A poster', options: { download: '={{ $json.missing }}' } }, /^Options → Download Images is empty: its expression gave nothing/],
	['Image → Omni Image', 'Result Type from an expression that gives nothing', { resource: 'image', operation: 'omniImage', model: 'kling-v3-omni', prompt: 'A poster', resultType: '={{ $json.missing }}' }, /^Result Type is empty: its expression gave nothing/],
	['Video → Omni Video', "a reference video's Use As from an expression that gives nothing", { resource: 'video', operation: 'omni', prompt: 'A harbour', referenceVideo: { video: [{ url: 'https://cdn.example.com/clip.mp4', referType: '={{ $json.missing }}', keepOriginalSound: false }] } }, /^Reference Video #1 → Use As is empty: its expression gave nothing/],
	['Video → Omni Video', "a reference video's Keep Original Sound from an expression that gives nothing", { resource: 'video', operation: 'omni', prompt: 'A harbour', referenceVideo: { video: [{ url: 'https://cdn.example.com/clip.mp4', referType: 'feature', keepOriginalSound: '={{ $json.missing }}' }] } }, /^Reference Video #1 → Keep Original Sound is empty: its expression gave nothing/],
	['Video → Omni Video', "an image's Use As from an expression that gives nothing", { resource: 'video', operation: 'omni', prompt: 'A harbour', images: { image: [{ use: '={{ $json.missing }}', source: 'url', url: 'https://cdn.example.com/first.png' }] } }, /^Images #1 → Use As is empty: its expression gave nothing/],
	['Video → Omni Video', "an image's Source from an expression that gives nothing", { resource: 'video', operation: 'omni', prompt: 'A harbour', images: { image: [{ use: 'reference', source: '={{ $json.missing }}', url: 'https://cdn.example.com/left-over.png' }] } }, /^Images #1 → Source is empty: its expression gave nothing/],
	['Video → Omni Video', 'Sound from an expression that gives nothing', { resource: 'video', operation: 'omni', prompt: 'A harbour', sound: '={{ $json.missing }}' }, /^Sound is empty: its expression gave nothing/],
	['Video → Omni Video', 'Aspect Ratio from an expression that gives nothing, with a first frame', { resource: 'video', operation: 'omni', prompt: 'A harbour', aspectRatio: '={{ $json.missing }}', images: { image: [{ use: 'first_frame', source: 'url', url: 'https://cdn.example.com/first.png' }] } }, /^Aspect Ratio is empty: its expression gave nothing/],
	['Video → Image to Video', 'Frames from an expression that gives nothing', { resource: 'video', operation: 'imageToVideo', frames: '={{ $json.missing }}', firstFrameSource: 'url', firstFrameUrl: 'https://cdn.example.com/start.png', endFrameSource: 'url', endFrameUrl: 'https://cdn.example.com/left-over.png' }, /^Frames is empty: its expression gave nothing/],
	['Video → Image to Video', 'First Frame Source from an expression that gives nothing', { resource: 'video', operation: 'imageToVideo', frames: 'first', firstFrameSource: '={{ $json.missing }}', firstFrameUrl: 'https://cdn.example.com/left-over.png' }, /^First Frame Source is empty: its expression gave nothing/],
	['Image → Omni Image', "an image's Source from an expression that gives nothing", { resource: 'image', operation: 'omniImage', model: 'kling-v3-omni', prompt: 'A poster', images: { image: [{ source: '={{ $json.missing }}', url: 'https://cdn.example.com/left-over.png' }] } }, /^Images #1 → Source is empty: its expression gave nothing/],
	['Image → Omni Image', 'Result Type from an expression that gives a value no option has', { resource: 'image', operation: 'omniImage', model: 'kling-v3-omni', prompt: 'A poster', resultType: '={{ "Serie" }}' }, /^Result Type: "Serie" is not one of Single Images \(single\), Series \(series\)/],
	['Video → Image to Video', 'Frames from an expression that gives a value no option has', { resource: 'video', operation: 'imageToVideo', frames: '={{ "First" }}', firstFrameSource: 'url', firstFrameUrl: 'https://cdn.example.com/start.png', endFrameSource: 'url', endFrameUrl: 'https://cdn.example.com/left-over.png' }, /^Frames: "First" is not one of First Frame \(first\), End Frame \(end\), First and End Frames \(both\)/],
	['Video → Omni Video', "an image's Use As from an expression that gives a value no option has", { resource: 'video', operation: 'omni', prompt: 'A harbour', images: { image: [{ use: '={{ "start" }}', source: 'url', url: 'https://cdn.example.com/first.png' }] } }, /^Images #1 → Use As: "start" is not one of Reference/],
	['Element → Get Many', 'Library from an expression that gives a value no option has', { resource: 'element', operation: 'getAll', library: '={{ "mine" }}' }, /^Library: "mine" is not one of My Elements \(custom\), Kling Presets \(preset\)/],
	['Video → Omni Video', 'a shot of 0 seconds', { resource: 'video', operation: 'omni', multiShot: true, duration: '5', shots: { shot: [{ prompt: 'a', duration: 0 }, { prompt: 'b', duration: 5 }] } }, /^Shots #1 → Duration \(Seconds\) must be at least 1 second/],
	['Element → Get Many', 'Library from an expression that gives nothing', { resource: 'element', operation: 'getAll', library: '={{ $json.missing }}' }, /^Library is empty: its expression gave nothing/],
	['Element → Get Many', 'Return All from an expression that gives nothing', { resource: 'element', operation: 'getAll', returnAll: '={{ $json.missing }}' }, /^Return All is empty: its expression gave nothing/],
	['Element → Get Many', 'Include Deleted from an expression that gives nothing', { resource: 'element', operation: 'getAll', filters: { includeDeleted: '={{ $json.missing }}' } }, /^Filters → Include Deleted is empty: its expression gave nothing/],
	['Element → Get Many', 'a limit of 0', { resource: 'element', operation: 'getAll', library: 'custom', returnAll: false, limit: 0 }, /^Limit must be a whole number of at least 1 \(it is 0\)/],
	['Account → Get Resource Packs', 'an object as the pack name', { resource: 'account', operation: 'getResourcePacks', options: { packName: '={{ { name: "Video" } }}' } }, /^Options → Pack Name must be text, not an object/],
	['Video → Get', 'a task ID that went through a number and lost digits', { resource: 'video', operation: 'get', kind: 'omni', taskId: '={{ 842250903629086785 }}' }, /^Task ID \d+ has lost digits: it passed through a number/],
];

describe('Bad input on the other operations sends nothing', () => {
	it.each(cases)('%s refuses %s', async (operation, input, parameters, message) => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(voiceCreate(parameters)), credentials: apiKeyCredential(sim) });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		record({ operation, input, requests: sim.requests.length, creates: sim.createdTaskCount() });
		expect(sim.requests).toHaveLength(0);
	});

	it.each(itemCases)('%s refuses %s', async (operation, input, parameters, message) => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(klingNode('Kling', parameters)), credentials: apiKeyCredential(sim) });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		record({ operation, input, requests: sim.requests.length, creates: sim.createdTaskCount() });
		expect(sim.requests).toHaveLength(0);
	});
});

describe('With On Error → "Continue (using error output)"', () => {
	// Item 0 is refused, item 1 is fine.
	const refusedFirst: Array<[operation: string, parameters: (elementId: string) => IDataObject, message: RegExp, creates: number]> = [
		['Video → Image to Video', () => ({ resource: 'video', operation: 'imageToVideo', frames: '={{ $json.index === 0 ? $json.missing : "first" }}', firstFrameSource: 'url', firstFrameUrl: 'https://cdn.example.com/start.png' }), /^Frames is empty/, 1],
		['Element → Get', (elementId) => ({ resource: 'element', operation: 'get', element: byId(`={{ $json.index === 0 ? "" : "${elementId}" }}`) }), /^Element is required/, 0],
	];

	it.each(refusedFirst)('%s sends a refused item to the Error output and goes on with the others', async (_operation, parameters, message, creates) => {
		const { sim } = ctx;
		const node = { ...klingNode('Kling', parameters(sim.seedElement({ name: 'Mira' }))), onError: 'continueErrorOutput' } as INode;
		const result = await runWorkflow({ ...chain(emptyItems(2), node), credentials: apiKeyCredential(sim) });
		expect(result.status).toBe('success');
		const [main, errors] = result.run.data.resultData.runData.Kling[0].data!.main;
		expect(main?.map((item) => [item.pairedItem, item.json.error])).toEqual([[{ item: 1 }, undefined]]);
		expect(errors?.map((item) => item.json)).toEqual([{ index: 0, error: expect.objectContaining({ message: expect.stringMatching(message) }) }]);
		expect(sim.apiRequests({ method: 'POST' })).toHaveLength(creates);
	});
});
