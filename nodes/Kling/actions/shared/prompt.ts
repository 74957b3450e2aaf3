import type { IExecuteFunctions } from 'n8n-workflow';

import type { KlingElement } from '../../contract/element';
import { findInLibraries } from './library';
import type { Picked } from './pickers';
import { invalidInput } from './validate';

/**
 * How a prompt refers to the inputs of a video or an image: Kling's placeholders `<<<element_N>>>`, `<<<image_N>>>`,
 * `<<<video_N>>>` and `<<<voice_N>>>`, where N is the 1-based position in that list (docs/kling-api.md §6.1, §7, §7a),
 * and the friendlier `@Element Name` this node translates into `<<<element_N>>>`.
 */

const PLACEHOLDER = /<<<(element|image|video|voice)_(\d+)>>>/g;
/** Anything written like a placeholder: Kling reads only the exact forms above, the rest as plain text. */
const LIKE_A_PLACEHOLDER = /<<<([^<>]*)>>>/g;

/**
 * What may come before the `@` of a mention: nothing, or a character that is not part of a word or a URL (so neither
 * `mail@example.com` nor `https://x.com/@Mira` holds one).
 */
const BEFORE_MENTION = String.raw`(^|[^\p{L}\p{N}_/=?&#%+~.:-])`;
const MENTION_START = new RegExp(`${BEFORE_MENTION}@(?=[\\p{L}\\p{N}])`, 'u');
/** How Kling's new-standard API refers to inputs (`@image_1`, §6.2); the legacy one this node calls reads it as text. */
const NEW_STANDARD_REFERENCE = new RegExp(`${BEFORE_MENTION}@((element|image|video|voice)_(\\d+))(?![\\p{L}\\p{N}_])`, 'iu');

/** The field a prompt was typed in, as messages name it: "the prompt", or a shot's "Shots #2 → Prompt". */
const PROMPT = 'the prompt';
const sentenceStart = (field: string) => field.charAt(0).toUpperCase() + field.slice(1);

/**
 * The first placeholder that points past the end of its list, or to a list the operation has none of (`null`: an
 * image has no videos or voices), as a message; undefined when all fit.
 */
export function placeholderProblem(
	text: string,
	counts: Partial<Record<'element' | 'image' | 'video' | 'voice', number | null>>,
	field = PROMPT,
): string | undefined {
	const newStandard = NEW_STANDARD_REFERENCE.exec(text);
	if (newStandard) {
		return `${sentenceStart(field)} refers to @${newStandard[2]}, which Kling reads as plain text here: write <<<${newStandard[3].toLowerCase()}_${newStandard[4]}>>>.`;
	}
	for (const [written, inner] of text.matchAll(LIKE_A_PLACEHOLDER)) {
		if (!/^(element|image|video|voice)_\d+$/.test(inner)) {
			return `${sentenceStart(field)} refers to ${written}, which Kling does not read as a placeholder: write <<<element_1>>>, <<<image_1>>>, <<<video_1>>> or <<<voice_1>>>, in lower case and without spaces.`;
		}
	}
	for (const match of text.matchAll(PLACEHOLDER)) {
		const kind = match[1] as keyof typeof counts;
		const limit = counts[kind];
		if (limit === undefined) continue; // not a list this kind of video has; Kling judges it
		if (limit === null) return `${sentenceStart(field)} refers to ${match[0]}, but this operation takes no ${kind}s: its prompt can refer only to the lists it has.`;
		const position = Number(match[2]);
		// Kling matches the placeholder as written: "01" would name nothing.
		if (match[2] !== String(position)) return `${sentenceStart(field)} refers to ${match[0]}: write it as <<<${kind}_${position}>>>, without leading zeros.`;
		if (position >= 1 && position <= limit) continue;
		const list = { element: 'Elements', image: 'Images', video: 'Reference Video', voice: 'Voices' }[kind];
		const holds = limit === 0 ? 'is empty' : `holds ${limit} ${limit === 1 ? 'entry' : 'entries'}`;
		return `${sentenceStart(field)} refers to ${match[0]}, but ${list} ${holds}. Placeholders count from 1 in the order of the list.`;
	}
	return undefined;
}

const NAME_CHAR = /[\p{L}\p{N}_]/u;

export function hasMentions(text: string): boolean {
	return MENTION_START.test(text);
}

/**
 * Replaces `@Element Name` with `<<<element_N>>>` for the elements in the list (`names[N - 1]`). Matching
 * ignores case and takes the longest name that ends at a word boundary, so "@Mira" never matches "Miranda".
 * An `@` that names no element stays as typed.
 */
export function translateMentions(text: string, names: Array<string | undefined>, field = PROMPT): { text: string } | { problem: string } {
	const candidates = names
		.map((name, index) => ({ name: name?.trim() ?? '', position: index + 1 }))
		.filter((candidate) => candidate.name)
		.sort((a, b) => b.name.length - a.name.length);
	let out = '';
	let last = 0;
	// A fresh global copy: a shared one would carry its position over from an earlier search.
	for (const match of text.matchAll(new RegExp(MENTION_START.source, 'gu'))) {
		const at = (match.index ?? 0) + match[1].length;
		if (at < last) continue; // inside the name of the element just translated
		const rest = text.slice(at + 1);
		const fits = candidates.filter(
			({ name }) => rest.slice(0, name.length).toLowerCase() === name.toLowerCase() && !NAME_CHAR.test(rest.charAt(name.length)),
		);
		if (!fits.length) continue;
		const longest = fits.filter((candidate) => candidate.name.length === fits[0].name.length);
		const positions = [...new Set(longest.map((candidate) => candidate.position))];
		if (positions.length > 1) {
			return {
				problem: `@${longest[0].name} in ${field} is ambiguous: elements ${positions.join(' and ')} have that name. Write <<<element_N>>> instead.`,
			};
		}
		out += `${text.slice(last, at)}<<<element_${positions[0]}>>>`;
		last = at + 1 + longest[0].name.length;
	}
	return { text: out + text.slice(last) };
}

/**
 * The field labels for checking texts again once their mentions became placeholders, which are longer: a length
 * limit the sent text then passes says so, since the text as typed is shorter.
 */
export function labelsAsSent(labels: Record<string, string>, keys: string[]): Record<string, string> {
	return { ...labels, ...Object.fromEntries(keys.map((key) => [key, `${labels[key]} (with its @names written as <<<element_N>>>)`])) };
}

/**
 * Checks the placeholders of `texts` against the `counts` of their lists (`placeholderProblem`), then turns `@Element
 * Name` mentions into placeholders, refusing ambiguous ones. Names come from the pickers; an element given by ID is
 * looked up in the libraries, only when a mention needs its name. `fields` names each text's field in messages.
 * Returns the texts and the elements looked up (their kinds are known then, too).
 */
export async function translateElementMentions(
	this: IExecuteFunctions,
	texts: string[],
	elements: Picked[],
	itemIndex: number,
	counts: Parameters<typeof placeholderProblem>[1] = {},
	fields: string[] = [],
): Promise<{ texts: string[]; found: Map<string, KlingElement> }> {
	const problem = texts.map((text, n) => placeholderProblem(text, counts, fields[n])).find(Boolean);
	if (problem) throw invalidInput.call(this, problem, itemIndex);
	if (!elements.length || !texts.some(hasMentions)) return { texts, found: new Map() };
	const unnamed = elements.filter((element) => !element.name).map((element) => element.id);
	const found = unnamed.length ? await findInLibraries(this, 'element', unnamed) : new Map<string, KlingElement>();
	// A deleted element is left for Kling to refuse, with its own message.
	for (const [id, element] of found) if (element.status === 'deleted') found.delete(id);
	const names = elements.map((element) => element.name ?? found.get(element.id)?.element_name ?? undefined);
	const translated = texts.map((text, n) => {
		const result = translateMentions(text, names, fields[n]);
		if ('problem' in result) throw invalidInput.call(this, result.problem, itemIndex);
		return result.text;
	});
	return { texts: translated, found };
}
