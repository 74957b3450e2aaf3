import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { elementsOfTaskResult } from '../../contract/element';
import { taskListSchema } from '../../contract/task';
import { klingPages } from '../../transport';
import { elementOutput } from './elementOutput';

export const ELEMENT_LIBRARIES = {
	custom: '/v1/general/advanced-custom-elements',
	preset: '/v1/general/advanced-presets-elements',
} as const;

const properties: INodeProperties[] = [
	{
		displayName: 'Library',
		name: 'library',
		type: 'options',
		default: 'custom',
		options: [
			{ name: 'My Elements', value: 'custom', description: 'Elements created with this account' },
			{ name: 'Kling Presets', value: 'preset', description: "Kling's official, read-only elements" },
		],
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
				description: 'Only elements whose name contains this text (not case-sensitive)',
			},
			{
				displayName: 'Include Deleted',
				name: 'includeDeleted',
				type: 'boolean',
				default: false,
				description: 'Whether to include elements that were deleted',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['element'], operation: ['getAll'] } }, properties);

/** Kling lists creation tasks; each successful one holds its element. Output: one item per element. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const library = this.getNodeParameter('library', i) as keyof typeof ELEMENT_LIBRARIES;
	const returnAll = this.getNodeParameter('returnAll', i) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', i) as number);
	const filters = this.getNodeParameter('filters', i, {}) as { nameContains?: string; includeDeleted?: boolean };
	const needle = filters.nameContains?.trim().toLowerCase();

	const elements: IDataObject[] = [];
	// Filters are applied here (Kling's lists take none), so pages are read until enough elements matched.
	for await (const page of klingPages.call(this, ELEMENT_LIBRARIES[library], { pageSize: Math.min(500, Math.max(30, limit)) })) {
		for (const task of taskListSchema.parse(page)) {
			for (const element of elementsOfTaskResult(task.task_result)) {
				if (!filters.includeDeleted && element.status === 'deleted') continue;
				if (needle && !(element.element_name ?? '').toLowerCase().includes(needle)) continue;
				elements.push(elementOutput(element));
			}
		}
		if (elements.length >= limit) break;
	}
	return elements.slice(0, limit);
}
