/**
 * Kling answers a query for a task it does not know with HTTP 400 and code 1201 ("Task not found by id/external id",
 * observed live, kling-api.md §10): every lookup says "no such task" (or element, or voice), never "invalid parameter".
 */
import type { IDataObject } from 'n8n-workflow';

import { chain, runWorkflow } from '../harness/workflow.cts';
import { apiKeyCredential, klingNode, useSimulator } from './helpers.cts';
import { byId } from './videoHelpers.cts';

const ctx = useSimulator();

async function run(parameters: IDataObject) {
	const result = await runWorkflow({ ...chain(klingNode('Kling', parameters)), credentials: apiKeyCredential(ctx.sim) });
	return result.error?.message ?? '';
}

describe('Lookups of something Kling does not know', () => {
	it.each([
		['Element → Get', { resource: 'element', operation: 'get', element: byId('835266081714880000') }, /^Kling has no element with ID 835266081714880000/],
		['Element → Get Creation Task, by task ID', { resource: 'element', operation: 'getTask', taskId: '842250903629000001' }, /^Kling has no element creation task with ID "842250903629000001"/],
		['Element → Get Creation Task, by external task ID', { resource: 'element', operation: 'getTask', taskId: 'campaign-1-mira' }, /^Kling has no element creation task with ID "campaign-1-mira"/],
		['Element → Get Generated Views', { resource: 'element', operation: 'getViews', taskId: 'mira-views' }, /^Kling has no Generate Views task with ID "mira-views"/],
		['Voice → Get', { resource: 'voice', operation: 'get', voice: byId('850087542757530000') }, /^Kling has no voice with ID 850087542757530000/],
		['Voice → Get Creation Task', { resource: 'voice', operation: 'getTask', taskId: '842250903629000002' }, /^Kling has no voice creation task with ID "842250903629000002"/],
		['Video → Get', { resource: 'video', operation: 'get', kind: 'imageToVideo', taskId: 'my-video' }, /^Kling has no image-to-video task with ID "my-video"/],
		['Element → Delete', { resource: 'element', operation: 'delete', element: byId('835266081714880000') }, /^Kling has no custom element with ID 835266081714880000/],
		['Voice → Delete', { resource: 'voice', operation: 'delete', voice: byId('850087542757530000') }, /^Kling has no custom voice with ID 850087542757530000/],
	])('%s says there is no such thing', async (_title, parameters, message) => {
		const error = await run(parameters);
		expect(error).toMatch(message);
		expect(error).not.toMatch(/invalid parameter/i);
		expect(ctx.sim.createdTaskCount()).toBe(0);
	});

	it('tries the older delete path before it says an element does not exist', async () => {
		await run({ resource: 'element', operation: 'delete', element: byId('835266081714880000') });
		expect(ctx.sim.apiRequests({ method: 'POST' }).map((request) => request.path)).toEqual([
			'/v1/general/delete-advanced-elements',
			'/v1/general/delete-elements',
		]);
	});
});
