import { z } from 'zod';

import { idSchema } from './envelope';
import { mediaSchema as mediaValue } from './media';
import { taskOptionsShape } from './request';
import { listOf, PRODUCTS, tasksOfPage, type TaskResult } from './task';

/** The account's elements (listed as their creation tasks) and Kling's official presets (§3.3, §3.4). */
export const ELEMENT_LIBRARIES = {
	custom: PRODUCTS.element.path,
	preset: '/v1/general/advanced-presets-elements',
} as const;

export const ELEMENT_NAME_MAX = 20;
export const ELEMENT_DESCRIPTION_MAX = 100;
export const REFER_IMAGES_MAX = 3;

export const ELEMENT_TAGS = [
	{ id: 'o_101', name: 'Hottest' },
	{ id: 'o_102', name: 'Character' },
	{ id: 'o_103', name: 'Animal' },
	{ id: 'o_104', name: 'Item' },
	{ id: 'o_105', name: 'Costume' },
	{ id: 'o_106', name: 'Scene' },
	{ id: 'o_107', name: 'Effect' },
	{ id: 'o_108', name: 'Others' },
] as const;

const tagIds = ELEMENT_TAGS.map((tag) => tag.id) as [string, ...string[]];

/** Body of `POST /v1/general/advanced-custom-elements` (docs/kling-api.md §3.1). */
export const createElementBodySchema = z
	.object({
		element_name: z.string().trim().min(1).max(ELEMENT_NAME_MAX),
		element_description: z.string().trim().min(1).max(ELEMENT_DESCRIPTION_MAX),
		reference_type: z.enum(['image_refer', 'video_refer']),
		element_image_list: z
			.object({
				frontal_image: mediaValue,
				refer_images: z.array(z.object({ image_url: mediaValue })).min(1).max(REFER_IMAGES_MAX),
			})
			.optional(),
		element_video_list: z
			.object({ refer_videos: z.array(z.object({ video_url: z.string().trim().min(1) })).length(1) })
			.optional(),
		element_voice_id: z.string().min(1).optional(),
		tag_list: z.array(z.object({ tag_id: z.enum(tagIds) })).optional(),
		...taskOptionsShape,
	});

/** One element inside `task_result.elements[]` (docs/kling-api.md §3.2). */
export const elementSchema = z
	.object({
		element_id: idSchema,
		element_name: z.string().nullish(),
		element_description: z.string().nullish(),
		reference_type: z.string().nullish(),
		element_type: z.string().nullish(),
		element_image_list: z.record(z.unknown()).nullish(),
		element_video_list: z.record(z.unknown()).nullish(),
		element_voice_info: z
			.object({ voice_id: idSchema.nullish(), voice_name: z.string().nullish() })
			.passthrough()
			.nullish(),
		tag_list: z.array(z.unknown()).nullish(),
		owned_by: idSchema.nullish(),
		status: z.string().nullish(),
	})
	.passthrough();
export type KlingElement = z.infer<typeof elementSchema>;

/** `image_refer`: a multi-image element; `video_refer`: a video character element. */
export type ElementKind = 'image_refer' | 'video_refer';

const KINDS: Record<string, ElementKind> = {
	image_refer: 'image_refer',
	video_refer: 'video_refer',
	// The new standard's names (docs/kling-api.md §3.6).
	multi_image_elements: 'image_refer',
	video_character_elements: 'video_refer',
};

/**
 * An element's kind: Kling writes `reference_type`; two relays and a reseller write `element_type` (docs/kling-api.md
 * §3.2, UNCERTAIN). Undefined when neither names a known kind: callers must treat that as unknown, never as "fine".
 */
export function elementKindOf(element: KlingElement): ElementKind | undefined {
	return KINDS[element.reference_type ?? element.element_type ?? ''];
}

/**
 * The element a task produced. The contract's shape is `task_result.elements[0]`; one client reads a flat
 * `task_result.element_id` (UNCERTAIN in docs/kling-api.md §3.2), so that is accepted too.
 */
export function elementsOfTaskResult(taskResult: TaskResult): KlingElement[] {
	const list = listOf(elementSchema, taskResult?.elements);
	return list.length ? list : listOf(elementSchema, [taskResult]);
}

/** The elements on one page of a library: each listed task holds its element. */
export const elementsOfPage = (page: unknown): KlingElement[] =>
	tasksOfPage(page).flatMap((task) => elementsOfTaskResult(task.task_result));
