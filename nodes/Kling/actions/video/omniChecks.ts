import type { IExecuteFunctions } from 'n8n-workflow';

import { elementKindOf } from '../../contract/element';
import { omniCountProblem } from '../../contract/omniRules';
import type { OmniVideoBody } from '../../contract/video';
import type { Picked } from '../shared/pickers';
import { translateElementMentions } from '../shared/prompt';
import { invalidInput } from '../shared/validate';

const COUNT_HINT = 'Kling limits how many elements and reference images one omni video takes; see the Elements and Images field descriptions.';

/**
 * The omni-video rules beyond the body's shape (§6.1): placeholders past the end of their list, `@Element Name`
 * mentions, and the count limits. Rules that depend on whether an element is an image element or a video character
 * are decided for every kind an element could be: the node refuses what is wrong whatever the kinds, and leaves the
 * rest to Kling, whose refusal costs nothing. Kinds are known only for elements a mention made the node look up.
 * Returns the body with mentions turned into placeholders.
 */
export async function applyOmniRules(this: IExecuteFunctions, body: OmniVideoBody, elements: Picked[], i: number): Promise<OmniVideoBody> {
	const shots = body.multi_prompt ?? [];
	const images = body.image_list ?? [];
	const prompts = [body.prompt ?? '', ...shots.map((shot) => shot.prompt)];
	// An omni video has no voice list: an element brings its own bound voice (§6.1).
	const counts = { element: elements.length, image: images.length, video: body.video_list?.length ?? 0, voice: null };
	const fields = ['the prompt', ...shots.map((_, n) => `Shots #${n + 1} → Prompt`)];
	const { texts, found } = await translateElementMentions.call(this, prompts, elements, i, counts, fields);
	const problem = omniCountProblem({
		model: body.model_name,
		firstFrame: images.some((image) => image.type === 'first_frame'),
		endFrame: images.some((image) => image.type === 'end_frame'),
		referenceImages: images.filter((image) => !image.type).length,
		hasVideo: Boolean(body.video_list?.length),
		elementKinds: elements.map((element) => (found.has(element.id) ? elementKindOf(found.get(element.id)!) : undefined)),
	});
	if (problem) throw invalidInput.call(this, problem, i, COUNT_HINT);
	const [prompt, ...shotPrompts] = texts;
	return { ...body, prompt: body.prompt === undefined ? undefined : prompt, multi_prompt: body.multi_prompt && shots.map((shot, n) => ({ ...shot, prompt: shotPrompts[n] })) };
}
