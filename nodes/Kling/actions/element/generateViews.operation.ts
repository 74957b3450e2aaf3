import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { multiShotBodySchema, viewSetsOfTaskResult, viewUrls } from '../../contract/multiShot';
import { imageSourceFields, readImageSource, resolveImage } from '../../helpers/imageInput';
import { parseRequestBody } from '../../helpers/validation';
import { completionFields } from '../../tasks/completion';
import { PRODUCTS } from '../../tasks/products';
import type { TaskOperation } from '../../tasks/run';
import { taskSummary } from '../../tasks/taskOutput';
import { readTaskOptions, taskOptionsField, TASK_OPTION_LABELS } from '../common/taskOptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Kling draws three candidate sets of extra views of the subject (AI multi-shot). Each set can be the Additional Images of an image element.',
		name: 'generateViewsNotice',
		type: 'notice',
		default: '',
	},
	...imageSourceFields('frontal image', { prefix: 'frontalImage' }),
	...completionFields(10),
	taskOptionsField,
];

export const description = updateDisplayOptions({ show: { resource: ['element'], operation: ['generateViews'] } }, properties);

const FIELD_LABELS = {
	element_frontal_image: 'Frontal Image',
	...TASK_OPTION_LABELS,
};

async function buildRequest(this: IExecuteFunctions, i: number): Promise<IDataObject> {
	const body: IDataObject = {
		element_frontal_image: (await resolveImage.call(this, readImageSource.call(this, 'frontalImage', i), 'Frontal Image', i)) as IDataObject | string,
		...readTaskOptions.call(this, i),
	};
	return parseRequestBody.call(this, multiShotBodySchema, body, FIELD_LABELS, i) as IDataObject;
}

export const generateElementViews: TaskOperation = {
	product: PRODUCTS.multiShot,
	buildRequest,
	async present(task) {
		// `images` keeps Kling's shape (index, url_1..url_3); `views` is the same as plain URL lists for expressions.
		const sets = viewSetsOfTaskResult(task.task_result);
		return { json: { images: sets as IDataObject[], views: sets.map(viewUrls), ...taskSummary(task) } };
	},
};
