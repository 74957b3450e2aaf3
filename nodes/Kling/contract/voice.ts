import { z } from 'zod';

import { idSchema } from './envelope';
import { httpUrlSchema, taskOptionsShape, urlExtension } from './request';
import { listOf, PRODUCTS, tasksOfPage, type TaskResult } from './task';

/** The account's voices (listed as their creation tasks) and Kling's official voices (§4). */
export const VOICE_LIBRARIES = { custom: PRODUCTS.voice.path, preset: '/v1/general/presets-voices' } as const;

export const VOICE_NAME_MAX = 20;
/** Voice lists allow larger pages than other lists (docs/kling-api.md §2, §4). */
export const VOICE_PAGE_SIZE_MAX = 1000;

/** Extensions that are clearly none of the mp3, wav, mp4 and mov files a voice is made from (§4). */
const NOT_VOICE_MEDIA = new Set(['jpg', 'jpeg', 'png', 'webp', 'gif', 'avi', 'webm', 'mkv', 'flv', 'wmv', 'm4a', 'aac', 'ogg', 'flac']);

/** Body of `POST /v1/general/custom-voices` (docs/kling-api.md §4): a name, and exactly one source. */
export const createVoiceBodySchema = z
	.object({
		voice_name: z.string().trim().min(1).max(VOICE_NAME_MAX),
		voice_url: httpUrlSchema.optional(),
		// A Kling video id: int64 digits, kept a string.
		video_id: z.string().regex(/^\d{1,20}$/, 'must be a Kling video ID such as 861734512008451201').optional(),
		...taskOptionsShape,
	})
	.superRefine((body, ctx) => {
		if ((body.voice_url === undefined) === (body.video_id === undefined)) {
			ctx.addIssue({ code: 'custom', path: ['voice_url'], message: 'or a video ID is required, and only one of them' });
		}
		const extension = body.voice_url && urlExtension(body.voice_url);
		if (extension && NOT_VOICE_MEDIA.has(extension)) {
			ctx.addIssue({ code: 'custom', path: ['voice_url'], message: `must point to MP3 or WAV audio, or an MP4 or MOV video, not .${extension}` });
		}
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
