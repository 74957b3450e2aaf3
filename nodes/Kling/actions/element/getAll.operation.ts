import { readYesNo } from '../shared/fields';
import { libraryGetMany } from '../shared/library';
import { elementOutput } from './output';

/** One item per element. Kling's lists take no filters, so they are applied while the pages are read (§3.3). */
export const { properties, execute } = libraryGetMany(
	'element',
	"Kling's official, read-only elements",
	elementOutput,
	[{ displayName: 'Include Deleted', name: 'includeDeleted', type: 'boolean', validateType: 'boolean', default: false, description: 'Whether to include elements that were deleted' }],
	function (itemIndex) {
		const withDeleted = readYesNo.call(this, 'filters.includeDeleted', 'Filters → Include Deleted', itemIndex, false);
		return (element) => withDeleted || element.status !== 'deleted';
	},
);
