import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { eachItem } from '../shared/items';
import { libraryFields, readLibrary } from '../shared/library';
import { elementOutput } from './output';

export const properties: INodeProperties[] = libraryFields('element', "Kling's official, read-only elements", [
	{ displayName: 'Include Deleted', name: 'includeDeleted', type: 'boolean', validateType: 'boolean', default: false, description: 'Whether to include elements that were deleted' },
]);

/** One item per element. Kling's lists take no filters, so they are applied while the pages are read (§3.3). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem.call(this, async (i) => {
		const elements = await readLibrary(this, 'element', i, (element, filters) => filters.includeDeleted === true || element.status !== 'deleted');
		return elements.map((element) => ({ json: elementOutput(element) }));
	});
}
