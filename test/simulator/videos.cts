import type { Json } from './json.cts';
import { fakeMp4 } from './media.cts';
import { elementList, lookupVoice, optIdText, validateWatermark } from './general.cts';
import type { ProductDef, SimState } from './state.cts';
import { Body, optArray, optBool, optDuration, optEnum, optString, paramError, reqEnum, reqImage, reqObject, reqString, reqUrl } from './validation.cts';

/** The legacy video products (§5, §6.1, §7): motion control, omni video and image-to-video. */

function formatUnits(value: number): string {
	return String(Math.round(value * 100) / 100);
}

const SHOT_TYPES = ['customize', 'intelligence'] as const;

/** Returns the summed shot durations for customize multi-shot, otherwise undefined. */
function validateMultiShot(body: Body): number | undefined {
	const multi = optBool(body.multi_shot, 'multi_shot') ?? false;
	const shotType = multi
		? reqEnum(body.shot_type, 'shot_type', SHOT_TYPES)
		: optEnum(body.shot_type, 'shot_type', SHOT_TYPES);
	if (!multi || shotType !== 'customize') return undefined;
	const shots = optArray(body.multi_prompt, 'multi_prompt', 1, 6);
	if (!shots) throw paramError('multi_prompt is required when shot_type is "customize"');
	let total = 0;
	shots.forEach((shot, i) => {
		const item = reqObject(shot, `multi_prompt[${i}]`);
		if (typeof item.index !== 'number' || !Number.isInteger(item.index)) {
			throw paramError(`multi_prompt[${i}].index must be an integer`);
		}
		reqString(item.prompt, `multi_prompt[${i}].prompt`, 512);
		const seconds = optDuration(item.duration, `multi_prompt[${i}].duration`, 1, 15);
		if (seconds === undefined) throw paramError(`multi_prompt[${i}].duration is required`);
		total += seconds;
	});
	const duration = optDuration(body.duration, 'duration', 1, 15) ?? 5;
	if (total !== duration) throw paramError(`multi_prompt durations must sum to duration (${total} != ${duration})`);
	return total;
}

function videoProduct(
	name: string,
	validate: (body: Body, sim: SimState) => void,
	seconds: (body: Body) => number,
	unitsPerSecond: (body: Body) => number,
): ProductDef {
	return {
		name,
		path: `/v1/videos/${name}`,
		maxPageSize: 500,
		validate,
		complete(task, sim) {
			const id = sim.nextVideoId();
			const mp4 = { contentType: 'video/mp4', bytes: () => fakeMp4(sim.options.videoBytes) };
			const video: Record<string, Json> = {
				id,
				url: sim.addFile(`${id}.mp4`, mp4),
				duration: String(seconds(task.body)),
			};
			const watermark = task.body.watermark_info as Body | undefined;
			if (watermark?.enabled === true) video.watermark_url = sim.addFile(`${id}-watermark.mp4`, mp4);
			task.output = { videos: [video] };
		},
		result: (task) => (task.status === 'succeed' && task.output ? task.output : {}),
		units: (task) => formatUnits(seconds(task.body) * unitsPerSecond(task.body)),
	};
}

function durationOf(body: Body): number {
	return typeof body.duration === 'string' && /^\d+$/.test(body.duration) ? Number(body.duration) : 5;
}

// ------------------------------------------------------------------------------------------ motion control (§5)

export const motionControl = videoProduct(
	'motion-control',
	(body, sim) => {
		const model = optEnum(body.model_name, 'model_name', ['kling-v2-6', 'kling-v3'] as const) ?? 'kling-v2-6';
		optString(body.prompt, 'prompt', 2500);
		reqImage(body.image_url, 'image_url');
		reqUrl(body.video_url, 'video_url');
		reqEnum(body.character_orientation, 'character_orientation', ['image', 'video'] as const);
		reqEnum(body.mode, 'mode', ['std', 'pro'] as const);
		optEnum(body.keep_original_sound, 'keep_original_sound', ['yes', 'no'] as const);
		const attached = elementList(sim, body.element_list, 1);
		if (attached.length > 0 && model !== 'kling-v3') throw paramError('element_list requires model_name "kling-v3"');
		validateWatermark(body);
	},
	// Output length follows the motion video, which the simulator cannot see: a fixed 5 s stands in.
	() => 5,
	(body) => {
		const pro = body.mode === 'pro';
		return body.model_name === 'kling-v3' ? (pro ? 1.2 : 0.9) : pro ? 0.8 : 0.5;
	},
);

// ---------------------------------------------------------------------------------------------- omni video (§6.1)

type FrameType = 'first_frame' | 'end_frame';

function validateOmni(body: Body, sim: SimState): void {
	const model = optEnum(body.model_name, 'model_name', ['kling-video-o1', 'kling-v3-omni'] as const) ?? 'kling-video-o1';
	const o1 = model === 'kling-video-o1';
	const shotTotal = validateMultiShot(body);
	if (shotTotal === undefined) reqString(body.prompt, 'prompt', 2500);
	else optString(body.prompt, 'prompt', 2500);

	// Frames are not reference images, so the list may exceed 7; validateOmniCounts applies the real limits.
	const images = optArray(body.image_list, 'image_list', 0, 9) ?? [];
	const frames: FrameType[] = [];
	images.forEach((image, i) => {
		const item = reqObject(image, `image_list[${i}]`);
		reqImage(item.image_url, `image_list[${i}].image_url`);
		const type = optEnum(item.type, `image_list[${i}].type`, ['first_frame', 'end_frame'] as const);
		if (type) frames.push(type);
	});
	const first = frames.filter((f) => f === 'first_frame').length;
	const end = frames.filter((f) => f === 'end_frame').length;
	if (first > 1 || end > 1) throw paramError('image_list may contain at most one first_frame and one end_frame');
	if (end > 0 && first === 0) throw paramError('image_list: an end_frame requires a first_frame');
	const referenceImages = images.length - frames.length;

	const attached = elementList(sim, body.element_list, 7);
	const multiImage = attached.filter((e) => e.referenceType === 'image_refer').length;
	const character = attached.length - multiImage;

	const videos = optArray(body.video_list, 'video_list', 0, 1) ?? [];
	let baseEdit = false;
	videos.forEach((video, i) => {
		const item = reqObject(video, `video_list[${i}]`);
		reqUrl(item.video_url, `video_list[${i}].video_url`);
		const referType = optEnum(item.refer_type, `video_list[${i}].refer_type`, ['feature', 'base'] as const) ?? 'base';
		optEnum(item.keep_original_sound, `video_list[${i}].keep_original_sound`, ['yes', 'no'] as const);
		baseEdit = referType === 'base';
	});
	const hasVideo = videos.length > 0;
	if (frames.length > 0 && baseEdit) throw paramError('image_list frames cannot be combined with a base video (video_list)');

	const sound = optEnum(body.sound, 'sound', ['on', 'off'] as const);
	if (sound === 'on' && hasVideo) throw paramError('sound must be "off" when video_list is present');
	const mode = optEnum(body.mode, 'mode', ['std', 'pro', '4k'] as const);
	if (mode === '4k' && (o1 || hasVideo)) throw paramError('mode "4k" requires model_name "kling-v3-omni" and no reference video');
	const aspect = optEnum(body.aspect_ratio, 'aspect_ratio', ['16:9', '9:16', '1:1'] as const);
	if (!aspect && first === 0 && !baseEdit) throw paramError('aspect_ratio is required without a first frame or base video');

	if (baseEdit) optDuration(body.duration, 'duration', 0, Number.MAX_SAFE_INTEGER);
	else {
		const seconds = optDuration(body.duration, 'duration', 3, o1 ? 10 : 15) ?? 5;
		const textOnly = images.length === 0 && attached.length === 0 && !hasVideo;
		const firstFrameOnly = images.length === 1 && first === 1 && attached.length === 0 && !hasVideo;
		if (o1 && (textOnly || firstFrameOnly) && seconds !== 5 && seconds !== 10) {
			throw paramError('duration must be "5" or "10" for kling-video-o1 text-only or first-frame-only requests');
		}
	}
	validateOmniCounts({ o1, hasVideo, first, end, referenceImages, multiImage, character });
	validateWatermark(body);
}

interface OmniCounts {
	o1: boolean;
	hasVideo: boolean;
	first: number;
	end: number;
	referenceImages: number;
	multiImage: number;
	character: number;
}

/** The count limits of §6.1. */
function validateOmniCounts(c: OmniCounts): void {
	const imagesAndElements = c.referenceImages + c.multiImage;
	const limit = c.hasVideo ? 4 : 7;
	if (imagesAndElements > limit) {
		throw paramError(`element_list: reference images + multi-image elements must be at most ${limit} (got ${imagesAndElements})`);
	}
	if (c.o1) {
		if (c.character > 0) throw paramError('element_list: kling-video-o1 accepts multi-image elements only');
		if (c.first > 0 && c.end > 0 && imagesAndElements > 0) {
			throw paramError('element_list: kling-video-o1 with first and end frames accepts no elements or reference images');
		}
		return;
	}
	if (c.first > 0 && c.multiImage + c.character > 3) throw paramError('element_list: at most 3 elements with a first frame');
	if (!c.hasVideo) {
		if (c.character > 3) throw paramError('element_list: at most 3 video character elements');
		if (c.character > 0 && c.multiImage > 0 && imagesAndElements > 4) {
			throw paramError('element_list: with video character elements, reference images + multi-image elements must be at most 4');
		}
	} else if (c.character > 0) {
		if (imagesAndElements > 0) {
			throw paramError('element_list: with a reference video, video character elements cannot be mixed with multi-image elements or reference images');
		}
		if (c.character > 1) throw paramError('element_list: at most 1 video character element with a reference video');
	}
}

function omniSeconds(body: Body): number {
	const videos = Array.isArray(body.video_list) ? (body.video_list as Body[]) : [];
	// A base-video edit keeps the input length, unknown here: 5 s stands in.
	if (videos.some((v) => (v.refer_type ?? 'base') === 'base')) return 5;
	return durationOf(body);
}

export const omniVideo = videoProduct('omni-video', validateOmni, omniSeconds, (body) => {
	const withVideo = Array.isArray(body.video_list) && body.video_list.length > 0;
	if (body.mode === '4k') return 3;
	const pro = body.mode === 'pro';
	if (body.model_name === 'kling-v3-omni' || !withVideo) return pro ? 0.8 : 0.6;
	return pro ? 1.2 : 0.9;
});

// ------------------------------------------------------------------------------------------ image to video (§7)

const I2V_MODELS = [
	'kling-v1',
	'kling-v1-5',
	'kling-v1-6',
	'kling-v2-master',
	'kling-v2-1',
	'kling-v2-1-master',
	'kling-v2-5-turbo',
	'kling-v2-6',
	'kling-v3',
] as const;

function validateImage2Video(body: Body, sim: SimState): void {
	const model = optEnum(body.model_name, 'model_name', I2V_MODELS) ?? 'kling-v1';
	const image = optString(body.image, 'image');
	const tail = optString(body.image_tail, 'image_tail');
	if (image === undefined && tail === undefined) throw paramError('image or image_tail is required');
	if (image !== undefined) reqImage(image, 'image', { anyAspectRatio: true });
	if (tail !== undefined) reqImage(tail, 'image_tail', { anyAspectRatio: true });
	optString(body.prompt, 'prompt', 2500);
	optString(body.negative_prompt, 'negative_prompt', 2500);
	const sound = optEnum(body.sound, 'sound', ['on', 'off'] as const);
	const voiceItems = optArray(body.voice_list, 'voice_list', 0, 2) ?? [];
	const elementItems = optArray(body.element_list, 'element_list', 0, 3) ?? [];
	if (voiceItems.length > 0 && elementItems.length > 0) {
		throw paramError('element_list and voice_list are mutually exclusive');
	}
	const attached = elementList(sim, elementItems, 3);
	if (attached.length > 0 && model !== 'kling-v3') throw paramError('element_list requires model_name "kling-v3"');
	voiceItems.forEach((item, i) => {
		const field = `voice_list[${i}].voice_id`;
		const id = optIdText(reqObject(item, `voice_list[${i}]`).voice_id, field);
		if (id === undefined) throw paramError(`${field} is required`);
		if (!lookupVoice(sim, id)) throw paramError(`${field} ${id} does not exist`);
	});
	if (voiceItems.length > 0 && sound !== 'on') throw paramError('voice_list requires sound "on"');
	const mode = optEnum(body.mode, 'mode', ['std', 'pro', '4k'] as const);
	if (mode === '4k' && model !== 'kling-v3') throw paramError('mode "4k" requires model_name "kling-v3"');
	optDuration(body.duration, 'duration', 3, 15);
	validateMultiShot(body);
	if (body.cfg_scale !== undefined && (typeof body.cfg_scale !== 'number' || body.cfg_scale < 0 || body.cfg_scale > 1)) {
		throw paramError('cfg_scale must be a number between 0 and 1');
	}
	validateWatermark(body);
}

export const image2video = videoProduct('image2video', validateImage2Video, durationOf, (body) =>
	body.mode === '4k' ? 3 : body.mode === 'pro' ? 0.8 : 0.6,
);
