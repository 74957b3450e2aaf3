import { z } from 'zod';

/** Pieces several create bodies share (docs/kling-api.md §2, §5, §6.1, §7). */

/** Whether `value` is an http(s) address with a host: Kling fetches media itself, so nothing else can work. */
export function isHttpUrl(value: string): boolean {
	try {
		const { protocol, hostname } = new URL(value);
		return (protocol === 'http:' || protocol === 'https:') && Boolean(hostname);
	} catch {
		return false;
	}
}

export const httpUrlSchema = z.string().trim().min(1).refine(isHttpUrl, 'must be an http(s) URL');

/**
 * The extension of an http(s) URL's path, lower case; undefined when it has none. URLs often carry none (signed
 * links), so an operation refuses only an extension that is clearly of another kind of file.
 */
export function urlExtension(url: string): string | undefined {
	return isHttpUrl(url) ? /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase() : undefined;
}

/** Extensions that are clearly not an MP4 or MOV video, the only reference videos Kling takes (§3.1, §5, §6.1). */
const NOT_A_VIDEO = new Set(['avi', 'webm', 'mkv', 'flv', 'wmv', 'gif', 'jpg', 'jpeg', 'png', 'webp', 'mp3', 'wav', 'm4a']);
/** Extensions that are clearly not a JPEG or PNG, the only images Kling takes (§3.1, §5, §6.1, §7). */
const NOT_AN_IMAGE = new Set(['webp', 'gif', 'heic', 'heif', 'avif', 'bmp', 'tif', 'tiff', 'svg', 'ico', 'psd', 'pdf', 'mp4', 'mov', 'avi', 'webm', 'mkv', 'mp3', 'wav', 'm4a']);
/** Extensions that are clearly none of the mp3, wav, mp4 and mov files a voice is made from (§4). */
const NOT_VOICE_MEDIA = new Set(['jpg', 'jpeg', 'png', 'webp', 'gif', 'avi', 'webm', 'mkv', 'flv', 'wmv', 'm4a', 'aac', 'ogg', 'flac']);

/** What is wrong with a URL whose extension is one of `others`, clearly not the `wanted` kind of file; undefined otherwise. */
function otherFileProblem(url: string, others: Set<string>, wanted: string): string | undefined {
	const extension = urlExtension(url);
	return extension && others.has(extension) ? `must point to ${wanted} file, not .${extension}` : undefined;
}

/** What is wrong with a reference video's URL whose extension is clearly of another kind of file; undefined otherwise. */
export const notAVideoProblem = (url: string) => otherFileProblem(url, NOT_A_VIDEO, 'an MP4 or MOV');

/** The same for an image's URL: a path ending in, say, .webp would only be refused by Kling when the task is created. */
export const notAnImageProblem = (url: string) => otherFileProblem(url, NOT_AN_IMAGE, 'a JPEG or PNG');

/** The same for a voice's audio or video. */
export const notVoiceMediaProblem = (url: string) => otherFileProblem(url, NOT_VOICE_MEDIA, 'an MP3, WAV, MP4 or MOV');

export const videoUrlSchema = httpUrlSchema.superRefine((url, ctx) => {
	const problem = notAVideoProblem(url);
	if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** Element ids are int64 digits, kept as strings in the node and written as bare integers into a body (§2). */
const INT64_MAX = BigInt('9223372036854775807');
const ELEMENT_ID_MESSAGE = 'must be an element ID such as 835266081714884677';
/** A JSON integer: no leading zero, which would make the body invalid JSON once written bare. */
export const ELEMENT_ID_PATTERN = /^(0|[1-9]\d{0,18})$/;
export const elementIdSchema = z
	.string()
	.regex(ELEMENT_ID_PATTERN, ELEMENT_ID_MESSAGE)
	.refine((id) => !ELEMENT_ID_PATTERN.test(id) || BigInt(id) <= INT64_MAX, ELEMENT_ID_MESSAGE);

/**
 * A string `element_id` in `JSON.stringify` output. A key there is only ever preceded by `{` or `,`, never inside a
 * string value, where its quotes would be escaped.
 */
const STRING_ELEMENT_ID = /([{,])"element_id":"(\d{1,20})"/g;

export const hasStringElementIds = (json: string): boolean => json.search(STRING_ELEMENT_ID) >= 0;

/**
 * The same JSON text with every string `element_id` written as a bare integer with all its digits, which
 * `JSON.stringify` cannot do: Kling types `element_list[].element_id` as `long` (docs/kling-api.md §2, revised 2026-12).
 */
export const withBareElementIds = (json: string): string => json.replace(STRING_ELEMENT_ID, '$1"element_id":$2');

export const elementListSchema = (max: number) => z.array(z.object({ element_id: elementIdSchema })).max(max);

/** Durations are strings of whole seconds in the legacy API ("5"), never numbers. */
export const secondsSchema = z.string().regex(/^(0|[1-9]\d?)$/, 'must be a whole number of seconds, e.g. "5"');

/** The options every create accepts. */
export const taskOptionsShape = {
	callback_url: z.string().url().optional(),
	external_task_id: z.string().min(1).optional(),
};

/** The options of the creates that make images or videos, which Kling can watermark. */
export const mediaTaskOptionsShape = {
	watermark_info: z.object({ enabled: z.boolean() }).optional(),
	...taskOptionsShape,
};

export const PROMPT_MAX = 2500;
