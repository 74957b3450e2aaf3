import type { IExecuteFunctions, INode, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { TaskOperation } from '../tasks/taskOperation';
import * as account from './account/Account.resource';
import * as element from './element/Element.resource';
import * as image from './image/Image.resource';
import * as video from './video/Video.resource';
import * as voice from './voice/Voice.resource';

/**
 * Every operation is one module with its `properties` (its resource shows them for it alone) and `execute(items)`. One
 * that creates Kling tasks also exports its `task` (tasks/taskOperation.ts), which the node's `webhook()` needs to
 * finish a paused run.
 */
export interface Operation {
	execute(this: IExecuteFunctions): Promise<INodeExecutionData[]>;
	task?: TaskOperation;
}

/** A resource's module: the `description` that lists its operations, and each operation's module. */
type Resource = { description: INodeProperties[]; operations: Record<string, Operation> };

/** The resources, in the editor's order. */
export const resources: Record<string, Resource> = { account, element, image, video, voice };

/** The module of a resource's operation; n8n's "Custom API Call" and unknown values are refused. */
export function operationOf(node: INode, resource: string, operation: string): Operation {
	// Own keys only: a name is never looked up elsewhere.
	const operations = Object.prototype.hasOwnProperty.call(resources, resource) ? resources[resource].operations : undefined;
	const found = operations && Object.prototype.hasOwnProperty.call(operations, operation) ? operations[operation] : undefined;
	if (!found) throw new NodeOperationError(node, `The operation "${operation}" of resource "${resource}" is not supported`);
	return found;
}
