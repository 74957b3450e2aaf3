import type { Json } from './json.cts';
import { fakeMp3, inspectImage, makePng } from './media.cts';
import { elementJson, presetElements, presetVoices, TAGS, voiceJson } from './records.cts';
import { ACCOUNT_ID, ElementRecord, ProductDef, SimState, Task, VoiceRecord } from './state.cts';
import { Body, optArray, optBool, optObject, optString, optUrl, paramError, reqEnum, reqId, reqImage, reqObject, reqString, reqUrl } from './validation.cts';

/** The "general" products (§3, §4): elements, voices and AI multi-shot, plus the lookups video and image products use. */

export const ELEMENT_FAILURE_MESSAGE = 'Element creation failed: the reference images show different subjects';

export function lookupElement(sim: SimState, id: string): ElementRecord | undefined {
	return sim.findElement(id, presetElements(sim));
}

export function lookupVoice(sim: SimState, id: string): VoiceRecord | undefined {
	return sim.findVoice(id, presetVoices(sim));
}

/** A create's `element_list`: at most `max` items, each an existing element (custom and active, or a preset). */
export function elementList(sim: SimState, value: unknown, max: number): ElementRecord[] {
	const items = optArray(value, 'element_list', 0, max) ?? [];
	return items.map((item, i) => {
		const field = `element_list[${i}].element_id`;
		const id = reqId(reqObject(item, `element_list[${i}]`).element_id, field);
		const element = lookupElement(sim, id);
		if (!element) throw paramError(`${field} ${id} does not exist`);
		return element;
	});
}

export function validateWatermark(body: Body): void {
	const watermark = optObject(body.watermark_info, 'watermark_info');
	if (watermark) optBool(watermark.enabled, 'watermark_info.enabled');
}

/** Fields every create accepts. */
export function validateCommon(body: Body): void {
	optUrl(body.callback_url, 'callback_url');
	optString(body.external_task_id, 'external_task_id');
}

export function optIdText(value: unknown, field: string): string | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value === 'number') return String(value);
	if (typeof value !== 'string') throw paramError(`${field} must be a string`);
	return value;
}

/** Base64 inputs are re-hosted (as Kling does with uploads) so results only ever carry URLs. */
function hostImage(sim: SimState, value: unknown, name: string): Json {
	if (typeof value !== 'string' || /^https?:\/\//i.test(value)) return value as Json;
	const bytes = Buffer.from(value, 'base64');
	const type = inspectImage(bytes)?.type === 'jpeg' ? 'jpeg' : 'png';
	return sim.addFile(`${name}.${type === 'jpeg' ? 'jpg' : 'png'}`, { contentType: `image/${type}`, bytes: () => bytes });
}

// ---------------------------------------------------------------------------------------------- elements (§3.1)

function validateElement(body: Body, sim: SimState): void {
	reqString(body.element_name, 'element_name', 20);
	reqString(body.element_description, 'element_description', 100);
	const type = reqEnum(body.reference_type, 'reference_type', ['image_refer', 'video_refer'] as const);
	if (type === 'image_refer') {
		const list = reqObject(body.element_image_list, 'element_image_list');
		reqImage(list.frontal_image, 'element_image_list.frontal_image');
		const refs = optArray(list.refer_images, 'element_image_list.refer_images', 1, 3);
		if (!refs) throw paramError('element_image_list.refer_images is required (1 to 3 images)');
		refs.forEach((ref, i) => {
			const field = `element_image_list.refer_images[${i}]`;
			reqImage(reqObject(ref, field).image_url, `${field}.image_url`);
		});
	} else {
		// element_video_list is "ignored otherwise", so it is only checked for video_refer.
		const list = reqObject(body.element_video_list, 'element_video_list');
		const videos = optArray(list.refer_videos, 'element_video_list.refer_videos', 1, 1);
		if (!videos) throw paramError('element_video_list.refer_videos is required (exactly 1 video)');
		const video = reqObject(videos[0], 'element_video_list.refer_videos[0]');
		reqUrl(video.video_url, 'element_video_list.refer_videos[0].video_url');
	}
	const voiceId = optIdText(body.element_voice_id, 'element_voice_id');
	if (voiceId !== undefined && !lookupVoice(sim, voiceId)) {
		throw paramError(`element_voice_id ${voiceId} does not exist`);
	}
	const tags = optArray(body.tag_list, 'tag_list', 0, Object.keys(TAGS).length) ?? [];
	tags.forEach((tag, i) => reqEnum(reqObject(tag, `tag_list[${i}]`).tag_id, `tag_list[${i}].tag_id`, Object.keys(TAGS)));
}

function completeElement(task: Task, sim: SimState): void {
	const body = task.body;
	const id = task.chosenElementId ?? sim.nextElementId();
	const referenceType = body.reference_type === 'video_refer' ? 'video_refer' : 'image_refer';
	const record: ElementRecord = {
		id,
		name: String(body.element_name),
		description: String(body.element_description),
		referenceType,
		tagIds: Array.isArray(body.tag_list) ? body.tag_list.map((t) => String((t as Body).tag_id)) : [],
		ownedBy: ACCOUNT_ID,
		status: 'succeed',
	};
	if (referenceType === 'image_refer') {
		const list = body.element_image_list as Body;
		const refs = list.refer_images as Body[];
		record.imageList = {
			frontal_image: hostImage(sim, list.frontal_image, `element-${id}-0`),
			refer_images: refs.map((ref, i) => ({ image_url: hostImage(sim, ref.image_url, `element-${id}-${i + 1}`) })),
		};
	} else {
		const list = body.element_video_list as Body;
		record.videoList = { refer_videos: [{ video_url: String((list.refer_videos as Body[])[0].video_url) }] };
	}
	const voiceId = optIdText(body.element_voice_id, 'element_voice_id');
	// A voice deleted while the task ran simply leaves the element without one.
	record.voice = voiceId !== undefined ? lookupVoice(sim, voiceId) : undefined;
	if (!record.voice && referenceType === 'video_refer' && sim.options.automaticVoice) {
		// §3.1: speech in a reference video yields a custom voice that joins the voice library (§4: unreliable live).
		const voiceTask = sim.seed(voices, { voice_name: [...`${record.name} voice`].slice(0, 20).join('') });
		record.voice = sim.voices.get(voiceTask.outputId as string);
	}
	sim.elements.set(id.toString(), record);
	task.outputId = id.toString();
}

export const elements: ProductDef = {
	name: 'advanced-custom-elements',
	path: '/v1/general/advanced-custom-elements',
	maxPageSize: 500,
	validate: validateElement,
	complete: completeElement,
	result(task, sim): Record<string, Json> {
		const record = task.outputId !== undefined ? sim.elements.get(task.outputId) : undefined;
		return task.status === 'succeed' && record ? { elements: [elementJson(record, sim.options)] } : {};
	},
	units: () => '0',
};

// ------------------------------------------------------------------------------------------------- voices (§4)

export const voices: ProductDef = {
	name: 'custom-voices',
	path: '/v1/general/custom-voices',
	maxPageSize: 1000,
	validate(body) {
		reqString(body.voice_name, 'voice_name', 20);
		const url = optString(body.voice_url, 'voice_url');
		const videoId = optIdText(body.video_id, 'video_id');
		if (url !== undefined && videoId !== undefined) {
			throw paramError('voice_url and video_id are mutually exclusive: send exactly one');
		}
		if (url === undefined && videoId === undefined) throw paramError('voice_url or video_id is required');
		if (url !== undefined) reqUrl(url, 'voice_url');
	},
	complete(task, sim) {
		const id = sim.nextVoiceId();
		const trialUrl = sim.addFile(`${id}.mp3`, { contentType: 'audio/mpeg', bytes: fakeMp3 });
		sim.voices.set(id, { id, name: String(task.body.voice_name), trialUrl, ownedBy: ACCOUNT_ID, deleted: false });
		task.outputId = id;
	},
	result(task, sim): Record<string, Json> {
		const voice = task.outputId !== undefined ? sim.voices.get(task.outputId) : undefined;
		if (task.status !== 'succeed' || !voice) return {};
		return { voices: voice.deleted ? [] : [voiceJson(voice)] };
	},
	units: () => '0.05',
	// The legacy voice object has no status field, so a deleted voice leaves the library list instead.
	hiddenFromList(task, sim) {
		return task.outputId !== undefined && sim.voices.get(task.outputId)?.deleted === true;
	},
};

// ------------------------------------------------------------------------------------------ ai multi-shot (§3.8)

export const aiMultiShot: ProductDef = {
	name: 'ai-multi-shot',
	path: '/v1/general/ai-multi-shot',
	maxPageSize: 500,
	validate(body) {
		reqImage(body.element_frontal_image, 'element_frontal_image');
	},
	complete(task, sim) {
		const png = { contentType: 'image/png', bytes: () => makePng() };
		const images = [0, 1, 2].map((index) => ({
			index,
			url_1: sim.addFile(`multishot-${task.taskId}-${index}-1.png`, png),
			url_2: sim.addFile(`multishot-${task.taskId}-${index}-2.png`, png),
			url_3: sim.addFile(`multishot-${task.taskId}-${index}-3.png`, png),
		}));
		task.output = { images };
	},
	result: (task) => (task.status === 'succeed' && task.output ? task.output : {}),
	// The price table says 20 units, the change log 0.5 (UNCERTAIN); the later change log wins.
	units: () => '0.5',
};

/** Default failure rule so workflow tests can produce a failed element task without code. */
export function defaultFailure(product: string, body: Body): string | undefined {
	const description = body.element_description;
	return product === elements.name && typeof description === 'string' && description.includes('[fail]')
		? ELEMENT_FAILURE_MESSAGE
		: undefined;
}
