import { z } from 'zod';

import { mediaSchema } from './media';
import { elementListSchema, mediaTaskOptionsShape, PROMPT_MAX } from './request';
import type { TaskResult } from './task';

/** Images with elements (docs/kling-api.md §7a): Omni Image (O1, 3.0 Omni) and Kling 3.0 image generation. */

export const OMNI_IMAGE_MODELS = ['kling-image-o1', 'kling-v3-omni'] as const;
export type OmniImageModel = (typeof OMNI_IMAGE_MODELS)[number];
/** 4K and series exist for Kling 3.0 Omni only; Image O1 makes 1K and 2K single images. */
export const RESOLUTIONS: Record<OmniImageModel, readonly string[]> = {
	'kling-image-o1': ['1k', '2k'],
	'kling-v3-omni': ['1k', '2k', '4k'],
};
export const ASPECT_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '3:2', '2:3', '21:9'] as const;
/** Reference images plus elements, per request. */
export const IMAGE_REFERENCES_MAX = 10;
export const IMAGES_MAX = 9;

const countSchema = z.number().int().min(1).max(IMAGES_MAX);

/** Body of `POST /v1/images/omni-image` (§7a). */
export const omniImageBodySchema = z
	.object({
		model_name: z.enum(OMNI_IMAGE_MODELS),
		prompt: z.string().trim().min(1).max(PROMPT_MAX),
		image_list: z.array(z.object({ image: mediaSchema })).max(IMAGE_REFERENCES_MAX).optional(),
		element_list: elementListSchema(IMAGE_REFERENCES_MAX).optional(),
		resolution: z.enum(['1k', '2k', '4k']),
		result_type: z.enum(['single', 'series']),
		n: countSchema.optional(),
		series_amount: z.union([z.number().int().min(2).max(IMAGES_MAX), z.literal('auto')]).optional(),
		aspect_ratio: z.enum([...ASPECT_RATIOS, 'auto']),
		...mediaTaskOptionsShape,
	})
	.superRefine((body, ctx) => {
		const references = (body.image_list?.length ?? 0) + (body.element_list?.length ?? 0);
		if (references > IMAGE_REFERENCES_MAX) {
			ctx.addIssue({ code: 'custom', path: ['image_list'], message: `plus Elements must be at most ${IMAGE_REFERENCES_MAX} (there are ${references})` });
		}
		if (body.result_type === 'series' && body.model_name !== 'kling-v3-omni') {
			ctx.addIssue({ code: 'custom', path: ['result_type'], message: 'Series needs the Kling 3.0 Omni model' });
		}
		const resolutions = RESOLUTIONS[body.model_name];
		if (!resolutions.includes(body.resolution)) {
			ctx.addIssue({ code: 'custom', path: ['resolution'], message: `must be ${resolutions.join(', ').toUpperCase()} for this model (it is ${body.resolution.toUpperCase()})` });
		}
	});

/** Body of `POST /v1/images/generations` with `model_name: "kling-v3"` (§7a). */
export const imageGenerationBodySchema = z
	.object({
		model_name: z.literal('kling-v3'),
		prompt: z.string().trim().min(1).max(PROMPT_MAX),
		negative_prompt: z.string().max(PROMPT_MAX).optional(),
		image: mediaSchema.optional(),
		element_list: elementListSchema(IMAGE_REFERENCES_MAX).optional(),
		resolution: z.enum(['1k', '2k']),
		n: countSchema,
		aspect_ratio: z.enum(ASPECT_RATIOS),
		...mediaTaskOptionsShape,
	})
	.superRefine((body, ctx) => {
		if (body.image !== undefined && body.negative_prompt) {
			ctx.addIssue({ code: 'custom', path: ['negative_prompt'], message: 'cannot be used with a reference image. Remove one of them.' });
		}
		const references = (body.image === undefined ? 0 : 1) + (body.element_list?.length ?? 0);
		if (references > IMAGE_REFERENCES_MAX) {
			ctx.addIssue({ code: 'custom', path: ['element_list'], message: `plus the reference image must be at most ${IMAGE_REFERENCES_MAX} (there are ${references})` });
		}
	});

/** Concurrency slots an image task holds: one per image (§11), and for an `auto` series the most it may hold. */
export function imageSlots(body: { n?: unknown; result_type?: unknown; series_amount?: unknown }): number {
	if (body.result_type === 'series') return body.series_amount === 'auto' ? IMAGES_MAX : Number(body.series_amount) || 1;
	return Number(body.n) || 1;
}

const imageEntrySchema = z.object({ index: z.number().nullish(), url: z.string().nullish(), watermark_url: z.string().nullish() }).passthrough();

/** One image of a task's answer; `url` is absent when Kling's entry has none. */
export interface KlingImage {
	index: number;
	url?: string;
	watermarkUrl?: string;
}

/**
 * The images a task made (a series' `series_images`, or `images`), in index order. Entries are read one by one, so an
 * odd one is kept, without a URL, for the caller to count instead of hiding the others; one without an index keeps
 * its place in the list.
 */
export function imagesOfTaskResult(taskResult: TaskResult): KlingImage[] {
	const series = taskResult?.series_images;
	const list: unknown = Array.isArray(series) && series.length ? series : taskResult?.images;
	const images = (Array.isArray(list) ? list : []).map((entry: unknown, n): KlingImage => {
		const parsed = imageEntrySchema.safeParse(entry);
		const image = parsed.success ? parsed.data : {};
		return { index: image.index ?? n, url: image.url?.trim() || undefined, watermarkUrl: image.watermark_url ?? undefined };
	});
	return images.sort((a, b) => a.index - b.index);
}
