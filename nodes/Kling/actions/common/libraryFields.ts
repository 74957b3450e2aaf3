import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** The fields of a Get Many over one of Kling's two libraries (the account's own, or Kling's presets). */
export function libraryFields(noun: 'elements' | 'voices', presetsDescription: string, extraFilters: INodeProperties[] = []): INodeProperties[] {
	const title = noun === 'elements' ? 'Elements' : 'Voices';
	const libraries: INodePropertyOptions[] = [
		{ name: `My ${title}`, value: 'custom', description: `${title} created with this account` },
		{ name: 'Kling Presets', value: 'preset', description: presetsDescription },
	];
	return [
		{
			displayName: 'Library',
			name: 'library',
			type: 'options',
			default: 'custom',
			options: libraries,
		},
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			default: 50,
			typeOptions: { minValue: 1 },
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [
				{
					displayName: 'Name Contains',
					name: 'nameContains',
					type: 'string',
					default: '',
					description: `Only ${noun} whose name contains this text (not case-sensitive)`,
				},
				...extraFilters,
			],
		},
	];
}

export interface LibraryQuery {
	library: 'custom' | 'preset';
	/** Infinity with Return All. */
	limit: number;
	filters: IDataObject;
	/** The Name Contains filter, lower-cased; undefined when empty. */
	needle?: string;
}

export function readLibraryQuery(this: IExecuteFunctions, itemIndex: number): LibraryQuery {
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	return {
		library: this.getNodeParameter('library', itemIndex) as 'custom' | 'preset',
		limit: returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex) as number),
		filters,
		needle: String(filters.nameContains ?? '').trim().toLowerCase() || undefined,
	};
}
