import type { Json } from './json.cts';
import { fakeMp3, fakeMp4, makePng } from './media.cts';
import type { ElementRecord, SimState, Task, VoiceRecord } from './state.cts';
import type { SimulatorOptions } from './types.cts';

/** JSON shapes of the legacy API (§2, §3.2, §4, §9.1) and the read-only official presets. */

export const TAGS: Record<string, string> = {
	o_101: 'Hottest',
	o_102: 'Character',
	o_103: 'Animal',
	o_104: 'Item',
	o_105: 'Costume',
	o_106: 'Scene',
	o_107: 'Effect',
	o_108: 'Others',
};

export function voiceJson(voice: VoiceRecord): Record<string, Json> {
	return { voice_id: voice.id, voice_name: voice.name, trial_url: voice.trialUrl, owned_by: voice.ownedBy };
}

/** An element as answers show it; `options` choose the kind's key and how a missing voice looks (types.cts). */
export function elementJson(
	element: ElementRecord,
	options: Pick<Required<SimulatorOptions>, 'elementKindKey' | 'missingVoiceInfo'>,
): Record<string, Json> {
	const kind = options.elementKindKey === 'none' ? {} : { [options.elementKindKey]: element.referenceType };
	const noVoice: Record<string, Json> = { empty: { element_voice_info: {} }, null: { element_voice_info: null }, absent: {} }[options.missingVoiceInfo];
	return {
		// bigint: serialised as bare digits, the int64 hazard clients must survive.
		element_id: element.id,
		element_name: element.name,
		element_description: element.description,
		...kind,
		element_image_list: element.imageList ?? {},
		element_video_list: element.videoList ?? {},
		...(element.voice ? { element_voice_info: voiceJson(element.voice) } : noVoice),
		tag_list: element.tagIds.map((id) => ({ tag_id: id, tag_name: TAGS[id] })),
		owned_by: element.ownedBy,
		status: element.status,
	};
}

function deductions(task: Task): { final_unit_deduction: string; final_balance_deduction: Record<string, Json> } {
	const units = task.status === 'succeed' ? task.product.units(task) : '0';
	return { final_unit_deduction: units, final_balance_deduction: { quota: '0', list_price: '0' } };
}

/** task_result as every answer shows it: empty for a task under a 'noResult' fault. */
const resultOf = (task: Task, sim: SimState): Record<string, Json> => (task.withoutResult ? {} : task.product.result(task, sim));

/** The legacy task object returned by query and list. */
export function taskJson(task: Task, sim: SimState): Record<string, Json> {
	return {
		task_id: task.taskId,
		task_status: task.status,
		task_status_msg: task.statusMsg,
		task_info: { external_task_id: task.externalTaskId },
		task_result: resultOf(task, sim),
		...deductions(task),
		created_at: task.createdAt,
		updated_at: task.updatedAt,
	};
}

type Entry = Record<string, Json>;

/**
 * A task as the new-standard batch query answers it (§8): `id`, `status` ("succeeded", not "succeed"), `outputs[]`
 * typed entries. As observed live, tasks of legacy endpoints (elements and voices included) are answered too.
 */
export function newStandardTaskJson(task: Task, sim: SimState): Entry {
	const result = resultOf(task, sim) as { videos?: Entry[]; images?: Entry[]; series_images?: Entry[]; elements?: Entry[]; voices?: Entry[] };
	const outputs: Entry[] = [
		...(result.videos ?? []).map((video) => ({ type: 'video', id: video.id, url: video.url, watermark_url: video.watermark_url ?? null, duration: Number(video.duration) })),
		...[...(result.images ?? []), ...(result.series_images ?? [])].map((image) => ({ type: 'image', url: image.url, watermark_url: image.watermark_url ?? null })),
		...(result.elements ?? []).map((element) => ({
			type: 'element',
			id: element.element_id,
			name: element.element_name,
			description: element.element_description,
			element_type: sim.elements.get(String(element.element_id))?.referenceType === 'video_refer' ? 'video_character_elements' : 'multi_image_elements',
			owned_by: element.owned_by,
			status: element.status === 'succeed' ? 'succeeded' : element.status,
		})),
		...(result.voices ?? []).map((voice) => ({ type: 'voice', id: voice.voice_id, name: voice.voice_name, url: voice.trial_url, owned_by: voice.owned_by, status: 'succeeded' })),
	];
	return {
		id: task.taskId,
		status: task.status === 'succeed' ? 'succeeded' : task.status,
		message: task.statusMsg,
		create_time: task.createdAt,
		update_time: task.updatedAt,
		external_id: task.externalTaskId,
		outputs,
		billing: [],
	};
}

export function createdJson(task: Task): Record<string, Json> {
	return {
		task_id: task.taskId,
		task_status: task.status,
		task_info: { external_task_id: task.externalTaskId },
		created_at: task.createdAt,
		updated_at: task.updatedAt,
	};
}

/**
 * Legacy callback body (§9.1) in the vendor's key order. With `results` 'all', task_result is what a query shows
 * (element and voice tasks' elements[]/voices[] included, which the doc leaves UNCERTAIN); with 'documented', only
 * its images[] and videos[].
 */
export function callbackJson(task: Task, sim: SimState, results: 'all' | 'documented' = 'all'): Record<string, Json> {
	const result = resultOf(task, sim);
	const documented = Object.fromEntries(Object.entries(result).filter(([key]) => key === 'images' || key === 'videos'));
	return {
		task_id: task.taskId,
		task_status: task.status,
		task_status_msg: task.statusMsg,
		created_at: task.createdAt,
		updated_at: task.updatedAt,
		...deductions(task),
		task_info: { external_task_id: task.externalTaskId },
		task_result: results === 'all' ? result : documented,
	};
}

const PRESET_CREATED_AT = 1767225600000;
const PRESET_ELEMENT_BASE = 835266081700000001n;
const PRESET_TASK_BASE = 842250903600000001n;

const PRESET_ELEMENTS: Array<[string, string, 'image_refer' | 'video_refer', string]> = [
	['Astronaut', 'An astronaut in a white space suit with a gold visor', 'image_refer', 'o_102'],
	['Red Fox', 'A red fox with a bushy white-tipped tail', 'image_refer', 'o_103'],
	['News Anchor', 'A news anchor in a grey suit, realistic', 'video_refer', 'o_102'],
	['Vintage Car', 'A red 1960s convertible with chrome trim', 'image_refer', 'o_104'],
	['Neon Street', 'A rainy street at night lit by neon signs', 'image_refer', 'o_106'],
];

const PRESET_VOICES: Array<[string, string]> = [
	['829824295735410001', 'Warm Narrator'],
	['829824295735410002', 'Bright Girl'],
	['829824295735410003', 'Deep Baritone'],
];

export function presetVoices(sim: SimState): VoiceRecord[] {
	return PRESET_VOICES.map(([id, name]) => ({
		id,
		name,
		trialUrl: sim.addFile(`${id}.mp3`, { contentType: 'audio/mpeg', bytes: fakeMp3 }),
		ownedBy: 'kling',
		deleted: false,
	}));
}

/** Derived from options.presetElements on every call, so tests may change the count at runtime. */
export function presetElements(sim: SimState): ElementRecord[] {
	const png = { contentType: 'image/png', bytes: () => makePng() };
	const count = Math.max(0, Math.floor(sim.options.presetElements));
	return Array.from({ length: count }, (_, i) => {
		const [name, description, referenceType, tag] = PRESET_ELEMENTS[i % PRESET_ELEMENTS.length];
		const id = PRESET_ELEMENT_BASE + BigInt(i);
		const suffix = i < PRESET_ELEMENTS.length ? '' : ` ${Math.floor(i / PRESET_ELEMENTS.length) + 1}`;
		const record: ElementRecord = {
			id,
			name: name + suffix,
			description,
			referenceType,
			tagIds: [tag],
			ownedBy: 'kling',
			status: 'succeed',
		};
		if (referenceType === 'image_refer') {
			record.imageList = {
				frontal_image: sim.addFile(`preset-${id}-0.png`, png),
				refer_images: [{ image_url: sim.addFile(`preset-${id}-1.png`, png) }],
			};
		} else {
			const video = { contentType: 'video/mp4', bytes: () => fakeMp4(sim.options.videoBytes) };
			record.videoList = { refer_videos: [{ video_url: sim.addFile(`preset-${id}.mp4`, video) }] };
			record.voice = presetVoices(sim)[0];
		}
		return record;
	});
}

/** Preset list items: the task shape minus the deduction fields (§3.4). */
export function presetElementTaskJson(record: ElementRecord, index: number, sim: SimState): Record<string, Json> {
	return {
		task_id: String(PRESET_TASK_BASE + BigInt(index)),
		task_status: 'succeed',
		task_status_msg: '',
		task_info: { external_task_id: '' },
		task_result: { elements: [elementJson(record, sim.options)] },
		created_at: PRESET_CREATED_AT,
		updated_at: PRESET_CREATED_AT,
	};
}

/** Preset voice list items, which the vendor documents without task_info or deductions. */
export function presetVoiceTaskJson(voice: VoiceRecord, index: number): Record<string, Json> {
	return {
		task_id: String(PRESET_TASK_BASE + 1000n + BigInt(index)),
		task_status: 'succeed',
		task_status_msg: '',
		created_at: PRESET_CREATED_AT,
		updated_at: PRESET_CREATED_AT,
		task_result: { voices: [voiceJson(voice)] },
	};
}
