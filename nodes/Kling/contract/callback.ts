import { z } from 'zod';

import { elementsOfTaskResult } from './element';
import { idSchema } from './envelope';
import { viewUrls } from './multiShot';
import { isFinal, isSucceeded, taskSchema } from './task';
import { secondsOf } from './video';

/*
 * The two bodies Kling POSTs to a `callback_url` (docs/kling-api.md §9.1), flattened into one shape with every id a
 * string (parse the body with parseJsonLossless first, so int64 ids arrive exact). Result lists are read entry by
 * entry, so one odd entry never hides the others; the raw body is kept too.
 */

const text = z.string().nullish();
const numberOrText = z.union([z.number(), z.string()]).nullish();

/** Legacy endpoints: the task object itself, as the query endpoint returns it; a callback is read more leniently. */
const legacySchema = taskSchema.extend({ task_status_msg: text, created_at: numberOrText, updated_at: numberOrText, external_task_id: text, final_unit_deduction: z.unknown() });

/** New-standard endpoints: `{ id, status, message, create_time, update_time, external_id, outputs[], billing[] }` (§8). */
const newSchema = z
	.object({ id: idSchema, status: z.string(), message: text, create_time: numberOrText, update_time: numberOrText, external_id: text, outputs: z.array(z.unknown()).nullish() })
	.passthrough();

const videoSchema = z.object({ id: idSchema.nullish(), url: z.string(), duration: numberOrText, watermark_url: text }).passthrough();
const imageSchema = z
	.object({ index: z.number().nullish(), url: text, url_1: text, url_2: text, url_3: text, watermark_url: text, group_id: idSchema.nullish() })
	.passthrough();
const audioSchema = z.object({ id: idSchema.nullish(), mp3_url: text, wav_url: text, mp3_duration: numberOrText, wav_duration: numberOrText }).passthrough();
const idOnlySchema = z.object({ id: idSchema }).passthrough();

const defined = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

/** The entries of `list` that match `schema` (and, for new-standard outputs, have `type`), mapped. */
function entries<S extends z.ZodTypeAny, T>(list: unknown, schema: S, map: (entry: z.infer<S>) => T, type?: string): T[] {
	if (!Array.isArray(list)) return [];
	return list.flatMap((entry) => {
		if (type && (entry as { type?: unknown })?.type !== type) return [];
		const parsed = schema.safeParse(entry);
		return parsed.success ? [map(parsed.data)] : [];
	});
}

const toVideo = (video: z.infer<typeof videoSchema>) => ({ id: defined(video.id), url: video.url, duration: secondsOf(video.duration), watermarkUrl: defined(video.watermark_url) });
type ImageEntry = z.infer<typeof imageSchema>;
const toImage = (image: ImageEntry) => ({ url: defined(image.url), index: defined(image.index), watermarkUrl: defined(image.watermark_url), groupId: defined(image.group_id) });
// AI multi-shot results carry three candidate views per entry instead of one `url`: output as the node's `views`.
const isViewSet = (image: ImageEntry) => viewUrls(image).length > 0;
const toAudio = (audio: z.infer<typeof audioSchema>) => ({
	id: defined(audio.id),
	mp3Url: defined(audio.mp3_url),
	wavUrl: defined(audio.wav_url),
	mp3Duration: secondsOf(audio.mp3_duration),
	wavDuration: secondsOf(audio.wav_duration),
});

/** One callback, whichever body shape it came in; every id a string. */
export interface NormalisedCallback {
	taskId: string;
	externalTaskId?: string;
	/** As sent: `submitted`, `processing`, `succeed` (legacy) or `succeeded` (new), `failed`. */
	status: string;
	succeeded: boolean;
	final: boolean;
	/** Kling's words on the status (a failed task's reason), named as the Kling node's outputs name it. */
	statusMessage: string;
	createdAt?: number | string;
	updatedAt?: number | string;
	videos: Array<ReturnType<typeof toVideo>>;
	images: Array<ReturnType<typeof toImage>>;
	/** Generated views (AI multi-shot): one list of URLs per candidate set, in index order, as Get Generated Views outputs them. */
	views: string[][];
	audios: Array<ReturnType<typeof toAudio>>;
	elementIds: string[];
	voiceIds: string[];
	shape: 'legacy' | 'new';
	/** The parsed body as received. */
	raw: unknown;
}

const statusOf = (status: string) => ({ status, succeeded: isSucceeded(status), final: isFinal(status) });

/**
 * A callback body (or a task read back from Kling, which has the same shape) as one flat object: legacy when it has
 * `task_id`/`task_status`, new-standard when it has `id`/`status`. Undefined when it is neither, or lacks their fields.
 */
export function normaliseCallback(body: unknown): NormalisedCallback | undefined {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
	if ('task_id' in body || 'task_status' in body) {
		const parsed = legacySchema.safeParse(body);
		if (!parsed.success) return undefined;
		const task = parsed.data;
		const result = task.task_result ?? {};
		// A series' images come as `series_images`, next to an empty `images` (§7a).
		const images = entries(Array.isArray(result.series_images) && result.series_images.length ? result.series_images : result.images, imageSchema, (image) => image);
		return {
			taskId: task.task_id,
			externalTaskId: defined(task.task_info?.external_task_id ?? task.external_task_id),
			...statusOf(task.task_status),
			statusMessage: task.task_status_msg ?? '',
			createdAt: defined(task.created_at),
			updatedAt: defined(task.updated_at),
			videos: entries(result.videos, videoSchema, toVideo),
			images: images.filter((image) => !isViewSet(image)).map(toImage),
			views: images.filter(isViewSet).sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).map(viewUrls),
			audios: [],
			// Not documented for callbacks (§9.1), but read when present, as a queried element task is read.
			elementIds: elementsOfTaskResult(result).map((element) => element.element_id),
			voiceIds: entries(result.voices, z.object({ voice_id: idSchema }).passthrough(), (voice) => voice.voice_id),
			shape: 'legacy',
			raw: body,
		};
	}
	const parsed = newSchema.safeParse(body);
	if (!parsed.success) return undefined;
	const task = parsed.data;
	return {
		taskId: task.id,
		externalTaskId: defined(task.external_id),
		...statusOf(task.status),
		statusMessage: task.message ?? '',
		createdAt: defined(task.create_time),
		updatedAt: defined(task.update_time),
		videos: entries(task.outputs, videoSchema, toVideo, 'video'),
		images: entries(task.outputs, imageSchema, toImage, 'image'),
		views: [],
		audios: entries(task.outputs, audioSchema, toAudio, 'audio'),
		elementIds: entries(task.outputs, idOnlySchema, (output) => output.id, 'element'),
		voiceIds: entries(task.outputs, idOnlySchema, (output) => output.id, 'voice'),
		shape: 'new',
		raw: body,
	};
}

/** Whether the callback carries any result: an image, video, view set, audio, element ID or voice ID. */
export const hasResult = ({ videos, images, views, audios, elementIds, voiceIds }: NormalisedCallback): boolean =>
	[videos, images, views, audios, elementIds, voiceIds].some((list) => list.length > 0);
