import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';

export { create, del as delete, get, getAll };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['voice'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				action: 'Create a voice',
				description: 'Make a custom voice from a recording or from the speech in a Kling video',
			},
			{ name: 'Delete', value: 'delete', action: 'Delete a voice', description: 'Delete a custom voice' },
			{ name: 'Get', value: 'get', action: 'Get a voice', description: 'Get a voice by its creation task ID' },
			{ name: 'Get Many', value: 'getAll', action: 'Get many voices', description: 'List your voices or Kling presets' },
		],
		default: 'create',
	},
	...create.description,
	...get.description,
	...getAll.description,
	...del.description,
];
