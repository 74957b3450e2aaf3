import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { taskListSchema } from '../../contract/task';
import { VOICE_PAGE_SIZE_MAX, voicesOfTaskResult } from '../../contract/voice';
import { klingPages } from '../../transport';
import { voiceOutput } from './voiceOutput';

export const VOICE_LIBRARIES = {
	custom: '/v1/general/custom-voices',
	preset: '/v1/general/presets-voices',
} as const;

const properties: INodeProperties[] = [
	{
		displayName: 'Library',
		name: 'library',
		type: 'options',
		default: 'custom',
		options: [
			{ name: 'My Voices', value: 'custom', description: 'Voices created with this account' },
			{ name: 'Kling Presets', value: 'preset', description: "Kling's official voices" },
		],
	},
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Name Contains',
				name: 'nameContains',
				type: 'string',
				default: '',
				description: 'Only voices whose name contains this text (not case-sensitive)',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['voice'], operation: ['getAll'] } }, properties);

/** Kling lists creation tasks; each successful one holds its voice. Output: one item per voice. */
export async function execute(this: IExecuteFunctions, i: number): Promise<IDataObject[]> {
	const library = this.getNodeParameter('library', i) as keyof typeof VOICE_LIBRARIES;
	const returnAll = this.getNodeParameter('returnAll', i) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', i) as number);
	const filters = this.getNodeParameter('filters', i, {}) as { nameContains?: string };
	const needle = filters.nameContains?.trim().toLowerCase();

	const voices: IDataObject[] = [];
	// Voice lists take pages of up to 1000 (kling-api.md §4), so most accounts fit in one request.
	const pageSize = Math.min(VOICE_PAGE_SIZE_MAX, Math.max(30, returnAll ? VOICE_PAGE_SIZE_MAX : limit));
	for await (const page of klingPages.call(this, VOICE_LIBRARIES[library], { pageSize })) {
		for (const task of taskListSchema.parse(page)) {
			for (const voice of voicesOfTaskResult(task.task_result)) {
				if (needle && !(voice.voice_name ?? '').toLowerCase().includes(needle)) continue;
				voices.push(voiceOutput(voice));
			}
		}
		if (voices.length >= limit) break;
	}
	return voices.slice(0, limit);
}
