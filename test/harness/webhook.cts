/**
 * Calls a node's webhook() inside a real n8n-core WebhookContext, as n8n's webhook servers do: node parameters,
 * credentials, static data, helpers and HTTP calls are n8n's own. Used for the Kling Trigger and for the
 * resume URL of a paused Kling node.
 */
import { WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IRunExecutionData,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';

import { loadPackage, N8N_URLS, TestCredentialsHelper } from './workflow.cts';

export interface WebhookCall {
	workflow: Workflow;
	node: INode;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	body: unknown;
	rawBody?: Buffer;
	query?: Record<string, string>;
	headers?: Record<string, string>;
	executionId?: string;
	mode?: 'webhook' | 'internal';
	/** The waiting execution's data, which n8n hands to the webhook of the node that waits (its custom data included). */
	runExecutionData?: IRunExecutionData;
}

export interface WebhookAnswer {
	/** HTTP status n8n would answer with. */
	status: number;
	body: IDataObject;
	/** Items of the execution the call started or resumed; undefined when none. */
	workflowData?: INodeExecutionData[];
}

/** An express-like response that records what a webhook answered itself (status and JSON body). */
export function recordingResponse() {
	const reply: { status?: number; body?: IDataObject } = {};
	const response = {
		status(code: number) {
			reply.status = code;
			return response;
		},
		json(body: IDataObject) {
			reply.body = body;
			return response;
		},
		end() {
			return response;
		},
	};
	return { reply, response };
}

export async function callNodeWebhook(call: WebhookCall): Promise<WebhookAnswer> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const nodeType = nodeTypes.getByName(call.node.type) as INodeType;
	const rawBody = call.rawBody ?? Buffer.from(JSON.stringify(call.body));
	const request = { method: 'POST', headers: call.headers ?? {}, rawBody, body: call.body, params: {}, query: call.query ?? {} };
	const { reply, response } = recordingResponse();
	const additionalData = {
		executionId: call.executionId,
		credentialsHelper: new TestCredentialsHelper(credentialTypes, call.credentials),
		httpRequest: request,
		httpResponse: response,
		...N8N_URLS,
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	const description = nodeType.description.webhooks![0];
	const webhookData = {
		httpMethod: 'POST',
		node: call.node.name,
		path: String(description.path ?? ''),
		webhookDescription: description,
		workflowId: call.workflow.id,
		workflowExecuteAdditionalData: additionalData,
	} as IWebhookData;
	try {
		const context = new WebhookContext(call.workflow, call.node, additionalData, call.mode ?? 'webhook', webhookData, [], call.runExecutionData ?? null);
		const result = await nodeType.webhook!.call(context);
		const workflowData = result.workflowData?.[0];
		// A node that answered the request itself may still start (or resume) an execution.
		if (reply.status !== undefined) return { status: reply.status, body: reply.body ?? {}, workflowData };
		if (workflowData) return { status: 200, body: { message: 'Workflow was started' }, workflowData };
		return { status: 200, body: (result.webhookResponse as IDataObject) ?? { message: 'Webhook call received' } };
	} catch (error) {
		// What n8n does when webhook() throws: it answers 500.
		return { status: 500, body: { message: (error as Error).message } };
	}
}
