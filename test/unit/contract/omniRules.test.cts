import type { ElementKind } from '../../../nodes/Kling/contract/element';
import { omniCountProblem, countProblem, type OmniInputs } from '../../../nodes/Kling/contract/omniRules';
import { motionControlBodySchema, omniVideoBodySchema } from '../../../nodes/Kling/contract/video';

const IMG: ElementKind = 'image_refer';
const CHR: ElementKind = 'video_refer';

const inputs = (over: Partial<OmniInputs>): OmniInputs => ({
	model: 'kling-v3-omni',
	firstFrame: false,
	endFrame: false,
	referenceImages: 0,
	hasVideo: false,
	elementKinds: [],
	...over,
});

describe('omniCountProblem', () => {
	it.each<[string, Partial<OmniInputs>, RegExp | undefined]>([
		['7 reference images', { referenceImages: 7 }, undefined],
		['8 reference images', { referenceImages: 8 }, /at most 7 \(there are 8/],
		['4 images and image elements with a video', { referenceImages: 2, elementKinds: [IMG, IMG], hasVideo: true }, undefined],
		['5 images and image elements with a video', { referenceImages: 3, elementKinds: [IMG, IMG], hasVideo: true }, /at most 4 with a reference video/],
		['3 elements with a first frame', { firstFrame: true, elementKinds: [IMG, CHR, IMG] }, undefined],
		['4 elements with a first frame', { firstFrame: true, elementKinds: [IMG, IMG, IMG, IMG] }, /With a first frame, Kling 3.0 Omni takes at most 3 elements/],
		['3 characters without a video', { elementKinds: [CHR, CHR, CHR] }, undefined],
		['4 characters without a video', { elementKinds: [CHR, CHR, CHR, CHR] }, /at most 3 video character elements/],
		['a character with 4 images and image elements', { referenceImages: 2, elementKinds: [CHR, IMG, IMG] }, undefined],
		['a character with 5 images and image elements', { referenceImages: 3, elementKinds: [CHR, IMG, IMG] }, /must be at most 4 \(there are 5\)/],
		['a character with 6 reference images and no image element', { referenceImages: 6, elementKinds: [CHR] }, undefined],
		['one character with a video', { hasVideo: true, elementKinds: [CHR] }, undefined],
		['two characters with a video', { hasVideo: true, elementKinds: [CHR, CHR] }, /at most 1 video character element/],
		['a character and a reference image with a video', { hasVideo: true, referenceImages: 1, elementKinds: [CHR] }, /cannot be combined/],
		['a character and an image element with a video', { hasVideo: true, elementKinds: [CHR, IMG] }, /cannot be combined/],
	])('Kling 3.0 Omni: %s', (_title, over, expected) => {
		const problem = omniCountProblem(inputs(over));
		if (expected) expect(problem).toMatch(expected);
		else expect(problem).toBeUndefined();
	});

	it.each<[string, Partial<OmniInputs>, RegExp | undefined]>([
		['image elements only', { elementKinds: [IMG, IMG, IMG] }, undefined],
		['a video character element', { elementKinds: [IMG, CHR] }, /Kling O1 takes only image elements/],
		['first and end frames alone', { firstFrame: true, endFrame: true }, undefined],
		['first and end frames with an element', { firstFrame: true, endFrame: true, elementKinds: [IMG] }, /no elements and no other reference images/],
		['first and end frames with a reference image', { firstFrame: true, endFrame: true, referenceImages: 1 }, /no elements and no other reference images/],
		['a first frame with 6 image elements', { firstFrame: true, elementKinds: [IMG, IMG, IMG, IMG, IMG, IMG] }, undefined],
		['8 references and image elements', { referenceImages: 5, elementKinds: [IMG, IMG, IMG] }, /at most 7/],
	])('Kling O1: %s', (_title, over, expected) => {
		const problem = omniCountProblem(inputs({ model: 'kling-video-o1', ...over }));
		if (expected) expect(problem).toMatch(expected);
		else expect(problem).toBeUndefined();
	});

	describe('elements of unknown kind: decided for every kind they could be', () => {
		const unknown = (n: number) => Array.from({ length: n }, () => undefined);
		const PREFIX = 'Whatever kind the elements are, Kling refuses this: ';

		it('is ok when every kind is fine', () => {
			// Any mix of 2 elements is fine on 3.0 Omni without a video or frames.
			expect(omniCountProblem(inputs({ elementKinds: unknown(2) }))).toBeUndefined();
			expect(omniCountProblem(inputs({ model: 'kling-video-o1', elementKinds: [] }))).toBeUndefined();
		});

		it('leaves it to Kling when some kinds are fine', () => {
			// Kling O1: fine if it is an image element, not if it is a character.
			expect(omniCountProblem(inputs({ model: 'kling-video-o1', elementKinds: unknown(1) }))).toBeUndefined();
			// 4 elements without a video: fine as image elements, too many as characters.
			expect(omniCountProblem(inputs({ elementKinds: unknown(4) }))).toBeUndefined();
			// Known kinds decide; only the unknown ones are varied: a second image element is fine, a character is not.
			expect(omniCountProblem(inputs({ hasVideo: true, elementKinds: [IMG, undefined] }))).toBeUndefined();
		});

		it('refuses with the one reason when every kind is wrong for the same reason', () => {
			expect(omniCountProblem(inputs({ firstFrame: true, elementKinds: unknown(4) }))).toBe(
				'With a first frame, Kling 3.0 Omni takes at most 3 elements (there are 4).',
			);
			expect(omniCountProblem(inputs({ hasVideo: true, referenceImages: 1, elementKinds: [CHR, undefined] }))).toBe(
				'With a reference video, video character elements cannot be combined with image elements or reference images.',
			);
		});

		it('refuses with every reason, prefixed, when each kind is wrong for another reason', () => {
			// With a video: as an image element it cannot join the character; as a character it is one too many.
			expect(omniCountProblem(inputs({ hasVideo: true, elementKinds: [CHR, undefined] }))).toBe(
				`${PREFIX}With a reference video, video character elements cannot be combined with image elements or reference images.` +
					' Or: With a reference video, Kling 3.0 Omni takes at most 1 video character element (there are 2).',
			);
			// Kling O1 with 8 references: too many as image elements, and a character is refused anyway.
			const o1 = omniCountProblem(inputs({ model: 'kling-video-o1', referenceImages: 7, elementKinds: unknown(1) }));
			expect(o1).toMatch(new RegExp(`^${PREFIX}`));
			expect(o1?.split(' Or: ')).toEqual([
				expect.stringMatching(/at most 7 \(there are 8: 7 images, 1 image elements\)/),
				expect.stringMatching(/Kling O1 takes only image elements/),
			]);
		});
	});

	it('puts the kind-independent rules first so their message is stable', () => {
		expect(countProblem(inputs({ model: 'kling-video-o1', firstFrame: true, endFrame: true }), 0, 1)).toMatch(/first and an end frame/);
		expect(countProblem(inputs({ firstFrame: true }), 0, 4)).toMatch(/With a first frame/);
	});
});

describe('omniVideoBodySchema', () => {
	const base = { model_name: 'kling-v3-omni', prompt: 'A harbour', mode: 'std', aspect_ratio: '16:9', duration: '5' };
	const problems = (body: object) => {
		const result = omniVideoBodySchema.safeParse({ ...base, ...body });
		return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
	};

	it('accepts a plain request and refuses each broken rule', () => {
		expect(problems({})).toEqual([]);
		expect(problems({ image_list: [{ image_url: 'https://x/e.png', type: 'end_frame' }] })).toEqual([expect.stringMatching(/^image_list has an end frame but no first frame/)]);
		expect(problems({ video_list: [{ video_url: 'https://x/v.mp4', refer_type: 'feature', keep_original_sound: 'yes' }], sound: 'on' })).toEqual(['sound must be Off when a reference video is given']);
		expect(problems({ model_name: 'kling-video-o1', mode: '4k' })).toContain('mode 4K needs the Kling 3.0 Omni model');
		expect(problems({ aspect_ratio: undefined })).toEqual([expect.stringMatching(/^aspect_ratio is required/)]);
		expect(problems({ aspect_ratio: undefined, image_list: [{ image_url: 'https://x/f.png', type: 'first_frame' }] })).toEqual([]);
		expect(problems({ duration: '16' })).toEqual(['duration must be 3 to 15 seconds for Kling 3.0 Omni (it is 16)']);
		expect(problems({ model_name: 'kling-video-o1', duration: '6' })).toEqual([expect.stringMatching(/must be 5 or 10 seconds for Kling O1 with only a prompt/)]);
		expect(problems({ element_list: [{ element_id: '835266081714884677' }], model_name: 'kling-video-o1', duration: '6' })).toEqual([]);
	});

	it('checks custom shots', () => {
		const shots = [{ index: 1, prompt: 'One', duration: '2' }, { index: 2, prompt: 'Two', duration: '3' }];
		expect(problems({ prompt: undefined, multi_shot: true, shot_type: 'customize', multi_prompt: shots })).toEqual([]);
		expect(problems({ prompt: undefined, multi_shot: true, shot_type: 'customize', multi_prompt: shots, duration: '6' })).toEqual([expect.stringMatching(/add up to 5 seconds/)]);
		expect(problems({ prompt: undefined, multi_shot: true, shot_type: 'intelligence' })).toEqual([expect.stringMatching(/^prompt is required/)]);
	});

	it('keeps motion control elements to kling-v3', () => {
		const body = { model_name: 'kling-v2-6', image_url: 'https://x/i.png', video_url: 'https://x/v.mp4', character_orientation: 'image', mode: 'std', keep_original_sound: 'yes' };
		expect(motionControlBodySchema.safeParse(body).success).toBe(true);
		expect(motionControlBodySchema.safeParse({ ...body, element_list: [{ element_id: '1' }] }).success).toBe(false);
	});
});
