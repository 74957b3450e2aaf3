/**
 * Bad input on the operations the element and video rule suites do not cover: each is refused with a message
 * that names the field (by the node, or by n8n's own check of required and validated parameters), and the
 * simulator sees no request (no credits, no state change).
 */
import type { IDataObject } from 'n8n-workflow';

import { badInputRecorder } from '../harness/report.cts';
import { chain, runWorkflow } from '../harness/workflow.cts';
import { apiKeyCredential, klingNode, useSimulator } from './helpers.cts';

const ctx = useSimulator({ timing: { submittedMs: 10, processingMs: 10 } });
const record = badInputRecorder('other-operations');

const voiceCreate = (extra: IDataObject) =>
	klingNode('Kling', { resource: 'voice', operation: 'create', voiceName: 'Narrator', voiceSource: 'url', voiceUrl: 'https://cdn.example.com/voice.mp3', ...extra });

const cases: Array<[operation: string, input: string, parameters: IDataObject, message: RegExp]> = [
	['Voice → Create', 'a name over 20 characters', { voiceName: 'The Very Long Narrator Voice' }, /^Name must be at most 20 characters/],
	['Voice → Create', 'a name from an empty expression', { voiceName: '={{ $json.missing ?? "" }}' }, /^Name is required/],
	['Voice → Create', 'a voice URL that is not http(s)', { voiceUrl: 'voice.mp3' }, /Audio or Video URL/],
	['Voice → Create', 'no voice URL', { voiceUrl: '' }, /Audio or Video URL/],
	['Voice → Create', 'a Kling video id that is not a number', { voiceSource: 'video', videoId: 'my-video' }, /Video ID/],
	['Voice → Create', 'a callback URL that is not http(s)', { taskOptions: { callbackUrl: 'n8n-webhook' } }, /^Callback URL must be an http\(s\) URL/],
];

const itemCases: Array<[operation: string, input: string, parameters: IDataObject, message: RegExp]> = [
	['Element → Get', 'a task ID from an empty expression', { resource: 'element', operation: 'get', taskId: '={{ $json.taskId ?? "" }}' }, /Task ID is required/],
	['Element → Delete', 'an element ID that is not a number', { resource: 'element', operation: 'delete', element: { __rl: true, mode: 'id', value: 'captain-mira' } }, /An element ID is a number/],
	['Element → Delete', 'an element ID that went through a number and lost digits', { resource: 'element', operation: 'delete', element: { __rl: true, mode: 'id', value: '={{ 835266081714884677 }}' } }, /lost digits|must be a number/],
	['Element → Delete', 'no element', { resource: 'element', operation: 'delete', element: { __rl: true, mode: 'list', value: '' } }, /"Element" is required/],
	['Voice → Delete', 'no voice', { resource: 'voice', operation: 'delete', voice: { __rl: true, mode: 'id', value: '' } }, /"Voice" is required/],
	['Voice → Get', 'a task ID from an empty expression', { resource: 'voice', operation: 'get', taskId: '={{ "" }}' }, /Task ID is required/],
	['Video → Get', 'a task ID from an empty expression', { resource: 'video', operation: 'get', kind: 'omni', taskId: '={{ "" }}' }, /Task ID is required/],
];

describe('Bad input on the other operations sends nothing', () => {
	it.each(cases)('%s refuses %s', async (operation, input, parameters, message) => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(voiceCreate(parameters)), credentials: apiKeyCredential(sim) });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		record({ operation, input, requests: sim.requests.length, creates: sim.createdTaskCount() });
		expect(sim.requests).toHaveLength(0);
	});

	it.each(itemCases)('%s refuses %s', async (operation, input, parameters, message) => {
		const { sim } = ctx;
		const result = await runWorkflow({ ...chain(klingNode('Kling', parameters)), credentials: apiKeyCredential(sim) });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(message);
		record({ operation, input, requests: sim.requests.length, creates: sim.createdTaskCount() });
		expect(sim.requests).toHaveLength(0);
	});
});
