import { hasMentions, placeholderProblem, translateElementMentions, translateMentions } from '../../../../nodes/Kling/actions/shared/prompt';
import { ELEMENT_LIBRARIES } from '../../../../nodes/Kling/contract/element';
import { executeContext, failureOf, FakeKling, ok, useFakeTime, whileTimePasses } from '../../executeKit.cts';

useFakeTime();

describe('prompt references', () => {
	it('finds placeholders past the end of their lists', () => {
		expect(placeholderProblem('<<<element_2>>> and <<<image_1>>>', { element: 2, image: 1, video: 0 })).toBeUndefined();
		expect(placeholderProblem('<<<element_3>>>', { element: 2 })).toMatch(/Elements holds 2 entries/);
		expect(placeholderProblem('<<<video_1>>>', { video: 0 })).toMatch(/Reference Video is empty/);
		expect(placeholderProblem('<<<voice_1>>>', { element: 1 })).toBeUndefined();
	});

	it('refuses a placeholder written with leading zeros, which Kling would not match', () => {
		expect(placeholderProblem('<<<image_01>>> glows', { image: 1 })).toBe('The prompt refers to <<<image_01>>>: write it as <<<image_1>>>, without leading zeros.');
		expect(placeholderProblem('<<<element_1>>> and <<<element_10>>>', { element: 10 })).toBeUndefined();
	});

	it('turns @names into element placeholders', () => {
		const names = ['Mira', 'Captain Mira', 'Red Fox'];
		expect(translateMentions('@Captain Mira chases @red fox; @Mira waits', names)).toEqual({ text: '<<<element_2>>> chases <<<element_3>>>; <<<element_1>>> waits' });
		expect(translateMentions('@Miranda and mail@mira.example', names)).toEqual({ text: '@Miranda and mail@mira.example' });
		expect(translateMentions('@Mira', ['Mira', 'mira'])).toEqual({ problem: expect.stringMatching(/ambiguous: elements 1 and 2/) });
		expect(hasMentions('write to a@b.com')).toBe(false);
		expect(hasMentions('(@Mira)')).toBe(true);
	});

	it('leaves an @ inside a URL as typed', () => {
		expect(translateMentions('logo from https://x.com/@Mira/profile and ?by=@Mira', ['Mira'])).toEqual({ text: 'logo from https://x.com/@Mira/profile and ?by=@Mira' });
		expect(hasMentions('see https://x.com/@Mira')).toBe(false);
	});

	it('translates a mention once when an element\'s name itself holds "@Other"', () => {
		expect(translateMentions('@Team @Fox walks, @Fox waits', ['Team @Fox', 'Fox'])).toEqual({ text: '<<<element_1>>> walks, <<<element_2>>> waits' });
	});

	it("refuses Kling's new-standard @image_1 or @Element_2, which the legacy API reads as plain text", () => {
		expect(placeholderProblem('@element_1 walks into @image_1', { element: 1, image: 1 })).toBe('The prompt refers to @element_1, which Kling reads as plain text here: write <<<element_1>>>.');
		expect(placeholderProblem('(@Image_2) glows', { image: 2 }, 'Shots #1 → Prompt')).toBe('Shots #1 → Prompt refers to @Image_2, which Kling reads as plain text here: write <<<image_2>>>.');
		expect(placeholderProblem('mail@image_1.example and @image_1x', { image: 1 })).toBeUndefined();
	});
});

describe('translateElementMentions', () => {
	const MIRA = '835266081714884677';
	const FOX = '835266081714884678';
	/** The account's library holds Mira (or a deleted Mira) and the presets Fox; each list read is recorded by the fake. */
	function libraries(miraStatus = 'succeed') {
		const task = (id: string, name: string, status: string) => ({ task_id: `t${id}`, task_status: 'succeed', task_result: { elements: [{ element_id: id, element_name: name, reference_type: 'image_refer', status }] } });
		const kling = new FakeKling()
			.inject((sent) => sent.path === ELEMENT_LIBRARIES.custom, ok([task(MIRA, 'Mira', miraStatus)]), Infinity)
			.inject((sent) => sent.path === ELEMENT_LIBRARIES.preset, ok([task(FOX, 'Red Fox', 'succeed')]), Infinity);
		const { ctx } = executeContext({ kling });
		return { kling, translate: (texts: string[], elements: Array<{ id: string; name?: string }>) => whileTimePasses(translateElementMentions.call(ctx, texts, elements, 0)) };
	}

	it('reads no list without a mention, or when the pickers named every element', async () => {
		const { kling, translate } = libraries();
		expect(await translate(['A harbour at dawn'], [{ id: MIRA }])).toEqual({ texts: ['A harbour at dawn'], found: new Map() });
		expect((await translate(['@Mira waves', '@Fox runs'], [{ id: MIRA, name: 'Mira' }, { id: FOX, name: 'Fox' }])).texts).toEqual([
			'<<<element_1>>> waves',
			'<<<element_2>>> runs',
		]);
		expect(kling.sent).toEqual([]);
	});

	it('looks up the names of elements given by ID, in the account’s library and then the presets, and returns them', async () => {
		const { kling, translate } = libraries();
		const { texts, found } = await translate(['@Red Fox chases @Mira'], [{ id: MIRA }, { id: FOX }]);
		expect(texts).toEqual(['<<<element_2>>> chases <<<element_1>>>']);
		expect([...found.keys()]).toEqual([MIRA, FOX]);
		expect(found.get(FOX)).toMatchObject({ reference_type: 'image_refer' });
		expect(kling.sent.map((sent) => sent.path)).toEqual([ELEMENT_LIBRARIES.custom, ELEMENT_LIBRARIES.preset]);
	});

	it('leaves a mention of a deleted element as typed, for Kling to judge', async () => {
		const { translate } = libraries('deleted');
		const { texts, found } = await translate(['@Mira waves'], [{ id: MIRA }]);
		expect(texts).toEqual(['@Mira waves']);
		expect(found.size).toBe(0);
	});

	it('refuses an ambiguous mention before anything is sent', async () => {
		const { kling, translate } = libraries();
		const error = await failureOf(translate(['@Mira waves'], [{ id: MIRA, name: 'Mira' }, { id: FOX, name: 'mira' }]));
		expect(error.message).toMatch(/@Mira in the prompt is ambiguous: elements 1 and 2 have that name/);
		expect(kling.sent).toEqual([]);
	});
});
