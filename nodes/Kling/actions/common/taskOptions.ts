import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { isHttpUrl } from '../../helpers/imageInput';

/** Field names in validation messages for the options every create shares. */
export const TASK_OPTION_LABELS = { callback_url: 'Callback URL', external_task_id: 'External Task ID' };

/** Options every create shares: where Kling reports status changes, and the caller's own task id. */
export const taskOptionsField: INodeProperties = {
	displayName: 'Options',
	name: 'taskOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Callback URL',
			name: 'callbackUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://n8n.example.com/webhook/1f0c.../kling',
			description: 'Kling POSTs status changes of the task here, for example the production URL of a Kling Trigger node',
		},
		{
			displayName: 'External Task ID',
			name: 'externalTaskId',
			type: 'string',
			default: '',
			placeholder: 'e.g. campaign-42-hero',
			description:
				'Your own ID for the task; it must be unique in the Kling account. Leave empty and the node makes a unique one, which it uses to recover a task whose answer was lost.',
		},
	],
};

export function readTaskOptions(this: IExecuteFunctions, itemIndex: number): IDataObject {
	const options = this.getNodeParameter('taskOptions', itemIndex, {}) as { callbackUrl?: string; externalTaskId?: string };
	const body: IDataObject = {};
	const callbackUrl = options.callbackUrl?.trim();
	if (callbackUrl) {
		if (!isHttpUrl(callbackUrl)) {
			throw new NodeOperationError(this.getNode(), `Callback URL must be an http(s) URL (it is "${callbackUrl.slice(0, 60)}")`, { itemIndex });
		}
		body.callback_url = callbackUrl;
	}
	const externalTaskId = options.externalTaskId?.trim();
	if (externalTaskId) body.external_task_id = externalTaskId;
	return body;
}
