import { libraryDelete } from '../shared/library';

/** `POST /v1/general/delete-voices` (§4). */
export const { properties, execute } = libraryDelete('voice', ['/v1/general/delete-voices']);
