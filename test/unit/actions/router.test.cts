/** actions/router.ts: the operation module a resource and operation name, and nothing else. */
import type { INode } from 'n8n-workflow';

import { operationOf, resources } from '../../../nodes/Kling/actions/router';
import * as omni from '../../../nodes/Kling/actions/video/omni.operation';

const node: INode = { id: '1', name: 'Kling', type: 'n8n-nodes-kling-elements.kling', typeVersion: 1, position: [0, 0], parameters: {} };

describe('operationOf', () => {
	it('returns the operation module, with its task when it creates one', () => {
		const found = operationOf(node, 'video', 'omni');
		expect(found.execute).toBe(omni.execute);
		expect(found.task).toBe(omni.task);
	});

	it('refuses what is not an operation: unknown names, a resource module\'s description, inherited keys', () => {
		for (const [resource, operation] of [
			['video', 'nope'],
			['nope', 'omni'],
			['video', 'description'],
			['toString', 'call'],
			['video', 'constructor'],
		]) {
			expect(() => operationOf(node, resource, operation)).toThrow(`The operation "${operation}" of resource "${resource}" is not supported`);
		}
	});

	it('finds every operation each resource lists in its Operation options', () => {
		for (const [name, resource] of Object.entries(resources)) {
			const operations = resource.description.find((property) => property.name === 'operation')?.options ?? [];
			expect(operations.length).toBeGreaterThan(0);
			for (const option of operations) {
				expect(typeof operationOf(node, name, String((option as { value: unknown }).value)).execute).toBe('function');
			}
		}
	});
});
