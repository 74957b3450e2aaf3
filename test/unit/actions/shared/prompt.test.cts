import { hasMentions, placeholderProblem, translateMentions } from '../../../../nodes/Kling/actions/shared/prompt';

describe('prompt references', () => {
	it('finds placeholders past the end of their lists', () => {
		expect(placeholderProblem('<<<element_2>>> and <<<image_1>>>', { element: 2, image: 1, video: 0 })).toBeUndefined();
		expect(placeholderProblem('<<<element_3>>>', { element: 2 })).toMatch(/Elements holds 2 entries/);
		expect(placeholderProblem('<<<video_1>>>', { video: 0 })).toMatch(/Reference Video is empty/);
		expect(placeholderProblem('<<<voice_1>>>', { element: 1 })).toBeUndefined();
	});

	it('turns @names into element placeholders', () => {
		const names = ['Mira', 'Captain Mira', 'Red Fox'];
		expect(translateMentions('@Captain Mira chases @red fox; @Mira waits', names)).toEqual({ text: '<<<element_2>>> chases <<<element_3>>>; <<<element_1>>> waits' });
		expect(translateMentions('@Miranda and mail@mira.example', names)).toEqual({ text: '@Miranda and mail@mira.example' });
		expect(translateMentions('@Mira', ['Mira', 'mira'])).toEqual({ problem: expect.stringMatching(/ambiguous: elements 1 and 2/) });
		expect(hasMentions('write to a@b.com')).toBe(false);
		expect(hasMentions('(@Mira)')).toBe(true);
	});
});
