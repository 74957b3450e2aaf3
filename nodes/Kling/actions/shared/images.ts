import type { IBinaryData, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import {
	IMAGE_RULES,
	imageEndOf,
	imageEndProblem,
	ImageEndReader,
	type ImageHead,
	imageHeadOf,
	ImageHeadReader,
	imageProblem,
	type BinaryImageRef,
	type ImageEnd,
	type ImageRuleOptions,
} from '../../contract/media';
import { isHttpUrl, notAnImageProblem } from '../../contract/request';
import { entryFields, readChoice, textOf } from './fields';
import { invalidInput, truncate } from './validate';

/** One image parameter as the user filled it in: a URL, or a binary property of the input item. */
export interface ImageSource {
	source?: 'url' | 'binary';
	url?: string;
	binaryProperty?: string;
}

export type ImageValue = string | BinaryImageRef;

/** `data:image/png;base64,`, parameters such as `;name=a.png` allowed before `;base64` (RFC 2397). */
const DATA_URI_PREFIX = /^data:image\/[a-z0-9.+-]+(;[a-z0-9.+-]+=[^;,]*)*;base64,/i;
/**
 * Bare Base64, perhaps in lines, long enough to be an image rather than a mistyped URL (no JPEG or PNG is shorter): in
 * the standard alphabet or in the URL-safe one (`-` and `_`, as Gmail gives attachments), not the two mixed.
 */
const BARE_BASE64 = /^(?:[A-Za-z0-9+/\r\n]{64,}|[A-Za-z0-9_\r\n-]{64,})={0,2}$/;

const SOURCE_OPTIONS = [
	{ name: 'URL', value: 'url', description: 'A public http(s) address of a JPEG or PNG, or its Base64' },
	{ name: 'Binary File', value: 'binary', description: 'A JPEG or PNG in a binary field of the input item' },
];

type ImageFieldsOptions = { prefix?: string; displayOptions?: INodeProperties['displayOptions'] } & ImageRuleOptions;

/**
 * The three fields that describe one image: where it comes from, its URL, or its binary field. With a prefix
 * they are top-level parameters (`frontalImageSource`, ...); without, they are the values of a collection entry.
 */
export function imageSourceFields(
	what: string,
	{ prefix = '', displayOptions, anyAspectRatio = false }: ImageFieldsOptions = {},
): INodeProperties[] {
	const capitalise = (word: string) => `${word[0].toUpperCase()}${word.slice(1)}`;
	const name = (field: string) => (prefix ? `${prefix}${capitalise(field)}` : field);
	const title = what.split(' ').map(capitalise).join(' ');
	const shownFor = (source: 'url' | 'binary') => ({
		...displayOptions,
		show: { ...displayOptions?.show, [name('source')]: [source] },
	});
	return [
		{
			displayName: prefix ? `${title} Source` : 'Source',
			name: name('source'),
			type: 'options',
			default: 'url',
			options: SOURCE_OPTIONS,
			displayOptions,
		},
		{
			displayName: prefix ? `${title} URL` : 'Image URL',
			name: name('url'),
			type: 'string',
			default: '',
			placeholder: 'e.g. https://example.com/character-front.png',
			description: `Public URL of the ${what}; its Base64, bare or as a data URI, works too`,
			displayOptions: shownFor('url'),
		},
		{
			displayName: prefix ? `${title} Binary Field` : 'Input Binary Field',
			name: name('binaryProperty'),
			type: 'string',
			default: 'data',
			hint: `JPEG or PNG, at most 10 MB, each side at least 300 px${anyAspectRatio ? '' : ', aspect ratio between 1:2.5 and 2.5:1'}`,
			description: `Name of the binary field of the input item that holds the ${what}`,
			displayOptions: shownFor('binary'),
		},
	];
}

/**
 * Checks the image of top-level fields made by `imageSourceFields` with a prefix, as `resolveImage` does; `label` is
 * the image's, e.g. "First Frame".
 */
export async function resolveImageField(this: IExecuteFunctions, prefix: string, label: string, itemIndex: number, rules: ImageRuleOptions = {}): Promise<ImageValue> {
	const input: ImageSource = {
		// A Source whose expression gave nothing is refused: taken for URL, a URL left in the hidden field would be sent.
		source: readChoice.call(this, `${prefix}Source`, `${label} Source`, itemIndex, SOURCE_OPTIONS, 'url') as ImageSource['source'],
		url: this.getNodeParameter(`${prefix}Url`, itemIndex, '') as string,
		binaryProperty: this.getNodeParameter(`${prefix}BinaryProperty`, itemIndex, 'data') as string,
	};
	return await resolveImage.call(this, input, label, itemIndex, rules);
}

/** The entries of a list of images (`name` as `images.image`), each one's Source read as in `resolveImageField`. */
export function readImageEntries<Entry extends ImageSource>(this: IExecuteFunctions, name: string, label: string, itemIndex: number): Entry[] {
	const entries = this.getNodeParameter(name, itemIndex, []) as Entry[];
	return entries.map((entry, n) => ({ ...entry, source: entryFields.call(this, name, n, entry, label, itemIndex).choice('source', 'Source', SOURCE_OPTIONS, 'url') as ImageSource['source'] }));
}

/**
 * Checks one image the user gave and returns what goes into the request: the URL itself, or a reference to the
 * binary file that transport/body.ts writes in as raw Base64 when the request is sent.
 */
export async function resolveImage(
	this: IExecuteFunctions,
	input: ImageSource,
	label: string,
	itemIndex: number,
	rules: ImageRuleOptions = {},
): Promise<ImageValue> {
	if ((input.source ?? 'url') === 'binary') {
		const property = String(input.binaryProperty ?? '').trim();
		if (!property) throw invalidInput.call(this, `${label}: enter the name of the input binary field`, itemIndex);
		const binary = inputBinary.call(this, itemIndex, property, label);
		const { head, size, end } = await readImageEnds.call(this, binary, itemIndex, property);
		const problem = imageProblem(head, size, rules) ?? (end && imageEndProblem(head, end));
		if (problem) throw invalidInput.call(this, `${label} (binary field "${property}") ${problem}`, itemIndex);
		return { binaryImage: { itemIndex, property } };
	}
	const url = textOf.call(this, input.url, label, itemIndex).trim();
	if (!url) throw invalidInput.call(this, `${label}: enter an image URL`, itemIndex);
	const isDataUri = DATA_URI_PREFIX.test(url);
	if (isDataUri || BARE_BASE64.test(url)) {
		// Base64 from an expression, which Kling takes raw (§2): a data URI loses its prefix, and URL-safe Base64 is
		// written in the standard alphabet and padded, the form the check below decodes and Kling reads.
		const text = url.replace(DATA_URI_PREFIX, '').replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/');
		const base64 = text.padEnd(Math.ceil(text.length / 4) * 4, '=');
		const bytes = Buffer.from(base64, 'base64');
		const head = imageHeadOf(bytes);
		const problem = imageProblem(head, bytes.length, rules) ?? imageEndProblem(head, imageEndOf(bytes));
		if (problem) throw invalidInput.call(this, `${label} (${isDataUri ? 'data URI' : 'Base64'}) ${problem}`, itemIndex);
		return base64;
	}
	if (!isHttpUrl(url)) {
		throw invalidInput.call(this, `${label} must be an http(s) URL or an image's Base64 (it is "${truncate(url)}")`, itemIndex);
	}
	// Refused here, not by Kling when this item's task is created, after earlier items' tasks were made and paid for.
	const problem = notAnImageProblem(url);
	if (problem) throw invalidInput.call(this, `${label} ${problem}`, itemIndex);
	return url;
}

/**
 * The item's binary file named `property`, found where n8n keeps it: under the item's binary data, or, when the
 * workflow's binary mode is "combined", at that path in the item's JSON.
 */
function inputBinary(this: IExecuteFunctions, itemIndex: number, property: string, label: string): IBinaryData {
	try {
		return this.helpers.assertBinaryData(itemIndex, property);
	} catch (error) {
		const hint = `Check the binary field name, or switch the source to URL. (n8n: ${(error as Error).message})`;
		throw invalidInput.call(this, `${label}: the input item has no binary field "${property}"`, itemIndex, hint);
	}
}

/**
 * Bytes read per step while a file is read through for its end. Every step is a new buffer that waits for V8's next
 * collection, and many of them add to the peak: in the memory bench (20 creates with 10 MB PNGs) the peak was 3.8x to
 * 5.1x one image with 64 KB steps and 2.5x to 3.0x with 16 KB steps, which cost about 25 ms more per 10 MB file.
 */
const CHECK_READ_STEP = 16 * 1024;

/**
 * The header of a binary file, its size and what its end marker check needs, without holding the whole file when n8n
 * stores it outside memory: the file is read through, and only what the header and end checks read is kept. A file
 * over the size limit is refused for that, so only its header is read.
 */
async function readImageEnds(
	this: IExecuteFunctions,
	binary: IBinaryData,
	itemIndex: number,
	property: string,
): Promise<{ head: ImageHead; size: number; end?: ImageEnd }> {
	if (!binary.id) {
		const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, property);
		return { head: imageHeadOf(bytes), size: bytes.length, end: imageEndOf(bytes) };
	}
	const { fileSize } = await this.helpers.getBinaryMetadata(binary.id);
	const readToEnd = fileSize <= IMAGE_RULES.maxBytes;
	const stream = await this.helpers.getBinaryStream(binary.id, readToEnd ? CHECK_READ_STEP : 64 * 1024);
	const head = new ImageHeadReader();
	const end = new ImageEndReader();
	try {
		for await (const chunk of stream as AsyncIterable<Buffer>) {
			head.push(chunk);
			if (!readToEnd && head.done) break;
			end.push(chunk);
		}
	} finally {
		stream.destroy();
	}
	return { head: head.head, size: fileSize, end: readToEnd ? end.end : undefined };
}
