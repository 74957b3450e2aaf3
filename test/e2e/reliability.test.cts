/**
 * The README's Reliability promises, in a real n8n (`n8n execute` on workflows imported with n8n's CLI, against the
 * simulator): a create whose answer was lost (a 5xx, a relay's HTML page, malformed JSON) is never sent again, and its
 * task is adopted by its external task ID; when Kling does not show that task, the item fails naming the external task
 * ID; reads of a waiting task answered with an HTML page or with HTTP 200 and an error code, for longer than one round,
 * fail no item; and Return Task Immediately sends every item at once, riding out Kling's concurrency limit (1303).
 */
import type { RequestFault } from '../simulator/faultTypes.cts';
import type { KlingSimulator } from '../simulator/index.cts';
import { CREATE, createEach } from './cases/elements.cts';
import { useSimulatedKling } from './helpers.cts';
import { nodeItems, readExample, type WorkflowJson } from './runtime/workflows.cts';

const kling = useSimulatedKling('reliability');
let sim: KlingSimulator;
const run = (workflow: WorkflowJson) => kling.run(workflow);

beforeAll(() => {
	sim = kling.sim;
});

const createElement = () => readExample('create-element.json');

describe('A create whose answer was lost, in a real n8n', () => {
	it.each<[string, RequestFault]>([
		['a 5xx answer (code 5000, HTTP 500)', { kind: 'error', code: 5000, httpStatus: 500, processed: true }],
		["a relay's HTML error page", { kind: 'html', processed: true }],
		['malformed JSON', { kind: 'malformedJson', processed: true }],
	])('after %s, is not sent again: the node adopts the task Kling made, found by its external task ID', async (_, fault) => {
		sim.injectFault({ when: { product: 'elements', operation: 'create' }, fault });
		const result = await run(createElement());

		expect(sim.faultLog.map((applied) => [applied.kind, applied.processed])).toEqual([[fault.kind, true]]);
		expect(result.data?.resultData?.error).toBeUndefined();
		const [task] = sim.tasks('elements');
		const creates = sim.apiRequests({ method: 'POST' });
		expect(creates).toHaveLength(1);
		expect(task.externalTaskId).toBe((creates[0].body as { external_task_id: string }).external_task_id);
		expect(nodeItems(result, CREATE).map((item) => item.json)).toEqual([expect.objectContaining({ taskId: task.taskId, elementId: task.outputId })]);
	});

	it('fails the item, naming the external task ID it sent, when Kling does not show the task, and sends the create only once', async () => {
		sim.injectFault({ when: { product: 'elements', operation: 'create' }, fault: { kind: 'dropAfterAccept', processed: false } });
		const result = await run(createElement());

		const creates = sim.apiRequests({ method: 'POST' });
		expect(creates).toHaveLength(1);
		const externalTaskId = (creates[0].body as { external_task_id: string }).external_task_id;
		expect(externalTaskId).toEqual(expect.any(String));
		expect(result.status).toBe('error');
		const error = result.data?.resultData?.error;
		expect(`${error?.message} ${error?.description}`).toContain(`external task ID ${externalTaskId}`);
		// It looked for the task by that ID before giving up.
		expect(sim.apiRequests({ method: 'GET' }).map((read) => read.path)).toContain(`/v1/general/advanced-custom-elements/${externalTaskId}`);
		expect(nodeItems(result, CREATE)).toEqual([]);
		expect(sim.createdTaskCount()).toBe(0);
	});
});

describe('Wait Until Done in a real n8n, while Kling cannot be read', () => {
	it.each<[string, RequestFault]>([
		["a relay's HTML error page (HTTP 502)", { kind: 'html' }],
		['HTTP 200 with error code 5001', { kind: 'okWithCode', code: 5001 }],
	])('fails no item when reads are answered with %s for longer than one round', async (_, fault) => {
		// The transport tries a round's read six times: eight bad answers make at least one whole round fail.
		sim.injectFault({ when: { product: 'elements', method: 'GET' }, times: 8, fault });
		const result = await run(createElement());

		expect(sim.faultLog.map((applied) => applied.kind)).toEqual(Array(8).fill(fault.kind));
		expect(result.data?.resultData?.error).toBeUndefined();
		const [task] = sim.tasks('elements');
		expect(nodeItems(result, CREATE).map((item) => item.json.elementId)).toEqual([task.outputId]);
		expect(sim.createdTaskCount()).toBe(1);
	});
});

describe('Return Task Immediately in a real n8n, at Kling’s concurrency limit', () => {
	it('sends every item at once, and sends an item refused with 1303 again later: one task per item, each output with its task ID', async () => {
		sim.options.concurrencyLimit = 5;
		sim.options.timing = { submittedMs: 100, processingMs: 3_000 };
		const names = ['Mira', 'Fox', 'Owl', 'Bear', 'Lynx', 'Wren'];
		const result = await run(createEach(names, { completion: 'returnTask' }));

		expect(result.data?.resultData?.error).toBeUndefined();
		const tasks = sim.tasks('elements');
		expect(tasks.map((task) => task.body.element_name).sort()).toEqual([...names].sort());
		const creates = sim.apiRequests({ method: 'POST' });
		const refused = creates.filter((create) => create.code === 1303);
		expect(refused.length).toBeGreaterThanOrEqual(1);
		expect(creates.filter((create) => create.code === 0)).toHaveLength(names.length);
		// At once: the sixth create went out before any of the first five tasks ended, and was refused for it.
		expect(refused[0].receivedAt).toBeLessThan(Math.min(...tasks.map((task) => task.updatedAt)));
		const taskOf = (name: string) => tasks.find((task) => task.body.element_name === name)!;
		expect(nodeItems(result, CREATE).map((item) => item.json.taskId)).toEqual(names.map((name) => taskOf(name).taskId));
	});
});
