import { resourceDescription } from '../shared/fields';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getTask from './getTask.operation';

export const operations = { create, delete: del, get, getAll, getTask };

export const description = resourceDescription('voice', operations, [
	{ name: 'Create', value: 'create', action: 'Create a voice', description: 'Make a custom voice from a recording or from the speech in a Kling video' },
	{ name: 'Delete', value: 'delete', action: 'Delete a voice', description: 'Delete a custom voice' },
	{ name: 'Get', value: 'get', action: 'Get a voice', description: 'Get one of your voices or a preset by picking it or by its ID' },
	{ name: 'Get Creation Task', value: 'getTask', action: 'Get a voice creation task', description: 'Read the task that creates a voice, by task ID or external task ID' },
	{ name: 'Get Many', value: 'getAll', action: 'Get many voices', description: 'List your voices or Kling presets' },
], 'create');
