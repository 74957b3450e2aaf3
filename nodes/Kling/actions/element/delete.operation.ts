import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { klingApiRequest } from '../../transport';
import { asNodeError, isNotFound } from '../../transport/errors';
import { elementLocator, readElementId } from '../common/elementLocator';

const properties: INodeProperties[] = [elementLocator({ description: 'The custom element to delete; presets cannot be deleted' })];

export const description = updateDisplayOptions({ show: { resource: ['element'], operation: ['delete'] } }, properties);

/**
 * Which path deletes an advanced element is uncertain (kling-api.md §3.5): the advanced path first, and the older
 * path when the first does not know the element (or does not exist on a relay). Neither knowing it is said plainly.
 */
const DELETE_PATHS = ['/v1/general/delete-advanced-elements', '/v1/general/delete-elements'];

export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const elementId = readElementId.call(this, 'element', i);
	let answer = '';
	for (const path of DELETE_PATHS) {
		try {
			await klingApiRequest.call(this, { method: 'POST', path, body: { element_id: elementId }, retryTransient: true });
			return { deleted: true, elementId };
		} catch (error) {
			if (!isNotFound(error)) throw asNodeError(this.getNode(), error);
			answer = (error as Error).message;
		}
	}
	throw new NodeOperationError(this.getNode(), `Kling has no custom element with ID ${elementId}`, {
		itemIndex: i,
		description: `Presets cannot be deleted, and a deleted element is gone; Element → Get Many lists yours. Kling said: ${answer}`,
	});
}
