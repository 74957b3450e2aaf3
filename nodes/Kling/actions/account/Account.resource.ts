import type { INodeProperties } from 'n8n-workflow';

import * as getResourcePacks from './getResourcePacks.operation';

export { getResourcePacks };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get Resource Packs',
				value: 'getResourcePacks',
				action: 'Get the resource packs of the account',
				description: "List the account's resource packs with the units left in each",
			},
		],
		default: 'getResourcePacks',
	},
	...getResourcePacks.description,
];
