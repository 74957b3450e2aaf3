import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { multiShotBodySchema, viewSetsOfTaskResult, viewUrls } from '../../contract/multiShot';
import { isSucceeded, PRODUCTS } from '../../contract/task';
import { noResultError, taskSummary } from '../../tasks/output';
import { notice } from '../shared/fields';
import { imageSourceFields, resolveImageField } from '../shared/images';
import { createOptions, OPTION_LABELS, readCreateOptions, type OptionsKind } from '../shared/options';
import { taskCreate } from '../shared/tasks';
import { parseRequestBody } from '../shared/validate';

const OPTIONS: OptionsKind = { timeoutMinutes: 10 };

export const properties: INodeProperties[] = [
	notice('generateViewsNotice', 'Kling draws three candidate sets of extra views of the subject (AI multi-shot). Each set can be the Additional Images of an image element.'),
	...imageSourceFields('frontal image', { prefix: 'frontalImage' }),
	createOptions(OPTIONS),
];

export const { task, execute } = taskCreate(OPTIONS, {
	product: PRODUCTS.multiShot,
	async buildRequest(i) {
		const body: IDataObject = {
			element_frontal_image: (await resolveImageField.call(this, 'frontalImage', 'Frontal Image', i)) as IDataObject | string,
			...readCreateOptions.call(this, i, OPTIONS).body,
		};
		return parseRequestBody.call(this, multiShotBodySchema, body, { element_frontal_image: 'Frontal Image', ...OPTION_LABELS }, i) as IDataObject;
	},
	async present(kling, i) {
		// `images` keeps Kling's shape (index, url_1..url_3); `views` is the same as plain URL lists for expressions.
		const sets = viewSetsOfTaskResult(kling.task_result);
		if (isSucceeded(kling.task_status) && !sets.some((set) => viewUrls(set).length)) throw noResultError(this.getNode(), kling, 'views', i);
		return { json: { images: sets as IDataObject[], views: sets.map(viewUrls), ...taskSummary(kling) } };
	},
});
