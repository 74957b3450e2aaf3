import { z } from 'zod';

import { idSchema } from './envelope';
import { mediaSchema as mediaValue } from './media';
import { elementListSchema, mediaTaskOptionsShape, PROMPT_MAX, secondsSchema, videoUrlSchema } from './request';
import { listOf, type TaskResult } from './task';

// ------------------------------------------------------------------------------------ motion control (§5)

export const MOTION_MODELS = ['kling-v2-6', 'kling-v3'] as const;
export const MOTION_ELEMENTS_MAX = 1;

/** Body of `POST /v1/videos/motion-control` (docs/kling-api.md §5). */
export const motionControlBodySchema = z
	.object({
		model_name: z.enum(MOTION_MODELS),
		prompt: z.string().max(PROMPT_MAX).optional(),
		image_url: mediaValue,
		video_url: videoUrlSchema,
		character_orientation: z.enum(['image', 'video']),
		mode: z.enum(['std', 'pro']),
		// A string, not a boolean, in Kling's contract.
		keep_original_sound: z.enum(['yes', 'no']),
		element_list: elementListSchema(MOTION_ELEMENTS_MAX).optional(),
		...mediaTaskOptionsShape,
	})
	.superRefine((body, ctx) => {
		if (body.element_list?.length && body.model_name !== 'kling-v3') {
			ctx.addIssue({ code: 'custom', path: ['element_list'], message: 'work only with the Kling 3.0 model (kling-v3)' });
		}
	});

// ------------------------------------------------------------------------------------ image to video (§7)

/** Elements on image-to-video need Kling 3.0, the only model this node offers there. */
export const IMAGE_TO_VIDEO_MODEL = 'kling-v3';
export const I2V_ELEMENTS_MAX = 3;
export const I2V_VOICES_MAX = 2;
export const I2V_DURATION = { min: 3, max: 15 } as const;

/** Body of `POST /v1/videos/image2video` with `model_name: "kling-v3"` (docs/kling-api.md §7). */
export const imageToVideoBodySchema = z
	.object({
		model_name: z.literal(IMAGE_TO_VIDEO_MODEL),
		image: mediaValue.optional(),
		image_tail: mediaValue.optional(),
		prompt: z.string().max(PROMPT_MAX).optional(),
		negative_prompt: z.string().max(PROMPT_MAX).optional(),
		element_list: elementListSchema(I2V_ELEMENTS_MAX).optional(),
		voice_list: z.array(z.object({ voice_id: z.string().trim().min(1) })).max(I2V_VOICES_MAX).optional(),
		sound: z.enum(['on', 'off']),
		mode: z.enum(['std', 'pro', '4k']),
		duration: secondsSchema,
		...mediaTaskOptionsShape,
	})
	.superRefine((body, ctx) => {
		if (body.element_list?.length && body.voice_list?.length) {
			ctx.addIssue({ code: 'custom', path: ['voice_list'], message: 'cannot be used together with elements. Remove the voices or the elements.' });
		}
		if (body.voice_list?.length && body.sound !== 'on') {
			ctx.addIssue({ code: 'custom', path: ['sound'], message: 'must be On when voices are given' });
		}
		checkSeconds(ctx, body.duration, I2V_DURATION, 'Kling 3.0');
	});

// ---------------------------------------------------------------------------------------- omni video (§6.1)

export const OMNI_MODELS = ['kling-video-o1', 'kling-v3-omni'] as const;
export type OmniModel = (typeof OMNI_MODELS)[number];
export const OMNI_MODEL_NAMES: Record<OmniModel, string> = { 'kling-video-o1': 'Kling O1', 'kling-v3-omni': 'Kling 3.0 Omni' };
export const OMNI_DURATION: Record<OmniModel, { min: number; max: number }> = {
	'kling-video-o1': { min: 3, max: 10 },
	'kling-v3-omni': { min: 3, max: 15 },
};
/** Reference images plus image elements never exceed 7, so neither list can be longer (§6.1). */
export const OMNI_ELEMENTS_MAX = 7;
/** 7 reference images plus a first and an end frame. */
export const OMNI_IMAGES_MAX = 9;
export const SHOTS_MAX = 6;
export const SHOT_PROMPT_MAX = 512;

const omniImageSchema = z.object({ image_url: mediaValue, type: z.enum(['first_frame', 'end_frame']).optional() });
const omniVideoSchema = z.object({
	video_url: videoUrlSchema,
	refer_type: z.enum(['feature', 'base']),
	keep_original_sound: z.enum(['yes', 'no']),
});
const shotSchema = z.object({
	index: z.number().int().min(1),
	prompt: z.string().trim().min(1).max(SHOT_PROMPT_MAX),
	duration: secondsSchema.refine((seconds) => Number(seconds) >= 1, 'must be at least 1 second'),
});

/** Body of `POST /v1/videos/omni-video` (docs/kling-api.md §6.1). Count limits by element kind: omniRules.ts. */
export const omniVideoBodySchema = z
	.object({
		model_name: z.enum(OMNI_MODELS),
		prompt: z.string().max(PROMPT_MAX).optional(),
		multi_shot: z.boolean().optional(),
		shot_type: z.enum(['customize', 'intelligence']).optional(),
		multi_prompt: z.array(shotSchema).min(1).max(SHOTS_MAX).optional(),
		image_list: z.array(omniImageSchema).max(OMNI_IMAGES_MAX).optional(),
		element_list: elementListSchema(OMNI_ELEMENTS_MAX).optional(),
		video_list: z.array(omniVideoSchema).max(1).optional(),
		sound: z.enum(['on', 'off']).optional(),
		mode: z.enum(['std', 'pro', '4k']),
		aspect_ratio: z.enum(['16:9', '9:16', '1:1']).optional(),
		duration: secondsSchema.optional(),
		...mediaTaskOptionsShape,
	})
	.superRefine((body, ctx) => {
		const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
		const customShots = body.multi_shot === true && body.shot_type === 'customize';
		if (!customShots && !body.prompt?.trim()) issue('prompt', 'is required (only Multi-Shot with custom shots goes without it)');
		if (customShots && !body.multi_prompt?.length) issue('multi_prompt', 'needs at least one shot');

		const frames = (body.image_list ?? []).map((image) => image.type).filter(Boolean);
		const firstFrames = frames.filter((type) => type === 'first_frame').length;
		const endFrames = frames.filter((type) => type === 'end_frame').length;
		const video = body.video_list?.[0];
		const baseEdit = video?.refer_type === 'base';
		if (firstFrames > 1 || endFrames > 1) issue('image_list', 'may hold at most one first frame and one end frame');
		if (endFrames > 0 && firstFrames === 0) issue('image_list', 'has an end frame but no first frame; add a first frame or use the image as a reference');
		if (frames.length > 0 && baseEdit) issue('image_list', 'cannot hold frames while a base video is edited; use the video as a feature reference or drop the frames');
		if (video && body.sound === 'on') issue('sound', 'must be Off when a reference video is given');
		if (body.mode === '4k' && body.model_name !== 'kling-v3-omni') issue('mode', '4K needs the Kling 3.0 Omni model');
		if (body.mode === '4k' && video) issue('mode', '4K is not available with a reference video');
		if (!body.aspect_ratio && firstFrames === 0 && !baseEdit) issue('aspect_ratio', 'is required without a first frame or a base video');

		// Only 3.0 Omni makes multi-shot videos, and not from a video it edits (§6.1): Kling would make, and charge
		// for, a single shot.
		if (body.multi_shot && body.model_name !== 'kling-v3-omni') issue('multi_shot', 'needs the Kling 3.0 Omni model; Kling O1 makes single-shot videos');
		if (body.multi_shot && baseEdit) issue('multi_shot', 'is not available while a base video is edited; turn it off or use the video as a feature reference');

		if (baseEdit) return; // the output keeps the input video's length; duration is not sent
		const range = OMNI_DURATION[body.model_name];
		checkSeconds(ctx, body.duration, range, OMNI_MODEL_NAMES[body.model_name]);
		const seconds = Number(body.duration ?? 5);
		const textOnly = !body.image_list?.length && !body.element_list?.length && !video;
		const firstFrameOnly = body.image_list?.length === 1 && firstFrames === 1 && !body.element_list?.length && !video;
		if (body.model_name === 'kling-video-o1' && (textOnly || firstFrameOnly) && seconds !== 5 && seconds !== 10) {
			issue('duration', `must be 5 or 10 seconds for Kling O1 with ${textOnly ? 'only a prompt' : 'only a first frame'}`);
		}
		if (customShots && body.multi_prompt?.length) {
			const total = body.multi_prompt.reduce((sum, shot) => sum + Number(shot.duration), 0);
			if (total !== seconds) issue('multi_prompt', `durations add up to ${total} seconds; they must add up to the Duration (${seconds})`);
		}
	});
export type OmniVideoBody = z.infer<typeof omniVideoBodySchema>;

function checkSeconds(ctx: z.RefinementCtx, value: string | undefined, range: { min: number; max: number }, model: string) {
	if (value === undefined || !/^\d+$/.test(value)) return;
	const seconds = Number(value);
	if (seconds < range.min || seconds > range.max) {
		ctx.addIssue({ code: 'custom', path: ['duration'], message: `must be ${range.min} to ${range.max} seconds for ${model} (it is ${seconds})` });
	}
}

// --------------------------------------------------------------------------------------------- results

/** One video inside `task_result.videos[]` (docs/kling-api.md §5, §6.1, §7). */
const videoResultSchema = z
	.object({
		id: idSchema,
		url: z.string(),
		watermark_url: z.string().nullish(),
		duration: z.union([z.string(), z.number()]).nullish(),
	})
	.passthrough();

export const videosOfTaskResult = (taskResult: TaskResult) => listOf(videoResultSchema, taskResult?.videos);

/** A length in seconds as the package outputs it: Kling sends `"5"` (legacy) or `5`; a number whenever it reads as one. */
export function secondsOf(duration: string | number | null | undefined): number | string | undefined {
	if (duration === undefined || duration === null || duration === '') return undefined;
	const seconds = Number(duration);
	return Number.isFinite(seconds) ? seconds : duration;
}
