import { libraryGet } from '../shared/library';
import { voiceOutput } from './output';

export const { properties, execute } = libraryGet('voice', voiceOutput, 'Neither your voices nor the presets have it.');
