import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { klingApiRequest } from '../../transport';
import { asNodeError, isNotFound } from '../../transport/errors';
import { eachItemCheckedFirst } from '../shared/items';
import { picker, readPicked } from '../shared/pickers';

export const properties: INodeProperties[] = [picker('element', { description: 'The custom element to delete; presets cannot be deleted' })];

/**
 * Which path deletes an advanced element is uncertain (§3.5): the advanced path first, then the older one when the
 * first does not know the element (or does not exist on a relay). Neither knowing it is said plainly.
 */
const DELETE_PATHS = ['/v1/general/delete-advanced-elements', '/v1/general/delete-elements'];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItemCheckedFirst.call(this, (i) => readPicked.call(this, 'element', 'element', i).id, async (id, i) => {
		let answer = '';
		for (const path of DELETE_PATHS) {
			try {
				await klingApiRequest.call(this, { method: 'POST', path, body: { element_id: id }, retries: 5 });
				return { json: { deleted: true, elementId: id } };
			} catch (error) {
				if (!isNotFound(error)) throw asNodeError(this.getNode(), error);
				answer = (error as Error).message;
			}
		}
		throw new NodeOperationError(this.getNode(), `Kling has no custom element with ID ${id}`, {
			itemIndex: i,
			description: `Presets cannot be deleted, and a deleted element is gone; Element → Get Many lists yours. Kling said: ${answer}`,
		});
	});
}
