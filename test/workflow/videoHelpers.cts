import { BinaryDataService } from 'n8n-core';
import type { IBinaryData, IDataObject } from 'n8n-workflow';
import { createRequire } from 'node:module';

import type { KlingSimulator } from '../simulator/index.cts';
import { klingNode } from './helpers.cts';

/** Parameter shapes as the editor stores them, for the video operations' lists. */

export const byId = (value: string) => ({ __rl: true, mode: 'id', value });

export const elementList = (...ids: string[]) => ({ element: ids.map((id) => ({ element: byId(id) })) });

export const voiceList = (...ids: string[]) => ({ voice: ids.map((id) => ({ voice: byId(id) })) });

export const urlImage = (url: string, use = 'reference') => ({ use, source: 'url', url });

export const imageList = (...images: IDataObject[]) => ({ image: images });

/** n reference images with distinct URLs. */
export const referenceImages = (count: number) =>
	Array.from({ length: count }, (_, n) => urlImage(`https://cdn.example.com/ref-${n + 1}.png`));

export const featureVideo = { video: [{ url: 'https://cdn.example.com/clip.mp4', referType: 'feature', keepOriginalSound: false }] };

export function omniNode(parameters: IDataObject, name = 'Omni Video') {
	return klingNode(name, { resource: 'video', operation: 'omni', model: 'kling-v3-omni', prompt: 'A quiet morning in the harbour', ...parameters });
}

export function motionNode(parameters: IDataObject, name = 'Motion Control') {
	return klingNode(name, {
		resource: 'video',
		operation: 'motionControl',
		model: 'kling-v3',
		imageSource: 'url',
		imageUrl: 'https://cdn.example.com/mira-front.png',
		motionVideoUrl: 'https://cdn.example.com/dance.mp4',
		characterOrientation: 'video',
		...parameters,
	});
}

export function imageToVideoNode(parameters: IDataObject, name = 'Image to Video') {
	return klingNode(name, {
		resource: 'video',
		operation: 'imageToVideo',
		frames: 'first',
		firstFrameSource: 'url',
		firstFrameUrl: 'https://cdn.example.com/start.png',
		prompt: 'The character turns and smiles',
		...parameters,
	});
}

/** Seeds n elements of one kind; their ids in order. */
export function seedElements(sim: KlingSimulator, count: number, referenceType: 'image_refer' | 'video_refer' = 'image_refer'): string[] {
	return Array.from({ length: count }, (_, n) => sim.seedElement({ name: `${referenceType === 'image_refer' ? 'Prop' : 'Actor'} ${n + 1}`, referenceType }));
}

const isElementListRead = (request: { method: string; path: string }) =>
	request.method === 'GET' && /\/v1\/general\/advanced-(custom|presets)-elements$/.test(request.path);

/** Reads of the account's or the preset element list (the node reads them to find the elements an @name may mean). */
export const elementListReads = (sim: KlingSimulator) => sim.requests.filter(isElementListRead);

/** Requests other than reads of the element lists: none means nothing was created. */
export const requestsBesidesElementLookups = (sim: KlingSimulator) => sim.requests.filter((request) => !isElementListRead(request));

// n8n-core keeps binary data in its own store; read it back the way a later node would.
const { Container } = createRequire(require.resolve('n8n-core'))('@n8n/di') as typeof import('@n8n/di');

export async function binaryBytes(data: IBinaryData): Promise<Buffer> {
	return await Container.get(BinaryDataService).getAsBuffer(data);
}
