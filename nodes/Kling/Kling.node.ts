import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { operationOf, resources } from './actions/router';
import { listSearch } from './methods';
import { outputFor } from './tasks/output';
import { handleCallback, RESUME_SUFFIX } from './tasks/pause';
import { isToolCall } from './tasks/runKey';
import { asNodeError } from './transport/errors';

export class Kling implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kling',
		name: 'kling',
		icon: { light: 'file:../../icons/kling.svg', dark: 'file:../../icons/kling.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Create reusable Kling AI elements (characters, props, scenes) and voices, and use them in videos and images',
		defaults: { name: 'Kling' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'klingApi', required: true }],
		// The resume URL of a paused execution (Completion: Pause Until Kling Calls Back); Kling POSTs to it.
		// The resume URL's own suffix (tasks/pause.ts): n8n hands a call to it only to a waiting node whose webhook has it.
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: RESUME_SUFFIX, restartWebhook: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account', description: 'Resource packs and the units left in them' },
					{ name: 'Element', value: 'element', description: 'Reusable characters, props and scenes' },
					{ name: 'Image', value: 'image', description: 'Images and series made with elements and reference images' },
					{ name: 'Video', value: 'video', description: 'Videos made with elements, images and voices' },
					{ name: 'Voice', value: 'voice', description: 'Custom voices to bind to elements or use in videos' },
				],
				default: 'element',
			},
			...Object.values(resources).flatMap((resource) => resource.description),
		],
	};

	methods = { listSearch };

	// Lint requires lifecycle methods for any webhook, but n8n never calls them for a restart webhook: the resume URL
	// exists only while an execution waits, and there is nothing to register with Kling (the URL goes with each task).
	webhookMethods = { default: { checkExists: async () => true, create: async () => true, delete: async () => true } };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const { task } = operationOf(this.getNode(), this.getNodeParameter('resource') as string, this.getNodeParameter('operation') as string);
		if (!task) throw new NodeOperationError(this.getNode(), 'This operation does not wait for Kling callbacks');
		const response = await handleCallback.call(this, task);
		const resumedWith = response.workflowData?.map((items) => outputFor(this.getNode(), items));
		return resumedWith ? { ...response, workflowData: resumedWith } : response;
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { execute } = operationOf(this.getNode(), this.getNodeParameter('resource', 0) as string, this.getNodeParameter('operation', 0) as string);
		try {
			return [outputFor(this.getNode(), await execute.call(this))];
		} catch (error) {
			// n8n's AI Agent shows its model an error's message alone (n8n-core handleNodeExecutionError), and the
			// description holds what keeps it from paying twice: the task IDs to look up instead of calling again.
			const failure = asNodeError(this.getNode(), error);
			if (isToolCall(this) && failure.description) failure.message = `${failure.message}. ${failure.description}`;
			throw failure;
		}
	}
}
