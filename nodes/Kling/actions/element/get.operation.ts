import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { eachItem } from '../shared/items';
import { findInLibraries } from '../shared/library';
import { picker, readPicked } from '../shared/pickers';
import { elementOutput } from './output';

export const properties: INodeProperties[] = [picker('element', { description: 'One of your elements or a Kling preset' })];

/** Kling has no "get element" endpoint: the element is looked for in the account's library, then the presets (§3.3). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem.call(this, async (i) => {
		const { id } = readPicked.call(this, 'element', 'element', i);
		const element = (await findInLibraries(this, 'element', [id])).get(id);
		if (!element) {
			throw new NodeOperationError(this.getNode(), `Kling has no element with ID ${id}`, {
				itemIndex: i,
				description: 'Neither your elements nor the presets have it; an element still being created shows up once its task succeeds (Get Creation Task).',
			});
		}
		return { json: elementOutput(element) };
	});
}
