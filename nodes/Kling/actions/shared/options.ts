import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { isHttpUrl } from '../../contract/request';
import { isToolCall } from '../../tasks/runKey';
import type { CompletionMode, CompletionSettings } from '../../tasks/taskOperation';
import { collection, readYesNo, textOf } from './fields';
import { invalidInput, truncate } from './validate';

/** What an operation's Options offer besides the common ones: its default timeout, and the files it makes. */
export interface OptionsKind {
	timeoutMinutes: number;
	media?: 'video' | 'images';
}

const completionOption: INodeProperties = {
	displayName: 'Completion',
	name: 'completion',
	type: 'options',
	noDataExpression: true,
	default: 'poll',
	description: 'When the node finishes',
	options: [
		{ name: 'Wait Until Done (Poll)', value: 'poll', description: 'Check the task until it succeeds or fails, then output the result' },
		{ name: 'Return Task Immediately', value: 'returnTask', description: 'Output the task at once; fetch the result later with Get or the Kling Trigger' },
		{
			name: 'Pause Until Kling Calls Back',
			value: 'callback',
			description:
				'Pause the execution, with no time limit, until Kling reports every task finished. Needs an n8n that Kling can reach from the internet.',
		},
	],
};

/** The options about the files a create makes: download them into binary data, and watermarked copies. */
const MEDIA_OPTIONS: Record<NonNullable<OptionsKind['media']>, INodeProperties[]> = {
	video: [
		{ displayName: 'Download Video', name: 'download', type: 'boolean', validateType: 'boolean', default: false, description: 'Whether to add the finished video to the output as binary data, besides its URL (it expires after 30 days)' },
		{ displayName: 'Binary Field Name', name: 'binaryPropertyName', type: 'string', default: 'data', description: 'Name of the output binary field that receives the video' },
		{ displayName: 'Watermark', name: 'watermark', type: 'boolean', validateType: 'boolean', default: false, description: 'Whether Kling also makes a watermarked copy (output as Watermark URL)' },
	],
	images: [
		{ displayName: 'Download Images', name: 'download', type: 'boolean', validateType: 'boolean', default: false, description: 'Whether to add the finished images to the output as binary data, besides their URLs (they expire after 30 days)' },
		{ displayName: 'Binary Field Prefix', name: 'binaryPropertyName', type: 'string', default: 'image_', description: 'The images go to binary fields named with this prefix and their index: image_0, image_1, and so on' },
		{ displayName: 'Watermark', name: 'watermark', type: 'boolean', validateType: 'boolean', default: false, description: 'Whether Kling also makes watermarked copies (output as watermark URLs)' },
	],
};

/**
 * The Options collection of every create: when the node finishes, its limits, and the task's own settings.
 * Completion, Timeout and Max Concurrent Tasks apply to the whole run and are read from the first item.
 */
export function createOptions({ timeoutMinutes, media }: OptionsKind): INodeProperties {
	const mediaOptions = media ? MEDIA_OPTIONS[media] : [];
	return collection('Options', [
		completionOption,
		{ displayName: 'Timeout (Minutes)', name: 'timeoutMinutes', type: 'number', validateType: 'number', default: timeoutMinutes, typeOptions: { minValue: 0.1, numberPrecision: 2 }, description: 'How long each task may take before its item fails with the task ID, to fetch later: with Wait Until Done, and for the views of Generate Additional Views in every mode. Also how long a create Kling refuses for its rate or concurrency limit is tried again. One value for the whole run (the first item\'s).' },
		{ displayName: 'Max Concurrent Tasks', name: 'maxConcurrentTasks', type: 'number', validateType: 'number', default: 3, typeOptions: { minValue: 1, maxValue: 50 }, description: "With Wait Until Done: how many concurrency slots the items' tasks may take on Kling at once (an image task takes one per image). Match your resource pack's limit. One value for the whole run (the first item's)." },
		...mediaOptions,
		{ displayName: 'Callback URL', name: 'callbackUrl', type: 'string', default: '', placeholder: 'e.g. https://n8n.example.com/webhook/1f0c.../kling', description: 'Kling POSTs the status changes of the task here, for example to the production URL of a Kling Trigger node. Not with Pause Until Kling Calls Back, which sets its own.' },
		{ displayName: 'External Task ID', name: 'externalTaskId', type: 'string', default: '', placeholder: 'e.g. campaign-42-hero', description: 'Your own ID for the task, unique in the Kling account. Left empty, the node makes one, which also finds a task whose answer was lost, and lets Retry On Fail take over the tasks of the first try. Not with Pause Until Kling Calls Back, which sets its own.' },
	]);
}

/** Field names in validation messages for what the options put into a request. */
export const OPTION_LABELS = { callback_url: 'Callback URL', external_task_id: 'External Task ID', watermark_info: 'Watermark' };

/** The Options of a Get that can download the finished files into binary data. */
export function downloadOptions(media: NonNullable<OptionsKind['media']>): INodeProperties {
	return collection('Options', MEDIA_OPTIONS[media].slice(0, 2));
}

export interface Download {
	download: boolean;
	binaryPropertyName: string;
}

/**
 * Whether to download the finished files, and into which binary field (or field prefix, for images). `checked`: the
 * item's request checked the options already, so nothing is refused again (a resumed run reads them as for the first
 * item, which must not fail another item's paid result).
 */
export function readDownload(this: IExecuteFunctions, itemIndex: number, media: OptionsKind['media'], checked = false): Download {
	const options = optionsOf(this, itemIndex);
	const fallback = media === 'images' ? 'image_' : 'data';
	const label = `Options → Download ${media === 'images' ? 'Images' : 'Video'}`;
	const download = checked ? options.download === true : readYesNo.call(this, 'options.download', label, itemIndex, false);
	return { download, binaryPropertyName: String(options.binaryPropertyName ?? fallback).trim() || fallback };
}

const optionsOf = (ctx: IExecuteFunctions, itemIndex: number) => ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;

/** When the node finishes, from the first item's options. An AI agent calling the node as a tool cannot be paused. */
export function readCompletion(this: IExecuteFunctions, { timeoutMinutes }: OptionsKind): CompletionSettings {
	const options = optionsOf(this, 0);
	const mode = (options.completion as CompletionMode | undefined) ?? 'poll';
	const positive = (value: unknown, label: string) => {
		const number = Number(value);
		if (value === '' || !Number.isFinite(number) || number <= 0) {
			throw invalidInput.call(this, `Options → ${label} must be a number above 0 (it is "${String(value).slice(0, 40)}")`, 0);
		}
		return number;
	};
	return {
		// A tool must answer its caller, so it polls.
		mode: mode === 'callback' && isToolCall(this) ? 'poll' : mode,
		timeoutMs: positive(options.timeoutMinutes ?? timeoutMinutes, 'Timeout (Minutes)') * 60_000,
		maxConcurrent: Math.max(1, Math.floor(positive(options.maxConcurrentTasks ?? 3, 'Max Concurrent Tasks'))),
	};
}

/** An item's Download options, and what the request gets from its options: callback URL, external task ID, watermark. */
export function readCreateOptions(this: IExecuteFunctions, itemIndex: number, { media }: OptionsKind): Download & { body: IDataObject } {
	const options = optionsOf(this, itemIndex);
	const body: IDataObject = {};
	const callbackUrl = String(options.callbackUrl ?? '').trim();
	if (callbackUrl && !isHttpUrl(callbackUrl)) throw invalidInput.call(this, `Options → Callback URL must be an http(s) URL (it is "${truncate(callbackUrl)}")`, itemIndex);
	if (callbackUrl) body.callback_url = callbackUrl;
	const externalTaskId = textOf.call(this, options.externalTaskId, 'Options → External Task ID', itemIndex).trim();
	if (externalTaskId) body.external_task_id = externalTaskId;
	if (media) body.watermark_info = { enabled: readYesNo.call(this, 'options.watermark', 'Options → Watermark', itemIndex, false) };
	return { ...readDownload.call(this, itemIndex, media), body };
}
