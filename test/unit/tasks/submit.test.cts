/**
 * tasks/submit.ts: one create, never a task twice (§10). 1302/1303 may be sent again later; a create that got no
 * usable answer is never sent again, only looked for by its external task id; a refused element id form gets one
 * more send with string ids.
 */
import type { IDataObject } from 'n8n-workflow';

import { submitTask, type Submission } from '../../../nodes/Kling/tasks/submit';
import {
	connectionError,
	executeContext,
	failureOf,
	isCreate,
	isQuery,
	ok,
	PRODUCT,
	refused,
	timedOut,
	useFakeTime,
	whileTimePasses,
} from '../executeKit.cts';

useFakeTime();

const ELEMENT_ID = '835266081714884677';
const EXTERNAL_ID = 'n8n-exec-1-0-a1b2c3';

function setup(body: IDataObject = { prompt: 'A harbour at dawn' }) {
	const { ctx, kling } = executeContext();
	const submission: Submission = { body: { ...body, external_task_id: EXTERNAL_ID }, externalTaskId: EXTERNAL_ID };
	const submit = () => whileTimePasses(submitTask.call(ctx, PRODUCT, submission));
	return { kling, submission, submit };
}

describe('submitTask', () => {
	it('answers created with the task Kling made, ids as strings, element ids sent as bare integers', async () => {
		const { kling, submit } = setup({ prompt: 'Mira waves', element_list: [{ element_id: ELEMENT_ID }] });
		const outcome = await submit();
		expect(outcome).toEqual({ kind: 'created', task: expect.objectContaining({ task_id: kling.tasks[0].id, task_status: 'processing' }) });
		expect(kling.sent).toHaveLength(1);
		expect(kling.sent[0].body).toContain(`"element_list":[{"element_id":${ELEMENT_ID}}]`);
		expect(kling.sent[0].body).toContain(`"external_task_id":"${EXTERNAL_ID}"`);
	});

	it.each([
		[1302, 'rate', 'too many requests'],
		[1303, 'concurrency', 'parallel task over resource pack limit'],
	])('answers retryLater after %i: Kling refused it before any task existed', async (code, reason, message) => {
		const { kling, submission, submit } = setup();
		kling.inject(isCreate, refused(code, message, 429, { 'retry-after': '7' }));
		expect(await submit()).toEqual({ kind: 'retryLater', reason, retryAfterMs: 7_000 });
		expect(kling.sent).toHaveLength(1);
		expect(submission.lostAnswer).toBeUndefined();
		// Safe to send again: the next try is a create.
		expect(await submit()).toMatchObject({ kind: 'created' });
		expect(kling.creates()).toHaveLength(2);
	});

	it("answers retryLater after a relay's or gateway's 429, which is not Kling's answer: refused for now, sent again later", async () => {
		const { kling, submission, submit } = setup();
		kling.inject(isCreate, { status: 429, body: '<html>Too Many Requests</html>', headers: { 'retry-after': '7' } });
		expect(await submit()).toEqual({ kind: 'retryLater', reason: 'rate', retryAfterMs: 7_000 });
		expect(submission.lostAnswer).toBeUndefined();
		expect(await submit()).toMatchObject({ kind: 'created' });
		expect(kling.creates()).toHaveLength(2);
	});
});

describe("submitTask after a relay's 429", () => {
	it("adopts the task of a create the relay passed on before its 429, with the user's own external task ID", async () => {
		const { ctx, kling } = executeContext();
		const submission: Submission = { body: { prompt: 'x', external_task_id: 'campaign-42-hero' }, externalTaskId: 'campaign-42-hero' };
		kling.inject(isCreate, (sent) => {
			kling.create(sent);
			return { status: 429, body: '<html>Too Many Requests</html>' };
		});
		expect(await whileTimePasses(submitTask.call(ctx, PRODUCT, submission))).toMatchObject({ kind: 'retryLater', reason: 'rate' });
		// Sent again later: Kling refuses the id it has seen, and the node takes over the task its first send made.
		expect(await whileTimePasses(submitTask.call(ctx, PRODUCT, submission))).toEqual({ kind: 'created', task: expect.objectContaining({ task_id: kling.tasks[0].id }) });
		expect(kling.tasks).toHaveLength(1);
	});
});

describe('submitTask after a lost answer', () => {
	it.each([
		['no answer', timedOut()],
		['a connection reset', connectionError('ECONNRESET')],
		['a 5xx Kling answer', refused(5000, 'internal error', 500)],
		['an HTML 502', { status: 502, body: '<html>Bad Gateway</html>' }],
		// Code 0: Kling made (and bills) the task, but its answer is not a task this node can read.
		['a success whose data is no task', ok({ id: '860000000000000001', status: 'submitted' })],
	])('after %s, adopts the task the create made, found by its external task id, without sending it again', async (_label, lost) => {
		const { kling, submit } = setup();
		kling.inject(isCreate, (sent) => (kling.create(sent), lost));
		expect(await submit()).toEqual({ kind: 'created', task: expect.objectContaining({ task_id: kling.tasks[0].id }) });
		expect(kling.creates()).toHaveLength(1);
		expect(kling.sent.filter(isQuery).map((sent) => sent.path)).toEqual([`${PRODUCT.path}/${EXTERNAL_ID}`]);
	});

	it('looks for it up to 4 times, never sending it again, then fails naming the external task id', async () => {
		const { kling, submission, submit } = setup();
		kling.inject(isCreate, timedOut(), Infinity);
		for (let lookup = 1; lookup <= 3; lookup++) {
			expect(await submit()).toEqual({ kind: 'retryLater', reason: 'lookUp' });
			expect(submission.lostAnswer?.lookups).toBe(lookup);
		}
		const error = await failureOf(submit());
		expect(error.message).toBe('No valid answer from Kling: the request timed out');
		expect(error.description).toContain(`Kling may still have created the task: it does not show one with external task ID ${EXTERNAL_ID} yet.`);
		expect(error.description).toContain('Look it up with Video → Get (by that external task ID) before running the node again');
		expect(kling.creates()).toHaveLength(1);
		expect(kling.sent.filter(isQuery).map((sent) => sent.path)).toEqual(Array(4).fill(`${PRODUCT.path}/${EXTERNAL_ID}`));
	});

	it("adopts nothing older than the create under the user's own external task id: that task is not this create's", async () => {
		const { kling, submit } = setup();
		kling.create({ at: Date.now() - 86_400_000, method: 'POST', path: PRODUCT.path, body: JSON.stringify({ external_task_id: EXTERNAL_ID }) });
		kling.inject(isCreate, timedOut());
		const error = await failureOf(submit());
		expect(error.description).toMatch(new RegExp(`^Kling already has a task ${kling.tasks[0].id} with this external task ID, made before this create was sent\\. Probably a duplicate`));
	});

	it('adopts the task when it shows up at a later lookup (a create still in Kling’s backlog)', async () => {
		const { kling, submit } = setup();
		let made: IDataObject | undefined;
		kling.inject(isCreate, (sent) => ((made = JSON.parse(sent.body!)), timedOut()));
		expect(await submit()).toEqual({ kind: 'retryLater', reason: 'lookUp' });
		expect(await submit()).toEqual({ kind: 'retryLater', reason: 'lookUp' });
		// Kling lists it only now.
		kling.create({ at: Date.now(), method: 'POST', path: PRODUCT.path, body: JSON.stringify(made) });
		expect(await submit()).toEqual({ kind: 'created', task: expect.objectContaining({ task_id: kling.tasks[0].id }) });
		expect(kling.creates()).toHaveLength(1);
	});

	it('names the external task id also when the lookups themselves get no answer', async () => {
		const { kling, submit } = setup();
		kling.inject(isCreate, timedOut()).inject(isQuery, connectionError('ECONNRESET'), Infinity);
		// As the scheduler does: the lookup is tried again while the item has lookups left; then the item fails.
		for (let lookup = 1; lookup < 4; lookup++) expect(await submit()).toEqual({ kind: 'retryLater', reason: 'lookUp' });
		const error = await failureOf(submit());
		expect(kling.creates()).toHaveLength(1);
		// Whatever the lookup's trouble, the user must learn the create may have made a task, and how to find it.
		expect(`${error.message} ${error.description}`).toContain(EXTERNAL_ID);
	});
});

describe('submitTask when Kling refuses the element ids', () => {
	it.each([1200, 1201])('sends it once more with the ids as strings after %i (a refused create made no task)', async (code) => {
		const { kling, submit } = setup({ prompt: 'Mira waves', element_list: [{ element_id: ELEMENT_ID }] });
		kling.inject(isCreate, refused(code, 'element_list[0].element_id: invalid type'));
		expect(await submit()).toMatchObject({ kind: 'created' });
		expect(kling.creates().map((sent) => JSON.stringify(/"element_id":("?\d+"?)/.exec(sent.body!)?.[1]))).toEqual([
			JSON.stringify(ELEMENT_ID),
			JSON.stringify(`"${ELEMENT_ID}"`),
		]);
		expect(kling.tasks).toHaveLength(1);
	});

	it('sends it only once more: a second refusal is the error', async () => {
		const { kling, submit } = setup({ prompt: 'Mira waves', element_list: [{ element_id: ELEMENT_ID }] });
		kling.inject(isCreate, refused(1201, 'element_id: element not found'), Infinity);
		expect((await failureOf(submit())).message).toBe('Invalid parameter: element_id: element not found');
		expect(kling.creates()).toHaveLength(2);
	});

	it('does not send a body without element ids again', async () => {
		const { kling, submit } = setup();
		kling.inject(isCreate, refused(1200, 'prompt: too long'), Infinity);
		expect((await failureOf(submit())).message).toBe('Invalid request parameters: prompt: too long');
		expect(kling.sent).toHaveLength(1);
	});
});

describe('submitTask when Kling refuses the create', () => {
	it('says "Probably a duplicate" for a 1201 naming external_task_id, and looks for nothing', async () => {
		const { kling, submit } = setup();
		kling.inject(isCreate, refused(1201, 'external_task_id already exists'));
		const error = await failureOf(submit());
		expect(error.message).toBe('Invalid parameter: external_task_id already exists');
		expect(error.description).toMatch(/^Probably a duplicate: this external task ID was used before, and Kling requires a new one per task\./);
		expect(kling.sent).toHaveLength(1);
	});

	it("takes over the task of the node's own external task id that Kling already has: a second try of the same run (Retry On Fail)", async () => {
		const { kling, submission, submit } = setup();
		submission.ownExternalTaskId = true;
		const [first, second] = [await submit(), await submit()];
		for (const outcome of [first, second]) expect(outcome).toEqual({ kind: 'created', task: expect.objectContaining({ task_id: kling.tasks[0].id }) });
		expect(kling.tasks).toHaveLength(1);
		expect(kling.sent.map((sent) => sent.method)).toEqual(['POST', 'POST', 'GET']);
	});

	it("looks for the earlier try's task as for a lost answer, and names its external task id, when Kling cannot be read just now", async () => {
		const { kling, submission, submit } = setup();
		submission.ownExternalTaskId = true;
		kling.inject(isCreate, refused(1201, 'external_task_id already exists')).inject(isQuery, refused(5001, 'maintenance'), Infinity);
		for (let lookup = 1; lookup < 4; lookup++) expect(await submit()).toEqual({ kind: 'retryLater', reason: 'lookUp' });
		const error = await failureOf(submit());
		expect(kling.creates()).toHaveLength(1);
		expect(`${error.message} ${error.description}`).toContain(EXTERNAL_ID);
	});

	it('passes any other refusal on as it is, without sending again or looking', async () => {
		const { kling, submission, submit } = setup();
		kling.inject(isCreate, refused(1301, 'prompt violates the policy'));
		const error = await failureOf(submit());
		expect(error.message).toBe('Content-safety policy triggered: prompt violates the policy');
		expect(error.description).not.toMatch(/duplicate/);
		expect(kling.sent).toHaveLength(1);
		expect(submission.lostAnswer).toBeUndefined();
	});
});
