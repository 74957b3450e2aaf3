import { resourceDescription } from '../shared/fields';
import * as getResourcePacks from './getResourcePacks.operation';

export const operations = { getResourcePacks };

export const description = resourceDescription('account', operations, [
	{ name: 'Get Resource Packs', value: 'getResourcePacks', action: 'Get the resource packs of the account', description: "List the account's resource packs with the units left in each" },
], 'getResourcePacks');
