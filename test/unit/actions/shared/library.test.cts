/** actions/shared/library.ts: the element and voice libraries, read at most once per node run and kind; Get Many. */
import { execute as getManyElements } from '../../../../nodes/Kling/actions/element/getAll.operation';
import { findInLibraries } from '../../../../nodes/Kling/actions/shared/library';
import { ELEMENT_LIBRARIES } from '../../../../nodes/Kling/contract/element';
import { executeContext, FakeKling, ok, useFakeTime, whileTimePasses } from '../../executeKit.cts';

useFakeTime();

const MIRA = '835266081714884677';
const KARA = '835266081714884679';
const FOX = '835266081714884678';
const elementTask = (id: string, name: string) => ({ task_id: `t${id}`, task_status: 'succeed', task_result: { elements: [{ element_id: id, element_name: name }] } });

function run(kling: FakeKling) {
	const { ctx } = executeContext({ kling });
	return (ids: string[]) => whileTimePasses(findInLibraries(ctx, 'element', ids));
}

describe('findInLibraries', () => {
	const kling = new FakeKling()
		.inject((sent) => sent.path === ELEMENT_LIBRARIES.custom, ok([elementTask(MIRA, 'Mira'), elementTask(KARA, 'Kara')]), Infinity)
		.inject((sent) => sent.path === ELEMENT_LIBRARIES.preset, ok([elementTask(FOX, 'Red Fox')]), Infinity);
	const paths = () => kling.sent.map((sent) => sent.path);

	beforeEach(() => {
		kling.sent.length = 0;
	});

	it("looks in the account's library, then the presets, and stops reading once every id was seen", async () => {
		const find = run(kling);
		expect([...(await find([MIRA])).keys()]).toEqual([MIRA]);
		expect(paths()).toEqual([ELEMENT_LIBRARIES.custom]);
		expect(kling.sent[0].qs).toEqual({ pageNum: 1, pageSize: 500 });
		expect([...(await find([FOX, MIRA])).entries()].map(([id, element]) => [id, element.element_name])).toEqual([
			[FOX, 'Red Fox'],
			[MIRA, 'Mira'],
		]);
		expect(paths()).toEqual([ELEMENT_LIBRARIES.custom, ELEMENT_LIBRARIES.preset]);
	});

	it('reads the libraries once per node run: later items are answered from what was read', async () => {
		const find = run(kling);
		await find([KARA]);
		await find([MIRA, KARA]);
		expect(paths()).toEqual([ELEMENT_LIBRARIES.custom]);
		// An id in neither library reads to the end once; after that nothing more is read for it.
		expect((await find(['1'])).size).toBe(0);
		expect((await find(['1', FOX])).size).toBe(1);
		expect(paths()).toEqual([ELEMENT_LIBRARIES.custom, ELEMENT_LIBRARIES.preset]);
	});

	it('keeps a failed read as an error for later items, never as "not there", and answers what it had read', async () => {
		const presetsDown = new FakeKling()
			.inject((sent) => sent.path === ELEMENT_LIBRARIES.custom, ok([elementTask(MIRA, 'Mira')]), Infinity)
			.inject((sent) => sent.path === ELEMENT_LIBRARIES.preset, { status: 502, body: '' }, Infinity);
		const find = run(presetsDown);
		await expect(find([FOX])).rejects.toThrow('No valid answer from Kling: HTTP 502 with an empty body');
		const sent = presetsDown.sent.length;
		await expect(find([FOX])).rejects.toThrow('No valid answer from Kling: HTTP 502 with an empty body');
		expect((await find([MIRA])).get(MIRA)?.element_name).toBe('Mira');
		expect(presetsDown.sent).toHaveLength(sent);
	});

	it('reads them again in the next run', async () => {
		await run(kling)([MIRA]);
		await run(kling)([MIRA]);
		expect(paths()).toEqual([ELEMENT_LIBRARIES.custom, ELEMENT_LIBRARIES.custom]);
	});
});

describe('Get Many', () => {
	it('outputs each element once when one created meanwhile shifts the newest-first list between two page reads', async () => {
		// Page 1 holds elements 600 down to 101; one created meanwhile pushes 101 onto page 2 as well.
		const nth = (n: number) => elementTask(String(835266081714800000n + BigInt(n)), `E${n}`);
		const kling = new FakeKling()
			.inject((sent) => sent.path === ELEMENT_LIBRARIES.custom && sent.qs?.pageNum === 1, ok(Array.from({ length: 500 }, (_, n) => nth(600 - n))))
			.inject((sent) => sent.path === ELEMENT_LIBRARIES.custom && sent.qs?.pageNum === 2, ok([nth(101), nth(100)]));
		const { ctx } = executeContext({ kling, parameters: { library: 'custom', returnAll: true, filters: {} } });
		const ids = (await whileTimePasses(getManyElements.call(ctx))).map((item) => item.json.elementId);
		expect(ids).toHaveLength(501);
		expect(new Set(ids).size).toBe(501);
	});
});
