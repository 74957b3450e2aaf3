import { libraryGet } from '../shared/library';
import { elementOutput } from './output';

/** Kling has no "get element" endpoint: the element is looked for in the account's library, then the presets (§3.3). */
export const { properties, execute } = libraryGet(
	'element',
	elementOutput,
	'Neither your elements nor the presets have it; an element still being created shows up once its task succeeds (Get Creation Task).',
);
