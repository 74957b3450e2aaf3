/**
 * Loads an example workflow from examples/ exactly as a user would import it, then adapts it for the test
 * run: the Kling credential reference points at the test credential. (Kling's minutes pass at once on the workflow
 * suite's virtual clock, harness/virtualTime.cts.) The JSON files themselves stay as the editor exports them.
 */
import type { IConnections, INode } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { KLING, PACKAGE_ROOT } from './workflow.cts';

export interface ExampleWorkflow {
	name: string;
	nodes: INode[];
	connections: IConnections;
}

export function loadExample(fileName: string): ExampleWorkflow {
	const workflow = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'examples', fileName), 'utf8')) as ExampleWorkflow;
	const nodes = workflow.nodes.map((node) =>
		node.type === KLING
			? { ...node, credentials: { klingApi: { id: 'test', name: 'Kling test' } } }
			: node,
	);
	return { name: workflow.name, nodes, connections: workflow.connections };
}
