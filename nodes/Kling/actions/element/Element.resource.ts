import { resourceDescription } from '../shared/fields';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as generateViews from './generateViews.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as getTask from './getTask.operation';
import * as getViews from './getViews.operation';

export const operations = { create, delete: del, generateViews, get, getAll, getTask, getViews };

export const description = resourceDescription('element', operations, [
	{ name: 'Create', value: 'create', action: 'Create an element', description: 'Define a reusable character, animal, prop, costume or scene from images or a video' },
	{ name: 'Delete', value: 'delete', action: 'Delete an element', description: 'Delete a custom element' },
	{ name: 'Generate Views', value: 'generateViews', action: 'Generate views for an element', description: 'Have Kling draw extra views of a subject from its frontal image, for an image element' },
	{ name: 'Get', value: 'get', action: 'Get an element', description: 'Get one of your elements or a preset by picking it or by its ID' },
	{ name: 'Get Creation Task', value: 'getTask', action: 'Get an element creation task', description: 'Read the task that creates an element, by task ID or external task ID' },
	{ name: 'Get Generated Views', value: 'getViews', action: 'Get generated views', description: 'Read a Generate Views task by task ID or external task ID, with its views once they are drawn' },
	{ name: 'Get Many', value: 'getAll', action: 'Get many elements', description: 'List your elements or Kling presets' },
], 'create');
