import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { eachItem } from '../shared/items';
import { findInLibraries } from '../shared/library';
import { picker, readPicked } from '../shared/pickers';
import { voiceOutput } from './output';

export const properties: INodeProperties[] = [picker('voice', { description: 'One of your voices or a Kling preset' })];

/** Kling has no "get voice" endpoint: the voice is looked for in the account's voices, then the presets (§4). */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem.call(this, async (i) => {
		const { id } = readPicked.call(this, 'voice', 'voice', i);
		const voice = (await findInLibraries(this, 'voice', [id])).get(id);
		if (!voice) throw new NodeOperationError(this.getNode(), `Kling has no voice with ID ${id}`, { itemIndex: i, description: 'Neither your voices nor the presets have it.' });
		return { json: voiceOutput(voice) };
	});
}
