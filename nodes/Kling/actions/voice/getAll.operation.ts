import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { eachItem } from '../shared/items';
import { libraryFields, readLibrary } from '../shared/library';
import { voiceOutput } from './output';

export const properties: INodeProperties[] = libraryFields('voice', "Kling's official voices");

/** One item per voice; voice lists take pages of up to 1000 (§4), so most accounts fit in one request. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem.call(this, async (i) => (await readLibrary(this, 'voice', i)).map((voice) => ({ json: voiceOutput(voice) })));
}
