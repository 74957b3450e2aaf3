import { z } from 'zod';

import { elementsOfTaskResult } from '../Kling/contract/element';
import { idSchema } from '../Kling/contract/envelope';
import { isFinal, isSucceeded } from '../Kling/contract/task';

/*
 * The two bodies Kling POSTs to a `callback_url` (kling-api.md §9.1). Ids are int64 values: parse the body with
 * parseJsonLossless first, so they arrive as exact strings; idSchema turns small numeric ids into strings too.
 * Result lists are read entry by entry, so one odd entry never hides the others (the raw body is kept anyway).
 */

const optionalString = z.string().nullish();
const optionalNumber = z.union([z.number(), z.string()]).nullish();

/** Legacy endpoints: the task object itself, as the query endpoint returns it. */
export const legacyCallbackSchema = z
	.object({
		task_id: idSchema,
		task_status: z.string(),
		task_status_msg: optionalString,
		created_at: optionalNumber,
		updated_at: optionalNumber,
		external_task_id: optionalString,
		task_info: z.object({ external_task_id: optionalString }).passthrough().nullish(),
		task_result: z.record(z.unknown()).nullish(),
	})
	.passthrough();

/** New-standard endpoints: `{ id, status, message, create_time, update_time, external_id, outputs[], billing[] }`. */
export const newCallbackSchema = z
	.object({
		id: idSchema,
		status: z.string(),
		message: optionalString,
		create_time: optionalNumber,
		update_time: optionalNumber,
		external_id: optionalString,
		outputs: z.array(z.unknown()).nullish(),
		billing: z.array(z.unknown()).nullish(),
	})
	.passthrough();

const legacyVideoSchema = z.object({ id: idSchema.nullish(), url: z.string(), duration: optionalNumber }).passthrough();
const legacyImageSchema = z
	.object({ index: z.number().nullish(), url: optionalString, url_1: optionalString, url_2: optionalString, url_3: optionalString })
	.passthrough();
const legacyVoiceSchema = z.object({ voice_id: idSchema }).passthrough();

const outputVideoSchema = z
	.object({ type: z.literal('video'), id: idSchema.nullish(), url: z.string(), watermark_url: optionalString, duration: optionalNumber })
	.passthrough();
const outputImageSchema = z
	.object({ type: z.literal('image'), url: z.string(), watermark_url: optionalString, group_id: idSchema.nullish() })
	.passthrough();
const outputAudioSchema = z
	.object({
		type: z.literal('audio'),
		id: idSchema.nullish(),
		mp3_url: optionalString,
		wav_url: optionalString,
		mp3_duration: optionalNumber,
		wav_duration: optionalNumber,
	})
	.passthrough();
const outputIdSchema = z.object({ type: z.enum(['voice', 'element']), id: idSchema }).passthrough();

export interface CallbackVideo {
	id?: string;
	url: string;
	/** As Kling sent it: legacy bodies give seconds as a string ("5.1"), the new standard may give a number. */
	duration?: number | string;
	watermarkUrl?: string;
}

export interface CallbackImage {
	url?: string;
	index?: number;
	watermarkUrl?: string;
	groupId?: string;
	/** AI multi-shot results carry three candidate views per entry instead of one `url`. */
	urls?: string[];
}

export interface CallbackAudio {
	id?: string;
	mp3Url?: string;
	wavUrl?: string;
	mp3Duration?: number | string;
	wavDuration?: number | string;
}

/** One callback, whichever body shape it came in, flattened; every id is a string. */
export interface NormalisedCallback {
	taskId: string;
	externalTaskId?: string;
	/** As sent: `submitted`, `processing`, `succeed` (legacy) or `succeeded` (new), `failed`. */
	status: string;
	succeeded: boolean;
	final: boolean;
	message: string;
	createdAt?: number | string;
	updatedAt?: number | string;
	videos: CallbackVideo[];
	images: CallbackImage[];
	audios: CallbackAudio[];
	elementIds: string[];
	voiceIds: string[];
	shape: 'legacy' | 'new';
	/** The parsed body as received. */
	raw?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** The entries of `list` that match `schema`, mapped; anything else is skipped. */
function entries<S extends z.ZodTypeAny, T>(list: unknown, schema: S, map: (entry: z.infer<S>) => T): T[] {
	if (!Array.isArray(list)) return [];
	const out: T[] = [];
	for (const entry of list) {
		const parsed = schema.safeParse(entry);
		if (parsed.success) out.push(map(parsed.data));
	}
	return out;
}

const orUndefined = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

/** `legacy` when the body has `task_id`/`task_status`, `new` when it has `id`/`status`; undefined otherwise. */
export function callbackShapeOf(body: unknown): 'legacy' | 'new' | undefined {
	if (!isRecord(body)) return undefined;
	if ('task_id' in body || 'task_status' in body) return 'legacy';
	if ('id' in body && 'status' in body) return 'new';
	return undefined;
}

/**
 * Turns a callback body (or a task read back from Kling, which has the same shape) into one flat object.
 * Undefined when the body is neither shape, or a shape with its required fields missing or mistyped.
 */
export function normaliseCallback(body: unknown): NormalisedCallback | undefined {
	const shape = callbackShapeOf(body);
	if (shape === 'legacy') return normaliseLegacy(body);
	if (shape === 'new') return normaliseNew(body);
	return undefined;
}

function normaliseLegacy(body: unknown): NormalisedCallback | undefined {
	const parsed = legacyCallbackSchema.safeParse(body);
	if (!parsed.success) return undefined;
	const task = parsed.data;
	const result = task.task_result ?? {};
	return {
		taskId: task.task_id,
		externalTaskId: orUndefined(task.task_info?.external_task_id ?? task.external_task_id),
		status: task.task_status,
		succeeded: isSucceeded(task.task_status),
		final: isFinal(task.task_status),
		message: task.task_status_msg ?? '',
		createdAt: orUndefined(task.created_at),
		updatedAt: orUndefined(task.updated_at),
		videos: entries(result.videos, legacyVideoSchema, (video) => ({
			id: orUndefined(video.id),
			url: video.url,
			duration: orUndefined(video.duration),
		})),
		images: entries(result.images, legacyImageSchema, (image) => {
			const urls = [image.url_1, image.url_2, image.url_3].filter((url): url is string => !!url);
			return { url: orUndefined(image.url), index: orUndefined(image.index), urls: urls.length ? urls : undefined };
		}),
		audios: [],
		// Not documented for callbacks (kling-api.md §9.1), but read when present: element and voice tasks. Elements
		// are read the way the Kling node reads a queried task, so a flat `task_result.element_id` counts too.
		elementIds: elementsOfTaskResult(result).map((element) => element.element_id),
		voiceIds: entries(result.voices, legacyVoiceSchema, (voice) => voice.voice_id),
		shape: 'legacy',
		raw: body,
	};
}

function normaliseNew(body: unknown): NormalisedCallback | undefined {
	const parsed = newCallbackSchema.safeParse(body);
	if (!parsed.success) return undefined;
	const task = parsed.data;
	const outputs = task.outputs ?? [];
	const ids = (type: 'voice' | 'element') =>
		entries(outputs, outputIdSchema, (output) => output).filter((output) => output.type === type).map((output) => output.id);
	return {
		taskId: task.id,
		externalTaskId: orUndefined(task.external_id),
		status: task.status,
		succeeded: isSucceeded(task.status),
		final: isFinal(task.status),
		message: task.message ?? '',
		createdAt: orUndefined(task.create_time),
		updatedAt: orUndefined(task.update_time),
		videos: entries(outputs, outputVideoSchema, (video) => ({
			id: orUndefined(video.id),
			url: video.url,
			duration: orUndefined(video.duration),
			watermarkUrl: orUndefined(video.watermark_url),
		})),
		images: entries(outputs, outputImageSchema, (image) => ({
			url: image.url,
			watermarkUrl: orUndefined(image.watermark_url),
			groupId: orUndefined(image.group_id),
		})),
		audios: entries(outputs, outputAudioSchema, (audio) => ({
			id: orUndefined(audio.id),
			mp3Url: orUndefined(audio.mp3_url),
			wavUrl: orUndefined(audio.wav_url),
			mp3Duration: orUndefined(audio.mp3_duration),
			wavDuration: orUndefined(audio.wav_duration),
		})),
		elementIds: ids('element'),
		voiceIds: ids('voice'),
		shape: 'new',
		raw: body,
	};
}
