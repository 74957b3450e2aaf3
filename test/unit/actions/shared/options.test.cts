/** actions/shared/options.ts: when the node finishes, read from the first item's Options. */
import { readCompletion } from '../../../../nodes/Kling/actions/shared/options';
import { executeContext } from '../../executeKit.cts';

const KIND = { timeoutMinutes: 20 };

describe('readCompletion', () => {
	it('pauses as asked, and polls instead when it runs as a tool (its Tool variant), whatever isToolExecution says', () => {
		const parameters = { options: { completion: 'callback' } };
		expect(readCompletion.call(executeContext({ parameters }).ctx, KIND).mode).toBe('callback');
		// An AI Agent 3.x runs its tools as engine requests, where isToolExecution() is false (the kit's is).
		expect(readCompletion.call(executeContext({ parameters, toolExecution: true }).ctx, KIND).mode).toBe('poll');
	});

	it('pauses on n8n 1.x, whose context has no isToolExecution (it failed there with a TypeError)', () => {
		const { ctx, context } = executeContext({ parameters: { options: { completion: 'callback' } } });
		delete (context as Partial<typeof context>).isToolExecution;
		expect(readCompletion.call(ctx, KIND)).toEqual({ mode: 'callback', timeoutMs: 20 * 60_000, maxConcurrent: 3 });
	});
});
