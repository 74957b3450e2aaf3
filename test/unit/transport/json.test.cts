import { parseJsonLossless } from '../../../nodes/Kling/transport/json';

describe('parseJsonLossless', () => {
	it('keeps int64 ids exact, as strings', () => {
		const parsed = parseJsonLossless('{"data":{"element_id":835266081714884677,"list":[9007199254740993,-1234567890123456789]}}') as {
			data: { element_id: string; list: string[] };
		};
		expect(parsed.data.element_id).toBe('835266081714884677');
		expect(parsed.data.list).toEqual(['9007199254740993', '-1234567890123456789']);
		// The trap it avoids:
		expect(String(JSON.parse('835266081714884677'))).toBe('835266081714884700');
	});

	it('leaves smaller numbers, decimals and digits inside strings alone', () => {
		expect(
			parseJsonLossless('{"created_at":1781080778802,"ratio":1.25,"e":1e21,"text":"id 835266081714884677 \\" ok","neg":-5}'),
		).toEqual({ created_at: 1781080778802, ratio: 1.25, e: 1e21, text: 'id 835266081714884677 " ok', neg: -5 });
	});

	it('handles escaped backslashes before a closing quote', () => {
		expect(parseJsonLossless('{"a":"x\\\\","b":12345678901234567}')).toEqual({ a: 'x\\', b: '12345678901234567' });
	});

	it('throws on text that is not JSON', () => {
		expect(() => parseJsonLossless('<html>502 Bad Gateway</html>')).toThrow();
	});
});
