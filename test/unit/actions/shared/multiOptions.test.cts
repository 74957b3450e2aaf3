import { NodeOperationError } from 'n8n-workflow';

import { multiOptionValues } from '../../../../nodes/Kling/actions/shared/multiOptions';
import { node } from '../../executeKit.cts';

const OPTIONS = [
	{ name: 'Character', value: 'o_102' },
	{ name: 'Scene', value: 'o_106' },
	{ name: 'Failed', value: 'failed' },
];

describe('multiOptionValues: what it reads', () => {
	const parse = (value: unknown) => multiOptionValues.call({ getNode: () => node }, value, OPTIONS, 'Tags');

	it('takes an array, one value, or a comma-separated list, by value or by name in any case, each once, in order', () => {
		expect(parse(['o_106', 'o_102'])).toEqual(['o_106', 'o_102']);
		expect(parse('o_102')).toEqual(['o_102']);
		expect(parse(' scene , CHARACTER,o_106 ')).toEqual(['o_106', 'o_102']);
		expect(parse(['Failed, scene'])).toEqual(['failed', 'o_106']);
	});

	it('reads an empty value as none', () => {
		for (const empty of ['', ' , ', [], null, undefined, [null, '']]) expect(parse(empty)).toEqual([]);
	});

	it('names the first entry that is no option, and the options there are; values are case-sensitive', () => {
		expect(() => parse('o_102, O_106')).toThrow('Tags: "O_106" is not one of Character (o_102), Scene (o_106), Failed (failed)');
		expect(() => parse([7])).toThrow(/^Tags: "7" is not one of/);
		expect(() => parse([{ value: 'o_102' }])).toThrow(/^Tags: "\{"value":"o_102"\}" is not one of/);
	});
});

describe('multiOptionValues', () => {
	const ctx = { getNode: () => node };

	it('returns the values', () => {
		expect(multiOptionValues.call(ctx, 'scene', OPTIONS, 'Tags')).toEqual(['o_106']);
	});

	it('throws an error naming the field and the item', () => {
		let error: unknown;
		try {
			multiOptionValues.call(ctx, 'nope', OPTIONS, 'Tags', 2);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error).toMatchObject({
			message: 'Tags: "nope" is not one of Character (o_102), Scene (o_106), Failed (failed)',
			description: "Tags takes an option's name or value, a comma-separated list of them, or an array",
			context: { itemIndex: 2 },
		});
	});
});
