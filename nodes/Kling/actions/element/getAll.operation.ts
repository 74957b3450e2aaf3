import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { elementsOfTaskResult } from '../../contract/element';
import { taskListSchema } from '../../contract/task';
import { klingPages } from '../../transport';
import { libraryFields, readLibraryQuery } from '../common/libraryFields';
import { elementOutput } from './elementOutput';

export const ELEMENT_LIBRARIES = {
	custom: '/v1/general/advanced-custom-elements',
	preset: '/v1/general/advanced-presets-elements',
} as const;

const properties: INodeProperties[] = libraryFields('elements', "Kling's official, read-only elements", [
	{
		displayName: 'Include Deleted',
		name: 'includeDeleted',
		type: 'boolean',
		default: false,
		description: 'Whether to include elements that were deleted',
	},
]);

export const description = updateDisplayOptions({ show: { resource: ['element'], operation: ['getAll'] } }, properties);

/** Kling lists creation tasks; each successful one holds its element. Output: one item per element. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const { library, limit, filters, needle } = readLibraryQuery.call(this, i);

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
