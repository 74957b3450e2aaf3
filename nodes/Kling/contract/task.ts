import { z } from 'zod';

import { idSchema } from './envelope';

/** `succeed` is the legacy spelling, `succeeded` the new standard's (docs/kling-api.md §8): accept both. */
export const isSucceeded = (status: string) => status === 'succeed' || status === 'succeeded';
export const isFinal = (status: string) => isSucceeded(status) || status === 'failed';

/** The legacy task object returned by create, query and list (docs/kling-api.md §2). Unknown keys are kept. */
export const taskSchema = z
	.object({
		task_id: idSchema,
		task_status: z.string(),
		task_status_msg: z.string().nullish(),
		task_info: z.object({ external_task_id: z.string().nullish() }).passthrough().nullish(),
		task_result: z.record(z.unknown()).nullish(),
		final_unit_deduction: z.union([z.string(), z.number()]).nullish(),
		created_at: z.number().nullish(),
		updated_at: z.number().nullish(),
	})
	.passthrough();
export type KlingTask = z.infer<typeof taskSchema>;
export type TaskResult = KlingTask['task_result'];

/** A list in a task's result, read with `schema`; empty when the list is missing or holds an odd entry. */
export function listOf<T extends z.ZodTypeAny>(schema: T, list: unknown): Array<z.output<T>> {
	const parsed = z.array(schema).safeParse(list);
	return parsed.success ? parsed.data : [];
}

/** The largest `pageSize` a list takes (§2); voice lists take more (VOICE_PAGE_SIZE_MAX). */
export const PAGE_SIZE_MAX = 500;

/** The tasks of a list page, read one by one so that an odd entry hides only itself. */
export const tasksOfPage = (page: unknown): KlingTask[] =>
	(Array.isArray(page) ? page : []).flatMap((entry) => listOf(taskSchema, [entry]));

/**
 * The asynchronous Kling products. Each has a create path, and a query (`{path}/{id}`) and list (`{path}?pageNum=`)
 * on the same path (§12): there is no "get any task" endpoint.
 */
export interface TaskProduct {
	/** Singular noun for messages: "Kling could not create the element". */
	noun: string;
	path: string;
	/** The operation that reads its tasks, for messages: "fetch it later with Video → Get". */
	readWith: string;
}

/** Elements and voices first, AI multi-shot last: the Kling Trigger looks for a task in this order. */
export const PRODUCTS = {
	element: { noun: 'element', path: '/v1/general/advanced-custom-elements', readWith: 'Element → Get Creation Task' },
	voice: { noun: 'voice', path: '/v1/general/custom-voices', readWith: 'Voice → Get Creation Task' },
	omniVideo: { noun: 'video', path: '/v1/videos/omni-video', readWith: 'Video → Get' },
	imageToVideo: { noun: 'video', path: '/v1/videos/image2video', readWith: 'Video → Get' },
	motionControl: { noun: 'video', path: '/v1/videos/motion-control', readWith: 'Video → Get' },
	omniImage: { noun: 'images', path: '/v1/images/omni-image', readWith: 'Image → Get' },
	imageGeneration: { noun: 'images', path: '/v1/images/generations', readWith: 'Image → Get' },
	multiShot: { noun: 'set of element views', path: '/v1/general/ai-multi-shot', readWith: 'Element → Get Generated Views' },
} satisfies Record<string, TaskProduct>;

export type ProductKey = keyof typeof PRODUCTS;
