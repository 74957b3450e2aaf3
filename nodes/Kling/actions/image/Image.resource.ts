import { resourceDescription } from '../shared/fields';
import * as generate from './generate.operation';
import * as get from './get.operation';
import * as omniImage from './omniImage.operation';

export const operations = { generate, get, omniImage };

export const description = resourceDescription('image', operations, [
	{ name: 'Generate', value: 'generate', action: 'Generate images', description: 'Make images with Kling 3.0 from a prompt, elements and a reference image' },
	{ name: 'Get', value: 'get', action: 'Get images', description: 'Get an image task by its ID, with the images when they are done' },
	{ name: 'Omni Image', value: 'omniImage', action: 'Make omni images', description: 'Make single images or a series with Kling Image O1 or 3.0 Omni from elements and reference images' },
], 'omniImage');
