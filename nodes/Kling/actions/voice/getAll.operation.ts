import { libraryGetMany } from '../shared/library';
import { voiceOutput } from './output';

/** One item per voice; voice lists take pages of up to 1000 (§4), so most accounts fit in one request. */
export const { properties, execute } = libraryGetMany('voice', "Kling's official voices", voiceOutput);
