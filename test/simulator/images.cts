import type { Json } from './json.cts';
import { makePng } from './media.cts';
import { elementList, validateWatermark } from './general.cts';
import type { ProductDef, SimState, Task } from './state.cts';
import { Body, optArray, optEnum, optString, paramError, reqImage, reqObject, reqString } from './validation.cts';

/** The legacy image products (kling-api.md §7a): omni image (Image O1, Image 3.0 Omni) and image generation. */

/** Reference images and elements together, on both endpoints (§7a). */
const MAX_REFERENCES = 10;
const ASPECT_RATIOS = ['16:9', '9:16', '1:1', '4:3', '3:4', '3:2', '2:3', '21:9'] as const;
/** The vendor's default `series_amount` (Omni Image page). */
const SERIES_DEFAULT = 4;
/**
 * How many images `series_amount: "auto"` makes here. Kling picks "based on the input content"; the simulator picks
 * a fixed number that differs from the default, so a client that assumes 4 instead of reading the result is caught.
 */
export const SERIES_AUTO_AMOUNT = 3;

/** An integer in [min, max], or absent. Kling types `n` and `series_amount` int: strings are refused. */
function optInt(value: unknown, field: string, min: number, max: number): number | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
		throw paramError(`${field} must be an integer between ${min} and ${max}`);
	}
	return value;
}

/** A float in [0, 1] that only kling-v2-1 takes (Image Generation page). */
function optFidelity(value: unknown, field: string, v21: boolean): void {
	if (value === undefined || value === null) return;
	if (!v21) throw paramError(`${field} is supported only by model_name "kling-v2-1"`);
	if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw paramError(`${field} must be a number between 0 and 1`);
}

function checkReferenceCount(images: number, elements: number): void {
	if (images + elements > MAX_REFERENCES) {
		throw paramError(`element_list: reference images + elements must be at most ${MAX_REFERENCES} (got ${images} + ${elements})`);
	}
}

/** `<<<image_N>>>` and `<<<element_N>>>` count from 1 into image_list and element_list (§6.1, §7a). */
function checkPlaceholders(prompt: string, counts: { image: number; element: number }): void {
	for (const [placeholder, kind, digits] of prompt.matchAll(/<<<(image|element)_(\d+)>>>/g)) {
		const n = Number(digits);
		const count = counts[kind as 'image' | 'element'];
		if (n < 1 || n > count) {
			throw paramError(`prompt refers to ${placeholder}, but ${kind}_list has ${count} item(s)`);
		}
	}
}

// ---------------------------------------------------------------------------------------------- omni image (§7a)

function seriesAmount(body: Body): number {
	if (body.series_amount === 'auto') return SERIES_AUTO_AMOUNT;
	return typeof body.series_amount === 'number' ? body.series_amount : SERIES_DEFAULT;
}

/** How many images an omni-image task makes: `n` for single, the series' length for series (`n` is then ignored). */
function omniCount(body: Body): number {
	if (body.result_type === 'series') return seriesAmount(body);
	return typeof body.n === 'number' ? body.n : 1;
}

function validateOmniImage(body: Body, sim: SimState): void {
	const model = optEnum(body.model_name, 'model_name', ['kling-image-o1', 'kling-v3-omni'] as const) ?? 'kling-image-o1';
	const omni3 = model === 'kling-v3-omni';
	const prompt = reqString(body.prompt, 'prompt', 2500);
	const images = optArray(body.image_list, 'image_list', 0, MAX_REFERENCES) ?? [];
	images.forEach((item, i) => {
		const image = reqObject(item, `image_list[${i}]`);
		// The key is `image` here, unlike omni video's `image_url`: say so, as that is the likely mistake.
		if (image.image === undefined && image.image_url !== undefined) {
			throw paramError(`image_list[${i}].image is required (the key is "image", not "image_url")`);
		}
		reqImage(image.image, `image_list[${i}].image`);
	});
	// Either kind of element is taken: which image models accept video-character elements is UNCERTAIN (§7a).
	const elements = elementList(sim, body.element_list, MAX_REFERENCES);
	checkReferenceCount(images.length, elements.length);
	checkPlaceholders(prompt, { image: images.length, element: elements.length });

	// Capability map: 4K and series are Image 3.0 Omni's; Image O1 makes 1K/2K single images.
	const resolution = optEnum(body.resolution, 'resolution', ['1k', '2k', '4k'] as const);
	if (resolution === '4k' && !omni3) throw paramError('resolution "4k" requires model_name "kling-v3-omni"');
	const resultType = optEnum(body.result_type, 'result_type', ['single', 'series'] as const);
	if (resultType === 'series' && !omni3) throw paramError('result_type "series" requires model_name "kling-v3-omni"');
	// Each is "invalid" (ignored) in the other mode, per the vendor page, yet still a value of its declared range.
	optInt(body.n, 'n', 1, 9);
	if (body.series_amount !== 'auto') optInt(body.series_amount, 'series_amount', 2, 9);
	optEnum(body.aspect_ratio, 'aspect_ratio', [...ASPECT_RATIOS, 'auto']);
	validateWatermark(body);
}

// --------------------------------------------------------------------------------------- image generation (§7a)

function validateGeneration(body: Body, sim: SimState): void {
	const model = optEnum(body.model_name, 'model_name', ['kling-v3', 'kling-v2-1'] as const) ?? 'kling-v3';
	const v21 = model === 'kling-v2-1';
	// §7a does not say; the vendor's Image Generation page marks prompt required.
	reqString(body.prompt, 'prompt', 2500);
	const negative = optString(body.negative_prompt, 'negative_prompt', 2500);
	const image = optString(body.image, 'image');
	if (image !== undefined) reqImage(image, 'image');
	if (negative !== undefined && image !== undefined) {
		throw paramError('negative_prompt is not supported together with image (image-to-image)');
	}
	const reference = optEnum(body.image_reference, 'image_reference', ['subject', 'face'] as const);
	if (reference !== undefined && !v21) throw paramError('image_reference is supported only by model_name "kling-v2-1"');
	if (reference !== undefined && image === undefined) throw paramError('image is required when image_reference is set');
	optFidelity(body.image_fidelity, 'image_fidelity', v21);
	optFidelity(body.human_fidelity, 'human_fidelity', v21);
	const elements = elementList(sim, body.element_list, MAX_REFERENCES);
	// Capability map: "subject control" (elements) is not supported by Kling Image 2.1.
	if (elements.length > 0 && v21) throw paramError('element_list requires model_name "kling-v3"');
	checkReferenceCount(image === undefined ? 0 : 1, elements.length);
	optEnum(body.resolution, 'resolution', ['1k', '2k'] as const);
	optInt(body.n, 'n', 1, 9);
	optEnum(body.aspect_ratio, 'aspect_ratio', ASPECT_RATIOS);
	validateWatermark(body);
}

// ------------------------------------------------------------------------------------------------------ results

/** Pixel size of the stand-in PNGs: the requested shape with a 320 px short side (makePng's default); auto is square. */
function pngSize(aspectRatio: unknown): [number, number] {
	const match = typeof aspectRatio === 'string' ? /^(\d+):(\d+)$/.exec(aspectRatio) : null;
	if (!match) return [320, 320];
	const [w, h] = [Number(match[1]), Number(match[2])];
	return w >= h ? [Math.round((320 * w) / h), 320] : [320, Math.round((320 * h) / w)];
}

/** `count` image entries `{ index, url, watermark_url }`, the last only with watermark_info.enabled (as for videos). */
function makeImages(task: Task, sim: SimState, name: string, count: number): Json[] {
	const [width, height] = pngSize(task.body.aspect_ratio);
	const png = { contentType: 'image/png', bytes: () => makePng(width, height) };
	const watermark = (task.body.watermark_info as Body | undefined)?.enabled === true;
	return Array.from({ length: count }, (_, index) => {
		const image: Record<string, Json> = { index, url: sim.addFile(`${name}-${task.taskId}-${index}.png`, png) };
		if (watermark) image.watermark_url = sim.addFile(`${name}-${task.taskId}-${index}-watermark.png`, png);
		return image;
	});
}

/** Units per image from Kling's image price table: 8, 16 for 4K, 4 for Image 2.1 text-to-image. */
function unitsPerImage(body: Body): number {
	if (body.resolution === '4k') return 16;
	if (body.model_name === 'kling-v2-1' && (body.image === undefined || body.image === '' || body.image === null)) return 4;
	return 8;
}

export const omniImage: ProductDef = {
	name: 'omni-image',
	path: '/v1/images/omni-image',
	maxPageSize: 500,
	validate: validateOmniImage,
	complete(task, sim) {
		const count = omniCount(task.body);
		task.output =
			task.body.result_type === 'series'
				? { result_type: 'series', images: [], series_images: makeImages(task, sim, 'series', count) }
				: { result_type: 'single', images: makeImages(task, sim, 'image', count) };
	},
	// A series holds as many slots as it makes images, "auto" included (Omni Image page).
	imageSlots: omniCount,
	result: (task) => (task.status === 'succeed' && task.output ? task.output : {}),
	units: (task) => String(omniCount(task.body) * unitsPerImage(task.body)),
};

function generationCount(body: Body): number {
	return typeof body.n === 'number' ? body.n : 1;
}

export const imageGeneration: ProductDef = {
	name: 'generations',
	path: '/v1/images/generations',
	maxPageSize: 500,
	validate: validateGeneration,
	complete(task, sim) {
		task.output = { images: makeImages(task, sim, 'image', generationCount(task.body)) };
	},
	imageSlots: generationCount,
	result: (task) => (task.status === 'succeed' && task.output ? task.output : {}),
	units: (task) => String(generationCount(task.body) * unitsPerImage(task.body)),
};
