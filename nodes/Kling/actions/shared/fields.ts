import type { IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { PROMPT_MAX } from '../../contract/request';
import { optionList, optionNamed, type MultiOption } from './multiOptions';
import { invalidInput, truncate } from './validate';

/** Fields several create operations share, with the same wording everywhere. */

/** A prompt placeholder as descriptions show it: they are HTML, so `<<<element_1>>>` must be encoded. */
export const placeholder = (name: string) => `&lt;&lt;&lt;${name}&gt;&gt;&gt;`;

export function promptField(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		placeholder: 'e.g. The character waves at the camera and smiles',
		description: `What happens, up to ${PROMPT_MAX} characters`,
		...overrides,
	};
}

const MODES: INodePropertyOptions[] = [
	{ name: 'Standard (720p)', value: 'std' },
	{ name: 'Professional (1080p)', value: 'pro' },
	{ name: '4K', value: '4k' },
];

/** Output resolution; 4K only where the model has it (§6.1, §7), so it is offered only there. */
export function modeField(with4k: boolean, displayOptions?: INodeProperties['displayOptions']): INodeProperties {
	const options = with4k ? MODES : MODES.filter((mode) => mode.value !== '4k');
	return { displayName: 'Mode', name: 'mode', type: 'options', default: 'std', options, description: 'Output resolution; higher costs more', displayOptions };
}

/** "3 Seconds" ... up to `max`; the values are strings, as Kling wants them. */
export function durationField(max: number, description: string, displayOptions?: INodeProperties['displayOptions']): INodeProperties {
	const options = Array.from({ length: max - 2 }, (_, n) => ({ name: `${n + 3} Seconds`, value: String(n + 3) }));
	return { displayName: 'Duration', name: 'duration', type: 'options', default: '5', description, options, displayOptions };
}

/** A text field's value as text: an object or a list from an expression is refused, never sent as "[object Object]". */
export function textOf(this: IExecuteFunctions, value: unknown, label: string, itemIndex: number): string {
	if (value !== null && typeof value === 'object') {
		throw invalidInput.call(this, `${label} must be text, not ${Array.isArray(value) ? 'a list' : 'an object'}`, itemIndex, 'Pick a text field of the object in the expression.');
	}
	return String(value ?? '');
}

/**
 * Refuses a field whose value came out empty when it holds an expression: taken for a field left out, it would pay
 * for a result without what was asked. `name` is where the field sits in the node's parameters (`sound`,
 * `options.download`, `images.image.0.use`, `voiceId.value`), as the editor saved it: an expression starts with "=".
 */
export function refuseEmptyExpression(this: IExecuteFunctions, name: string, label: string, itemIndex: number, hint = 'Make the expression give a value, or set the field without one.'): void {
	const [field, ...path] = name.split('.');
	const raw = path.reduce<unknown>((parent, key) => (parent as Record<string, unknown> | undefined)?.[key], this.getNode().parameters[field]);
	if (typeof raw === 'string' && raw.startsWith('=')) throw invalidInput.call(this, `${label} is empty: its expression gave nothing`, itemIndex, hint);
}

/**
 * A yes/no or choice value as n8n gave it, or `fallback` when there is none; one whose expression gave nothing is
 * refused (a reference image, a series, a first frame would be dropped).
 */
function givenOrDefault(this: IExecuteFunctions, value: unknown, name: string, label: string, itemIndex: number, fallback: boolean | string): unknown {
	if (value !== null && value !== undefined) return value;
	refuseEmptyExpression.call(this, name, label, itemIndex);
	return fallback;
}

/** A top-level field's value, or a collection's option (`options.download`), read through n8n's type checks. */
function readField(this: IExecuteFunctions, name: string, label: string, itemIndex: number, fallback: boolean | string): unknown {
	const [field, option] = name.split('.');
	// A collection is read whole: n8n cannot check an option's value on its own once its expression gave nothing.
	const value = option === undefined ? this.getNodeParameter(field, itemIndex, fallback) : (this.getNodeParameter(field, itemIndex, {}) as Record<string, unknown>)[option];
	return givenOrDefault.call(this, value, name, label, itemIndex, fallback);
}

export function readYesNo(this: IExecuteFunctions, name: string, label: string, itemIndex: number, fallback: boolean): boolean {
	return readField.call(this, name, label, itemIndex, fallback) === true;
}

/**
 * A choice's value: one of its `options`, by value or by name in any case, as for a multi-select. n8n hands over
 * whatever an expression gives, unchecked: a value no option has is refused, as read for another option it would pay
 * for something else (single images for "Series", both frames for "First").
 */
function choiceOf(this: IExecuteFunctions, value: unknown, label: string, itemIndex: number, options: readonly MultiOption[]): string {
	const text = String(value).trim();
	const option = optionNamed(text, options);
	if (!option) throw invalidInput.call(this, `${label}: "${truncate(text)}" is not one of ${optionList(options)}`, itemIndex);
	return String(option.value);
}

export function readChoice(this: IExecuteFunctions, name: string, label: string, itemIndex: number, options: readonly MultiOption[], fallback: string): string {
	return choiceOf.call(this, readField.call(this, name, label, itemIndex, fallback), label, itemIndex, options);
}

/**
 * The yes/no and choice values of one entry of a list (`list` as `images.image`), taken from the entry as n8n gave it
 * with the list: read that way, n8n has type-checked the entry's fields (a yes/no given as the text "true" is true).
 */
export function entryFields(this: IExecuteFunctions, list: string, n: number, entry: object, label: string, itemIndex: number) {
	const given = (key: string, fallback: boolean | string, name: string) => givenOrDefault.call(this, (entry as Record<string, unknown>)[key], `${list}.${n}.${key}`, `${label} #${n + 1} → ${name}`, itemIndex, fallback);
	return {
		yesNo: (key: string, name: string, fallback: boolean) => given(key, fallback, name) === true,
		choice: (key: string, name: string, options: readonly MultiOption[], fallback: string) => choiceOf.call(this, given(key, fallback, name), `${label} #${n + 1} → ${name}`, itemIndex, options),
	};
}

/** The trimmed text of a field (`label` as the editor shows it), or undefined so an empty one is not sent. */
export function readText(this: IExecuteFunctions, name: string, label: string, itemIndex: number): string | undefined {
	return textOf.call(this, this.getNodeParameter(name, itemIndex, ''), label, itemIndex).trim() || undefined;
}

/** A list the user adds up to `max` entries to, one by one, in order; read as `<field name>.<entry name>`. */
export function entryList(field: Pick<INodeProperties, 'displayName' | 'name' | 'description'> & Partial<INodeProperties>, entry: { displayName: string; name: string }, max: number, values: INodeProperties[]): INodeProperties {
	const options = [{ ...entry, values }];
	return { type: 'fixedCollection', placeholder: `Add ${entry.displayName}`, default: {}, typeOptions: { multipleValues: true, sortable: max > 1, maxAllowedFields: max }, options, ...field };
}

/** An Options or Filters collection: optional fields, in alphabetical order as n8n's own nodes list them. */
export function collection(displayName: 'Options' | 'Filters', options: INodeProperties[]): INodeProperties {
	const sorted = [...options].sort((a, b) => a.displayName.localeCompare(b.displayName));
	return { displayName, name: displayName.toLowerCase(), type: 'collection', placeholder: `Add ${displayName.slice(0, -1)}`, default: {}, options: sorted };
}

/** A notice shown above an operation's fields; `name` only tells it apart from the others. */
export function notice(name: string, displayName: string, displayOptions?: INodeProperties['displayOptions']): INodeProperties {
	return { displayName, name, type: 'notice', default: '', displayOptions };
}

/** A resource's fields: its Operation field, then each operation's own fields, shown for that operation only. */
export function resourceDescription(resource: string, operations: Record<string, { properties: INodeProperties[] }>, options: INodePropertyOptions[], defaultOperation: string): INodeProperties[] {
	const operation: INodeProperties = { displayName: 'Operation', name: 'operation', type: 'options', noDataExpression: true, displayOptions: { show: { resource: [resource] } }, options, default: defaultOperation };
	return [operation, ...Object.entries(operations).flatMap(([name, { properties }]) => updateDisplayOptions({ show: { resource: [resource], operation: [name] } }, properties))];
}
