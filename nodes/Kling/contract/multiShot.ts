import { z } from 'zod';

import { mediaSchema as mediaValue } from './media';
import { taskOptionsShape } from './request';
import { listOf, type TaskResult } from './task';

/** Body of `POST /v1/general/ai-multi-shot` (docs/kling-api.md §3.8): one frontal image, Kling draws the other views. */
export const multiShotBodySchema = z.object({ element_frontal_image: mediaValue, ...taskOptionsShape });

/** One of the three candidate sets in `task_result.images[]`; each can feed an element's `refer_images`. */
const url = z.string().nullish();
export const viewSetSchema = z.object({ index: z.number(), url_1: url, url_2: url, url_3: url }).passthrough();
export type ViewSet = z.infer<typeof viewSetSchema>;

export const viewSetsOfTaskResult = (taskResult: TaskResult): ViewSet[] =>
	listOf(viewSetSchema, taskResult?.images).sort((a, b) => a.index - b.index);

/** The URLs of one candidate set, in order, without gaps. */
export function viewUrls(set: Pick<ViewSet, 'url_1' | 'url_2' | 'url_3'>): string[] {
	return [set.url_1, set.url_2, set.url_3].filter((url): url is string => typeof url === 'string' && url.length > 0);
}
