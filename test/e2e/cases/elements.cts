/** Workflows that create one element per input item with the create-element example's node, shared by several e2e files. */
import { chainWorkflow, KLING_NODE, readExample, type WorkflowJson } from '../runtime/workflows.cts';

export const CREATE = 'Create Element';

/** Names → Split Out → Create Element (the example's node) for each name, with `options` and node `settings`. */
export function createEach(names: string[], options: Record<string, unknown>, settings: Record<string, unknown> = {}): WorkflowJson {
	const create = readExample('create-element.json').nodes.find((node) => node.type === KLING_NODE)!;
	return chainWorkflow(`Create ${names.join(', ')}`, [
		{ name: 'Names', type: 'n8n-nodes-base.set', typeVersion: 3.4, parameters: { mode: 'raw', jsonOutput: JSON.stringify({ items: names.map((name) => ({ name })) }), options: {} } },
		{ name: 'Split Out', type: 'n8n-nodes-base.splitOut', parameters: { fieldToSplitOut: 'items', options: {} } },
		{ ...create, name: CREATE, parameters: { ...create.parameters, elementName: '={{ $json.name }}', options }, ...settings },
	]);
}
