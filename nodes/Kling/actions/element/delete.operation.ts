import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { NOT_FOUND_CODES } from '../../contract/codes';
import { klingApiRequest } from '../../transport';
import { asNodeError, klingErrorContext } from '../../transport/errors';
import { elementLocator, readElementId } from '../common/elementLocator';

const properties: INodeProperties[] = [elementLocator({ description: 'The custom element to delete; presets cannot be deleted' })];

export const description = updateDisplayOptions({ show: { resource: ['element'], operation: ['delete'] } }, properties);

/**
 * Which path deletes an advanced element is uncertain (kling-api.md §3.5): the advanced path first, and the
 * older path when Kling says the first does not exist (HTTP 404, code 1202 or 1203).
 */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const elementId = readElementId.call(this, 'element', i);
	const body = { element_id: elementId };
	try {
		await klingApiRequest.call(this, { method: 'POST', path: '/v1/general/delete-advanced-elements', body, retryTransient: true });
	} catch (error) {
		const { klingCode, httpStatus } = klingErrorContext(error);
		const pathMissing = httpStatus === 404 || (klingCode !== undefined && NOT_FOUND_CODES.has(klingCode));
		if (!pathMissing) throw asNodeError(this.getNode(), error);
		await klingApiRequest.call(this, { method: 'POST', path: '/v1/general/delete-elements', body, retryTransient: true });
	}
	return { deleted: true, elementId };
}
