import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as account from './actions/account/Account.resource';
import * as element from './actions/element/Element.resource';
import { router, taskOperationOf } from './actions/router';
import * as video from './actions/video/Video.resource';
import * as voice from './actions/voice/Voice.resource';
import { listSearch } from './methods';
import { handleCallback } from './tasks/callback';

export class Kling implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kling',
		name: 'kling',
		icon: { light: 'file:../../icons/kling.svg', dark: 'file:../../icons/kling.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Create reusable Kling AI elements (characters, props, scenes) and voices, and use them in videos',
		defaults: { name: 'Kling' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'klingApi', required: true }],
		// The resume URL of a paused execution (Completion: Pause Until Kling Calls Back); Kling POSTs to it.
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '', restartWebhook: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account', description: 'Resource packs and the units left in them' },
					{ name: 'Element', value: 'element', description: 'Reusable characters, props and scenes' },
					{ name: 'Video', value: 'video', description: 'Videos made with elements, images and voices' },
					{ name: 'Voice', value: 'voice', description: 'Custom voices to bind to elements or use in videos' },
				],
				default: 'element',
			},
			...account.description,
			...element.description,
			...video.description,
			...voice.description,
			{
				// Not shown in the editor. The test suite and the benchmarks set it below 1 to run Kling's minutes
				// of polling and back-off in milliseconds; real workflows always run at 1.
				displayName: 'Time Scale',
				name: 'timeScale',
				type: 'hidden',
				default: 1,
			},
		],
	};

	methods = { listSearch };

	// Lint requires lifecycle methods for any webhook, but n8n never calls them for a restart webhook: the resume
	// URL exists only while an execution waits, and there is nothing to register with Kling (the URL goes with
	// each task).
	webhookMethods = {
		default: {
			async checkExists(): Promise<boolean> {
				return true;
			},
			async create(): Promise<boolean> {
				return true;
			},
			async delete(): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleCallback.call(this, taskOperationOf);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
