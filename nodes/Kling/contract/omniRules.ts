import type { ElementKind } from './element';
import type { OmniModel } from './video';

/**
 * The count limits of omni video (§6.1). Several depend on each element's kind (image element or video character),
 * which the node often does not know: `omniCountProblem` decides for every kind the unknown elements could be.
 */

export interface OmniInputs {
	model: OmniModel;
	firstFrame: boolean;
	endFrame: boolean;
	/** Images that are not frames. */
	referenceImages: number;
	/** A reference video of either kind (feature or base). */
	hasVideo: boolean;
	/** One entry per element, in order; undefined while the kind is not known. */
	elementKinds: Array<ElementKind | undefined>;
}

/** Why Kling refuses these counts whatever kind the unknown elements are; undefined when some kind is fine (Kling judges). */
export function omniCountProblem(inputs: OmniInputs): string | undefined {
	const knownImage = inputs.elementKinds.filter((kind) => kind === 'image_refer').length;
	const knownCharacter = inputs.elementKinds.filter((kind) => kind === 'video_refer').length;
	const unknown = inputs.elementKinds.length - knownImage - knownCharacter;
	// Only how many of the unknown elements are characters matters, so trying each count covers every case.
	const outcomes = new Set<string | undefined>();
	for (let characters = 0; characters <= unknown; characters++) {
		outcomes.add(countProblem(inputs, knownImage + unknown - characters, knownCharacter + characters));
	}
	if (outcomes.has(undefined)) return undefined;
	const messages = [...outcomes] as string[];
	return messages.length === 1 ? messages[0] : `Whatever kind the elements are, Kling refuses this: ${messages.join(' Or: ')}`;
}

/** The first broken limit for exact counts; rules that do not depend on kinds come first, so their message is stable. */
export function countProblem(inputs: OmniInputs, imageElements: number, characters: number): string | undefined {
	const o1 = inputs.model === 'kling-video-o1';
	const elements = imageElements + characters;
	const referencesAndImageElements = inputs.referenceImages + imageElements;

	if (o1 && inputs.firstFrame && inputs.endFrame && elements + inputs.referenceImages > 0) {
		return 'With a first and an end frame, Kling O1 takes no elements and no other reference images. Remove them, or drop the end frame.';
	}
	if (!o1 && inputs.firstFrame && elements > 3) {
		return `With a first frame, Kling 3.0 Omni takes at most 3 elements (there are ${elements}).`;
	}
	if (o1 && characters > 0) {
		return 'Kling O1 takes only image elements (made from images), not video character elements. Use Kling 3.0 Omni or pick image elements.';
	}
	const limit = inputs.hasVideo ? 4 : 7;
	if (referencesAndImageElements > limit) {
		return `Reference images plus image elements must be at most ${limit}${inputs.hasVideo ? ' with a reference video' : ''} (there are ${referencesAndImageElements}: ${inputs.referenceImages} images, ${imageElements} image elements).`;
	}
	if (o1) return undefined;
	if (!inputs.hasVideo) {
		if (characters > 3) return `Kling 3.0 Omni takes at most 3 video character elements (there are ${characters}).`;
		if (characters > 0 && imageElements > 0 && referencesAndImageElements > 4) {
			return `With video character elements, reference images plus image elements must be at most 4 (there are ${referencesAndImageElements}).`;
		}
		return undefined;
	}
	if (characters > 0 && referencesAndImageElements > 0) {
		return 'With a reference video, video character elements cannot be combined with image elements or reference images.';
	}
	if (characters > 1) return `With a reference video, Kling 3.0 Omni takes at most 1 video character element (there are ${characters}).`;
	return undefined;
}
