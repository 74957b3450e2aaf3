import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { ELEMENT_ID_PATTERN } from '../../contract/request';
import { entryList, refuseEmptyExpression } from './fields';
import { invalidInput, refuseRoundedId } from './validate';

/**
 * The element and voice pickers: search the account's own (and Kling's presets) by name, or give an ID or an
 * expression such as `{{ $json.elementId }}`. IDs stay strings from the editor to the request (§2).
 */

/** Marks presets in the pickers' lists (methods/listSearch.ts); a remembered name is read without it. */
export const PRESET_NAME_SUFFIX = ' (Kling preset)';

/** Voice ids are digits too; the picker also takes letters, dashes and underscores so Kling judges other shapes. */
const VOICE_ID = /^[A-Za-z0-9_-]{1,64}$/;

const PICKERS = {
	element: { displayName: 'Element', searchListMethod: 'searchElements', ownOnlyMethod: 'searchElementsOwnOnly', example: '835266081714884677', pattern: ELEMENT_ID_PATTERN, idHint: 'An element ID looks like 835266081714884677' },
	voice: { displayName: 'Voice', searchListMethod: 'searchVoices', ownOnlyMethod: 'searchVoicesOwnOnly', example: '829824295736356877', pattern: VOICE_ID, idHint: 'A voice ID looks like 829824295736356877' },
};

type Kind = keyof typeof PICKERS;

/**
 * `ownOnly` lists the account's own and not Kling's presets (methods/listSearch.ts), for what only those allow (Delete).
 * An `optional` picker may be left empty, in By ID mode too: n8n checks the ID's pattern on an empty value as well, and
 * would not run the workflow.
 */
export function picker(kind: Kind, overrides: Partial<INodeProperties> = {}, { ownOnly = false, optional = false } = {}): INodeProperties {
	const { displayName, example, pattern, idHint } = PICKERS[kind];
	const searchListMethod = ownOnly ? PICKERS[kind].ownOnlyMethod : PICKERS[kind].searchListMethod;
	const regex = optional ? `(${pattern.source})?` : pattern.source;
	return {
		displayName,
		name: kind,
		type: 'resourceLocator',
		required: !optional,
		default: { mode: 'list', value: '' },
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod, searchable: true } },
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: `e.g. ${example}`,
				validation: [{ type: 'regex', properties: { regex, errorMessage: idHint } }],
			},
		],
		...overrides,
	};
}

type LocatorValue = { mode?: string; value?: unknown; cachedResultName?: string };

/** A picked element or voice: its id, and its name when it was picked from the list (an id typed later may differ). */
export interface Picked {
	id: string;
	name?: string;
}

/** Checks a picker's value (or a bare id from an older or hand-made workflow) before anything is sent; none if empty. */
export function checkPicked(this: IExecuteFunctions, kind: Kind, picked: unknown, itemIndex: number, label: string): Picked | undefined {
	const locator: LocatorValue = picked !== null && typeof picked === 'object' ? (picked as LocatorValue) : { value: picked };
	const raw = locator.value;
	const value = String(raw ?? '').trim();
	if (!value) return undefined;
	refuseRoundedId.call(this, raw, `${label} ID`, `{{ $json.${kind}Id }}`, itemIndex);
	if (!PICKERS[kind].pattern.test(value)) {
		throw invalidInput.call(this, `${label} ID must look like ${PICKERS[kind].example} (it is "${value.slice(0, 40)}")`, itemIndex);
	}
	const name = locator.mode === 'list' ? locator.cachedResultName?.replace(PRESET_NAME_SUFFIX, '') : undefined;
	return { id: value, name: name || undefined };
}

/** A required picker, the field named after its kind (`picker(kind)`). */
export function readPicked(this: IExecuteFunctions, kind: Kind, itemIndex: number): Picked {
	const label = PICKERS[kind].displayName;
	const picked = checkPicked.call(this, kind, this.getNodeParameter(kind, itemIndex, ''), itemIndex, label);
	if (!picked) throw invalidInput.call(this, `${label} is required: pick one from the list or enter its ID`, itemIndex);
	return picked;
}

/**
 * A picker that may be left empty for none (`parameter` a top-level field). An expression giving empty text means none
 * (a sheet's empty cell, for an item without one); one giving nothing at all (a field the item lacks: a voice still
 * being created, a typo) is refused, as taken for none the result would be paid for without it.
 */
export function readOptionalPicked(this: IExecuteFunctions, kind: Kind, parameter: string, itemIndex: number): Picked | undefined {
	const label = PICKERS[kind].displayName;
	const given = this.getNodeParameter(parameter, itemIndex, '') as unknown;
	const picked = checkPicked.call(this, kind, given, itemIndex, label);
	if (picked) return picked;
	const value = given !== null && typeof given === 'object' ? (given as LocatorValue).value : given;
	if (typeof value === 'string') return undefined;
	const hint = `Make the expression give a ${kind} ID, or leave the field empty for no ${kind}.`;
	// A picker keeps its expression in its value; a hand-made workflow may give the expression as the whole field.
	refuseEmptyExpression.call(this, `${parameter}.value`, label, itemIndex, hint);
	refuseEmptyExpression.call(this, parameter, label, itemIndex, hint);
	return undefined;
}

/** An ordered list of pickers: the order is the `<<<element_N>>>` / `<<<voice_N>>>` numbering (§6.1, §7). */
export function pickerList(kind: Kind, max: number, description: string, overrides: Partial<INodeProperties> = {}): INodeProperties {
	const { displayName } = PICKERS[kind];
	return entryList({ displayName: `${displayName}s`, name: `${kind}s`, description, ...overrides }, { displayName, name: kind }, max, [picker(kind)]);
}

/** Reads a picker list in the user's order; an empty entry is refused, it would shift the numbering. */
export function readPickerList(this: IExecuteFunctions, kind: Kind, itemIndex: number): Picked[] {
	const entries = this.getNodeParameter(`${kind}s.${kind}`, itemIndex, []) as Array<Record<string, unknown>>;
	return entries.map((entry, n) => {
		const label = `${PICKERS[kind].displayName} ${n + 1}`;
		const picked = checkPicked.call(this, kind, entry[kind], itemIndex, label);
		if (!picked) throw invalidInput.call(this, `${label} is empty: pick one from the list or remove the entry`, itemIndex);
		return picked;
	});
}

/** The request's `element_list` in the user's order, or no field when none were picked. */
export function toElementList(elements: Picked[]): Array<{ element_id: string }> | undefined {
	return elements.length ? elements.map(({ id }) => ({ element_id: id })) : undefined;
}
