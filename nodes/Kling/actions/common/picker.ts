import type { INodeProperties } from 'n8n-workflow';

/**
 * A Resource Locator that picks one of the account's things (and Kling's presets) from a searchable list, or takes
 * an ID or an expression such as `{{ $json.elementId }}`. IDs stay strings from the editor to the request body.
 */
export function pickerLocator(picker: {
	displayName: string;
	name: string;
	searchListMethod: string;
	example: string;
	idPattern: RegExp;
	idError: string;
}): INodeProperties {
	return {
		displayName: picker.displayName,
		name: picker.name,
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: picker.searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: `e.g. ${picker.example}`,
				validation: [{ type: 'regex', properties: { regex: picker.idPattern.source, errorMessage: picker.idError } }],
			},
		],
	};
}
