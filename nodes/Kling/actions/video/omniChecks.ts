import type { IExecuteFunctions } from 'n8n-workflow';

import { checkOmniCounts, type OmniInputs } from '../../contract/omniRules';
import type { OmniVideoBody as OmniBody } from '../../contract/video';
import { lookupElements, type ElementFacts } from '../../helpers/elementCatalog';
import { invalidInput } from '../../helpers/validation';
import type { PickedElement } from '../common/elementList';
import { hasMentions, placeholderProblem, translateMentions } from './promptReferences';

/**
 * The omni-video rules that go beyond the body's shape (kling-api.md §6.1): placeholders that point past
 * their list, `@Element Name` mentions, and the count limits. Everything that can be decided locally is
 * decided before any request; the element lists are read only when a mention needs a name or a count rule
 * depends on the elements' kinds. An element found in neither list is left for Kling to judge.
 *
 * Returns the body with mentions translated into placeholders.
 */
export async function applyOmniRules(this: IExecuteFunctions, body: OmniBody, elements: PickedElement[], i: number): Promise<OmniBody> {
	const images = body.image_list ?? [];
	const counts = { element: elements.length, image: images.length, video: body.video_list?.length ?? 0 };
	for (const text of promptTexts(body)) {
		const problem = placeholderProblem(text, counts);
		if (problem) throw invalidInput.call(this, problem, i);
	}

	const inputs: OmniInputs = {
		model: body.model_name,
		firstFrame: images.some((image) => image.type === 'first_frame'),
		endFrame: images.some((image) => image.type === 'end_frame'),
		referenceImages: images.filter((image) => !image.type).length,
		hasVideo: Boolean(body.video_list?.length),
		elementKinds: elements.map(() => undefined),
	};
	let verdict = checkOmniCounts(inputs);
	if (verdict.verdict === 'invalid') throw invalidInput.call(this, verdict.message, i, COUNT_HINT);

	const mentions = elements.length > 0 && promptTexts(body).some(hasMentions);
	const unnamed = elements.filter((element) => !element.name).map((element) => element.id);
	let facts = new Map<string, ElementFacts>();
	if (verdict.verdict === 'dependsOnKinds' || (mentions && unnamed.length)) {
		facts = await lookupElements.call(this, elements.map((element) => element.id));
	}
	if (verdict.verdict === 'dependsOnKinds') {
		verdict = checkOmniCounts({ ...inputs, elementKinds: elements.map((element) => facts.get(element.id)?.kind) });
		if (verdict.verdict === 'invalid') throw invalidInput.call(this, verdict.message, i, COUNT_HINT);
	}
	if (!mentions) return body;

	const names = elements.map((element) => element.name ?? facts.get(element.id)?.name);
	const translate = (text: string | undefined) => {
		if (text === undefined) return undefined;
		const result = translateMentions(text, names);
		if ('problem' in result) throw invalidInput.call(this, result.problem, i);
		return result.text;
	};
	return {
		...body,
		prompt: translate(body.prompt),
		multi_prompt: body.multi_prompt?.map((shot) => ({ ...shot, prompt: translate(shot.prompt) as string })),
	};
}

const COUNT_HINT = 'Kling limits how many elements and reference images one omni video takes; see the Elements and Images field descriptions.';

function promptTexts(body: OmniBody): string[] {
	return [body.prompt, ...(body.multi_prompt ?? []).map((shot) => shot.prompt)].filter((text): text is string => Boolean(text));
}
