import type { IExecuteFunctions } from 'n8n-workflow';

import { elementKindOf } from '../../contract/element';
import { checkOmniCounts, type OmniInputs } from '../../contract/omniRules';
import type { OmniVideoBody } from '../../contract/video';
import { findInLibraries } from '../shared/library';
import type { Picked } from '../shared/pickers';
import { hasMentions, placeholderProblem, translateMentions } from '../shared/prompt';
import { invalidInput } from '../shared/validate';

const COUNT_HINT = 'Kling limits how many elements and reference images one omni video takes; see the Elements and Images field descriptions.';

/**
 * The omni-video rules beyond the body's shape (§6.1): placeholders past the end of their list, `@Element Name`
 * mentions, and the count limits. Rules that depend on whether an element is an image element or a video character
 * are decided for every kind an element could be: the node refuses what is wrong whatever the kinds, and leaves the
 * rest to Kling, whose refusal costs nothing. The element lists are read only when a mention names an element the
 * picker did not name; the kinds found then are used too.
 *
 * Returns the body with mentions turned into placeholders.
 */
export async function applyOmniRules(this: IExecuteFunctions, body: OmniVideoBody, elements: Picked[], i: number): Promise<OmniVideoBody> {
	const texts = [body.prompt, ...(body.multi_prompt ?? []).map((shot) => shot.prompt)].filter((text): text is string => Boolean(text));
	const images = body.image_list ?? [];
	for (const text of texts) {
		const problem = placeholderProblem(text, { element: elements.length, image: images.length, video: body.video_list?.length ?? 0 });
		if (problem) throw invalidInput.call(this, problem, i);
	}
	const mentions = elements.length > 0 && texts.some(hasMentions);
	const unnamed = elements.filter((element) => !element.name).map((element) => element.id);
	const found = mentions && unnamed.length ? await findInLibraries(this, 'element', unnamed) : new Map();

	const inputs: OmniInputs = {
		model: body.model_name,
		firstFrame: images.some((image) => image.type === 'first_frame'),
		endFrame: images.some((image) => image.type === 'end_frame'),
		referenceImages: images.filter((image) => !image.type).length,
		hasVideo: Boolean(body.video_list?.length),
		elementKinds: elements.map((element) => (found.has(element.id) ? elementKindOf(found.get(element.id)) : undefined)),
	};
	const verdict = checkOmniCounts(inputs);
	if (verdict.verdict === 'invalid') throw invalidInput.call(this, verdict.message, i, COUNT_HINT);
	if (!mentions) return body;

	const names = elements.map((element) => element.name ?? found.get(element.id)?.element_name ?? undefined);
	const translate = (text: string) => {
		const result = translateMentions(text, names);
		if ('problem' in result) throw invalidInput.call(this, result.problem, i);
		return result.text;
	};
	return {
		...body,
		prompt: body.prompt === undefined ? undefined : translate(body.prompt),
		multi_prompt: body.multi_prompt?.map((shot) => ({ ...shot, prompt: translate(shot.prompt) })),
	};
}
