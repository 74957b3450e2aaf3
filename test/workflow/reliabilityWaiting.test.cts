/**
 * Reliability under faults, part 3: polling that gets no answer and tasks that never finish.
 * See reliabilityKit.cts for what every test checks.
 */
import { itemCreate, NODE, reliabilitySuite } from './reliabilityKit.cts';

const { ctx, runBatch, verify, taskOf } = reliabilitySuite('waiting');

describe('polling that cannot get an answer keeps waiting, and at the timeout names the tasks it leaves behind', () => {
	it('with Continue On Fail: every item is an error item carrying its task id', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { method: 'GET', product: 'elements' }, times: Infinity, fault: { kind: 'error', code: 5000 } });
		const result = await runBatch({ items: 3, continueOnFail: true, node: { options: { timeoutMinutes: 0.5 } } });
		verify(result, { items: 3, tasks: 3, continueOnFail: true }, () => {
			const out = result.output(NODE);
			for (const [index, item] of out.entries()) {
				expect(item.json.error).toBe(`Kling task ${taskOf(index)?.taskId} is still submitted after 0.5 minutes`);
				expect(item.json.taskId).toBe(taskOf(index)?.taskId);
				// Each item's description speaks for that item: one note at most, never its own task as "other".
				const notes = String(item.json.description).match(/other items: [^.]*\./g) ?? [];
				expect(notes.length).toBeLessThanOrEqual(1);
				for (const note of notes) expect(note).not.toContain(taskOf(index)!.taskId);
			}
		});
	});

	it('without it: the error names the task of the item it stopped on', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { method: 'GET', product: 'elements' }, times: Infinity, fault: { kind: 'error', code: 5000 } });
		const result = await runBatch({ items: 1, node: { options: { timeoutMinutes: 0.5 } } });
		verify(result, { items: 1, tasks: 1 }, () => {
			expect(result.status).toBe('error');
			expect(`${result.error?.message} ${result.error?.description}`).toContain(taskOf(0)!.taskId);
		});
	});
});

describe('a task that never finishes', () => {
	it('fails its own item with the task id at the timeout; the other items succeed', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: itemCreate(1), fault: { kind: 'stuck' } });
		const result = await runBatch({ items: 3, continueOnFail: true, node: { options: { timeoutMinutes: 0.5 } } });
		verify(result, { items: 3, tasks: 3, continueOnFail: true }, () => {
			expect(result.status).toBe('success');
			const out = result.output(NODE);
			const stuck = taskOf(1)!;
			expect(stuck.status).toBe('processing');
			expect(out[1].json.error).toBe(`Kling task ${stuck.taskId} is still processing after 0.5 minutes`);
			expect(out[1].json.taskId).toBe(stuck.taskId);
			expect(typeof out[0].json.elementId).toBe('string');
			expect(typeof out[2].json.elementId).toBe('string');
		});
	});

	it('stops the workflow with the task id when Continue On Fail is off', async () => {
		const { sim } = ctx;
		sim.injectFault({ when: { operation: 'create' }, fault: { kind: 'stuck', status: 'submitted' } });
		const result = await runBatch({ items: 1, node: { options: { timeoutMinutes: 0.5 } } });
		verify(result, { items: 1, tasks: 1 }, () => {
			expect(result.status).toBe('error');
			expect(result.error?.message).toBe(`Kling task ${taskOf(0)!.taskId} is still submitted after 0.5 minutes`);
			expect(result.error?.description).toContain(taskOf(0)!.taskId);
			expect(result.error?.description).toContain('Options → Timeout (Minutes)');
		});
	});
});
