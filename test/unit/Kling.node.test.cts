/** Kling.node.ts: the router's entry points, and what a failed run tells an AI agent that called the node as a tool. */
import { Kling } from '../../nodes/Kling/Kling.node';
import { executeContext, failureOf, FakeKling, useFakeTime, whileTimePasses } from './executeKit.cts';

useFakeTime();

describe('Kling.execute', () => {
	const getUnknownTask = (toolExecution: boolean) => {
		const { ctx } = executeContext({ kling: new FakeKling(), toolExecution, parameters: { resource: 'video', operation: 'get', kind: 'omni', taskId: '842250903629086999' } });
		return failureOf(whileTimePasses(new Kling().execute.call(ctx)));
	};

	it('puts the description into the message when an AI agent calls it: the agent shows its model the message alone', async () => {
		const error = await getUnknownTask(true);
		expect(error.description).toBeTruthy();
		expect(error.message).toBe(`Kling has no omni video task with ID "842250903629086999". ${error.description}`);
	});

	it('keeps the message short in a workflow, where n8n shows the description beside it', async () => {
		expect((await getUnknownTask(false)).message).toBe('Kling has no omni video task with ID "842250903629086999"');
	});
});
