import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { checkElementId, elementLocator } from './elementLocator';

/** Marks presets in the pickers (methods/listSearch.ts); a picker's remembered name is read without it. */
export const PRESET_NAME_SUFFIX = ' (Kling preset)';

/** An element the user put in a video's element list: its id, and its name when the picker remembered it. */
export interface PickedElement {
	id: string;
	name?: string;
}

/**
 * An ordered list of element pickers. The order is the `<<<element_N>>>` numbering (kling-api.md §6.1), so
 * entries can be dragged into place.
 */
export function elementListField({ max, description }: { max: number; description: string }): INodeProperties {
	return {
		displayName: 'Elements',
		name: 'elements',
		type: 'fixedCollection',
		placeholder: 'Add Element',
		default: {},
		typeOptions: { multipleValues: true, sortable: true, maxAllowed: max },
		description,
		options: [{ displayName: 'Element', name: 'element', values: [elementLocator({ required: false })] }],
	};
}

interface LocatorValue {
	mode?: string;
	value?: unknown;
	cachedResultName?: string;
}

/** Reads the list in the user's order, each id checked as `readElementId` does. */
export function readElementList(this: IExecuteFunctions, itemIndex: number): PickedElement[] {
	const entries = this.getNodeParameter('elements.element', itemIndex, []) as Array<{ element?: unknown }>;
	return entries.map((entry, n) => {
		const picked = entry.element;
		// A picker holds { mode, value, cachedResultName }; an older or hand-made workflow may hold the bare id.
		const locator = picked !== null && typeof picked === 'object' ? (picked as LocatorValue) : { value: picked };
		const id = checkElementId.call(this, locator.value, itemIndex, `Element ${n + 1}`);
		return { id, name: pickedName(locator) };
	});
}

/**
 * The name the picker showed when the element was chosen from the list, so `@Name` needs no lookup. Only
 * trusted in list mode: an id typed or computed later may belong to another element.
 */
function pickedName({ mode, cachedResultName }: LocatorValue): string | undefined {
	if (mode !== 'list' || !cachedResultName) return undefined;
	return cachedResultName.endsWith(PRESET_NAME_SUFFIX) ? cachedResultName.slice(0, -PRESET_NAME_SUFFIX.length) : cachedResultName;
}

/** The request's `element_list`: the picked ids in the user's order, or no field when none were picked. */
export function toElementList(elements: PickedElement[]): Array<{ element_id: string }> | undefined {
	return elements.length ? elements.map(({ id }) => ({ element_id: id })) : undefined;
}
