import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { klingApiRequest } from '../../transport';
import { asNodeError, isNotFound } from '../../transport/errors';
import { eachItemCheckedFirst } from '../shared/items';
import { picker, readPicked } from '../shared/pickers';

export const properties: INodeProperties[] = [picker('voice', { description: 'The custom voice to delete; presets cannot be deleted' })];

/** `POST /v1/general/delete-voices` (§4): code 0 means deleted, whatever the task status says. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItemCheckedFirst.call(this, (i) => readPicked.call(this, 'voice', 'voice', i).id, async (id, i) => {
		try {
			await klingApiRequest.call(this, { method: 'POST', path: '/v1/general/delete-voices', body: { voice_id: id }, retries: 5 });
		} catch (error) {
			if (!isNotFound(error)) throw asNodeError(this.getNode(), error);
			throw new NodeOperationError(this.getNode(), `Kling has no custom voice with ID ${id}`, {
				itemIndex: i,
				description: `Presets cannot be deleted, and a deleted voice is gone; Voice → Get Many lists yours. Kling said: ${(error as Error).message}`,
			});
		}
		return { json: { deleted: true, voiceId: id } };
	});
}
