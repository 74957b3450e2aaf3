import { libraryDelete } from '../shared/library';

/**
 * Which path deletes an advanced element is uncertain (§3.5): the advanced path first, then the older one when the
 * first does not know the element (or does not exist on a relay).
 */
export const { properties, execute } = libraryDelete('element', ['/v1/general/delete-advanced-elements', '/v1/general/delete-elements']);
