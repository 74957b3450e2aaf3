import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { deleteVoiceBodySchema } from '../../contract/voice';
import { invalidInput, parseRequestBody } from '../../helpers/validation';
import { klingApiRequest } from '../../transport';
import { asNodeError, isNotFound } from '../../transport/errors';
import { readVoiceId, voiceLocator } from '../common/voiceLocator';

const properties: INodeProperties[] = [voiceLocator({ description: 'The custom voice to delete; presets cannot be deleted' })];

export const description = updateDisplayOptions({ show: { resource: ['voice'], operation: ['delete'] } }, properties);

/** `POST /v1/general/delete-voices` (kling-api.md §4); code 0 means deleted, whatever the task status says. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const voiceId = readVoiceId.call(this, 'voice', i);
	if (!voiceId) throw invalidInput.call(this, 'Voice is required: pick one from the list or enter its ID', i);
	const body = parseRequestBody.call(this, deleteVoiceBodySchema, { voice_id: voiceId }, { voice_id: 'Voice' }, i) as IDataObject;
	try {
		await klingApiRequest.call(this, { method: 'POST', path: '/v1/general/delete-voices', body, retryTransient: true });
	} catch (error) {
		if (!isNotFound(error)) throw asNodeError(this.getNode(), error);
		throw invalidInput.call(this, `Kling has no custom voice with ID ${voiceId}`, i, `Presets cannot be deleted, and a deleted voice is gone; Voice → Get Many lists yours. Kling said: ${(error as Error).message}`);
	}
	return { deleted: true, voiceId };
}
