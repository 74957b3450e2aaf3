/**
 * Calls one of the node's list-search methods (the resource locator "From List" modes) the way the editor
 * does: through n8n-core's LoadOptionsContext, with the test credentials, over real HTTP.
 */
import { LoadOptionsContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject, INode, INodeListSearchResult, INodeType, IWorkflowExecuteAdditionalData } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { KLING, loadPackage, TestCredentialsHelper } from './workflow.cts';

export async function runListSearch(
	method: string,
	credentials: Record<string, ICredentialDataDecryptedObject>,
	{ filter, paginationToken }: { filter?: string; paginationToken?: string } = {},
): Promise<INodeListSearchResult> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const node: INode = {
		id: 'kling',
		name: 'Kling',
		type: KLING,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { klingApi: { id: '1', name: 'Kling test' } },
	};
	const workflow = new Workflow({ id: 'list-search', nodes: [node], connections: {}, nodeTypes, active: false });
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(credentialTypes, credentials),
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	const context = new LoadOptionsContext(workflow, node, additionalData, 'parameters.voice');
	const search = (nodeTypes.getByNameAndVersion(KLING, 1) as INodeType).methods?.listSearch?.[method];
	if (!search) throw new Error(`The node has no list search "${method}"`);
	return await search.call(context, filter, paginationToken);
}
