import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { pickerLocator } from './picker';

/** Element ids are int64 digits; they stay strings from the editor to the request body. */
export const ELEMENT_ID_PATTERN = /^\d{1,20}$/;

/** The element picker: search the account's elements (and Kling's presets), or give an id or an expression. */
export function elementLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		...pickerLocator({
			displayName: 'Element',
			name: 'element',
			searchListMethod: 'searchElements',
			example: '835266081714884677',
			idPattern: ELEMENT_ID_PATTERN,
			idError: 'An element ID is a number, e.g. 835266081714884677',
		}),
		...overrides,
	};
}

/** Reads an element picker value as an exact digit string, refusing anything else before a request is made. */
export function readElementId(this: IExecuteFunctions, parameterName: string, itemIndex: number, label = 'Element'): string {
	const raw = this.getNodeParameter(parameterName, itemIndex, '', { extractValue: true }) as unknown;
	return checkElementId.call(this, raw, itemIndex, label);
}

/** The checks of `readElementId` for a value read some other way (e.g. a picker inside a fixed collection). */
export function checkElementId(this: IExecuteFunctions, raw: unknown, itemIndex: number, label = 'Element'): string {
	const value = String(raw ?? '').trim();
	if (!value) throw new NodeOperationError(this.getNode(), `${label} is required: pick one from the list or enter its ID`, { itemIndex });
	if (typeof raw === 'number' && !Number.isSafeInteger(raw)) {
		throw new NodeOperationError(this.getNode(), `${label} ID ${value} has lost digits: it passed through a number`, {
			itemIndex,
			description: 'Pass element IDs as text, e.g. {{ $json.elementId }} from this node\'s output, not a number from a calculation.',
		});
	}
	if (!ELEMENT_ID_PATTERN.test(value)) {
		throw new NodeOperationError(this.getNode(), `${label} ID must be a number such as 835266081714884677 (it is "${value.slice(0, 40)}")`, { itemIndex });
	}
	return value;
}
