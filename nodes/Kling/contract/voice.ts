import { z } from 'zod';

import { idSchema } from './envelope';
import { httpUrlSchema, notVoiceMediaProblem, taskOptionsShape } from './request';
import { listOf, PRODUCTS, tasksOfPage, type TaskResult } from './task';

/** The account's voices (listed as their creation tasks) and Kling's official voices (§4). */
export const VOICE_LIBRARIES = { custom: PRODUCTS.voice.path, preset: '/v1/general/presets-voices' } as const;

export const VOICE_NAME_MAX = 20;
/** Voice lists allow larger pages than other lists (docs/kling-api.md §2, §4). */
export const VOICE_PAGE_SIZE_MAX = 1000;

/** Body of `POST /v1/general/custom-voices` (docs/kling-api.md §4): a name, and exactly one source. */
export const createVoiceBodySchema = z
	.object({
		voice_name: z.string().trim().min(1).max(VOICE_NAME_MAX),
		voice_url: httpUrlSchema.optional(),
		// A Kling video id, kept a string: digits today, though answers of older tasks and relays show UUIDs (§4).
		video_id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a Kling video ID such as 861734512008451201 (the videoId of a Video create or Get)').optional(),
		...taskOptionsShape,
	})
	.superRefine((body, ctx) => {
		const problem = body.voice_url && notVoiceMediaProblem(body.voice_url);
		if (problem) ctx.addIssue({ code: 'custom', path: ['voice_url'], message: problem });
	});

/** One voice inside `task_result.voices[]` (docs/kling-api.md §4). */
export const voiceSchema = z
	.object({
		voice_id: idSchema,
		voice_name: z.string().nullish(),
		trial_url: z.string().nullish(),
		owned_by: idSchema.nullish(),
	})
	.passthrough();
export type KlingVoice = z.infer<typeof voiceSchema>;

export const voicesOfTaskResult = (taskResult: TaskResult): KlingVoice[] => listOf(voiceSchema, taskResult?.voices);

/** The voices on one page of a library: each listed task holds its voice. */
export const voicesOfPage = (page: unknown): KlingVoice[] =>
	tasksOfPage(page).flatMap((task) => voicesOfTaskResult(task.task_result));
