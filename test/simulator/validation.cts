import { inspectImage } from './media.cts';

export type Body = Record<string, unknown>;

/** An error answered with the legacy envelope; handlers throw it and the server turns it into a response. */
export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: number,
		message: string,
	) {
		super(message);
	}
}

/** Kling's "invalid parameter key or value": the message always names the field so clients can surface it. */
export function paramError(message: string): ApiError {
	return new ApiError(400, 1201, message);
}

export function isObject(value: unknown): value is Body {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Characters as a user counts them (code points), not UTF-16 units. */
function length(text: string): number {
	return [...text].length;
}

/** Optional string; the vendor's own examples send "" for unused fields, so "" counts as absent. */
export function optString(value: unknown, field: string, max?: number): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'string') throw paramError(`${field} must be a string`);
	if (max !== undefined && length(value) > max) throw paramError(`${field} must be at most ${max} characters`);
	return value;
}

export function reqString(value: unknown, field: string, max?: number): string {
	const text = optString(value, field, max);
	if (text === undefined || text.trim() === '') throw paramError(`${field} is required`);
	return text;
}

export function optEnum<T extends string>(value: unknown, field: string, allowed: readonly T[]): T | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
		throw paramError(`${field} must be one of: ${allowed.join(', ')}`);
	}
	return value as T;
}

export function reqEnum<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
	const result = optEnum(value, field, allowed);
	if (result === undefined) throw paramError(`${field} is required (one of: ${allowed.join(', ')})`);
	return result;
}

export function optBool(value: unknown, field: string): boolean | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'boolean') throw paramError(`${field} must be a boolean`);
	return value;
}

export function optArray(value: unknown, field: string, min: number, max: number): unknown[] | undefined {
	if (value === undefined || value === null) return undefined;
	if (!Array.isArray(value)) throw paramError(`${field} must be an array`);
	if (value.length < min || value.length > max) {
		throw paramError(
			min === max
				? `${field} must contain exactly ${min} item(s)`
				: `${field} must contain between ${min} and ${max} items (got ${value.length})`,
		);
	}
	return value;
}

export function reqObject(value: unknown, field: string): Body {
	if (value === undefined || value === null) throw paramError(`${field} is required`);
	if (!isObject(value)) throw paramError(`${field} must be an object`);
	return value;
}

export function optObject(value: unknown, field: string): Body | undefined {
	return value === undefined || value === null ? undefined : reqObject(value, field);
}

const HTTP_URL = /^https?:\/\/\S+$/i;

export function reqUrl(value: unknown, field: string): string {
	const text = reqString(value, field);
	if (!HTTP_URL.test(text)) throw paramError(`${field} must be an http(s) URL`);
	return text;
}

export function optUrl(value: unknown, field: string): string | undefined {
	return optString(value, field) === undefined ? undefined : reqUrl(value, field);
}

const IMAGE_MAX_BYTES = 10 * 1024 * 1024;

/**
 * An image given as a URL (accepted unseen, as Kling cannot be asked to fetch here) or as raw Base64, whose header
 * is checked the way the API would: jpg/png, ≤ 10 MB, each side ≥ 300 px, aspect ratio 1:2.5 to 2.5:1 (not for
 * image-to-video's frames, for which §7 gives no limit).
 */
export function reqImage(value: unknown, field: string, { anyAspectRatio = false } = {}): string {
	const text = reqString(value, field);
	if (HTTP_URL.test(text)) return text;
	if (/^data:/i.test(text)) {
		throw paramError(`${field} must be an image URL or raw Base64 without a "data:...;base64," prefix`);
	}
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw paramError(`${field} must be an image URL or raw Base64`);
	const bytes = Buffer.from(text, 'base64');
	if (bytes.length > IMAGE_MAX_BYTES) throw paramError(`${field} image must not exceed 10MB`);
	const info = inspectImage(bytes);
	if (!info) throw paramError(`${field} must be a jpg/jpeg/png image`);
	if (Math.min(info.width, info.height) < 300) {
		throw paramError(`${field} image must be at least 300px on each side (got ${info.width}x${info.height})`);
	}
	const ratio = info.width / info.height;
	if (!anyAspectRatio && (ratio > 2.5 || ratio < 1 / 2.5)) {
		throw paramError(`${field} image aspect ratio must be between 1:2.5 and 2.5:1 (got ${info.width}x${info.height})`);
	}
	return text;
}

/** Ids arrive as digit strings or (small) JSON numbers; big bare integers were already turned into strings. */
export function reqId(value: unknown, field: string): string {
	if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
	if (typeof value === 'string' && /^\d+$/.test(value)) return value;
	if (value === undefined || value === null || value === '') throw paramError(`${field} is required`);
	throw paramError(`${field} must be an integer id`);
}

/** Durations are strings of whole seconds ("5"), never numbers, in the legacy API. */
export function optDuration(value: unknown, field: string, min: number, max: number): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'string' || !/^\d+$/.test(value)) throw paramError(`${field} must be a string of whole seconds`);
	const seconds = Number(value);
	if (seconds < min || seconds > max) throw paramError(`${field} must be between "${min}" and "${max}"`);
	return seconds;
}
