import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { startSimulator, type KlingSimulator, type SimulatorOptions } from '../simulator/index.cts';
import { KLING } from '../harness/workflow.cts';

export const API_KEY = 'test-api-key';
export const ACCESS_KEY = 'test-access-key';
export const SECRET_KEY = 'test-secret-key';

export function apiKeyCredential(sim: KlingSimulator, apiKey = API_KEY) {
	return { klingApi: { authType: 'apiKey', apiKey, region: 'custom', customBaseUrl: sim.url } };
}

export function keyPairCredential(sim: KlingSimulator, accessKey = ACCESS_KEY, secretKey = SECRET_KEY) {
	return { klingApi: { authType: 'keyPair', accessKey, secretKey, region: 'custom', customBaseUrl: `${sim.url}/` } };
}

/** A Kling node with the given parameters. (Time passes at once: the suite runs on a virtual clock, harness/virtualTime.cts.) */
export function klingNode(name: string, parameters: IDataObject): Omit<INode, 'id' | 'typeVersion' | 'position'> & Partial<INode> {
	return {
		name,
		type: KLING,
		parameters: parameters as INodeParameters,
		credentials: { klingApi: { id: '1', name: 'Kling test' } },
	};
}

/** Starts a fresh simulator for each test of the calling file, and stops it afterwards. */
export function useSimulator(options: SimulatorOptions = {}): { readonly sim: KlingSimulator } {
	const holder = {} as { sim: KlingSimulator };
	beforeAll(async () => {
		holder.sim = await startSimulator(options);
	});
	beforeEach(() => holder.sim.reset());
	afterAll(async () => {
		await holder.sim?.close();
	});
	return holder;
}

export const imageUrls = {
	frontalImageSource: 'url',
	frontalImageUrl: 'https://cdn.example.com/mira-front.png',
	additionalImages: {
		image: [
			{ source: 'url', url: 'https://cdn.example.com/mira-left.png' },
			{ source: 'url', url: 'https://cdn.example.com/mira-back.png' },
		],
	},
};

/** Create Element for the tests' character, Captain Mira, from three image URLs; `extra` adds or overrides parameters. */
export function createMiraElement(extra: Record<string, unknown> = {}) {
	return klingNode('Create Element', {
		resource: 'element',
		operation: 'create',
		elementName: 'Captain Mira',
		elementDescription: 'A tall woman in a red pilot jacket',
		referenceType: 'image_refer',
		...imageUrls,
		...extra,
	});
}
