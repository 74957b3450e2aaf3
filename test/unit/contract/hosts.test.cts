import { baseUrlOf, CHINA_BASE_URL, GLOBAL_BASE_URL } from '../../../nodes/Kling/contract/hosts';

describe('baseUrlOf', () => {
	it('resolves the base URL for each region and strips trailing slashes from a custom one', () => {
		expect(GLOBAL_BASE_URL).toBe('https://api-singapore.klingai.com');
		expect(CHINA_BASE_URL).toBe('https://api-beijing.klingai.com');
		expect(baseUrlOf({ region: GLOBAL_BASE_URL })).toBe('https://api-singapore.klingai.com');
		expect(baseUrlOf({ region: CHINA_BASE_URL })).toBe('https://api-beijing.klingai.com');
		expect(baseUrlOf({ region: 'custom', customBaseUrl: ' https://www.kkiai.com/kling// ' })).toBe('https://www.kkiai.com/kling');
		expect(baseUrlOf({})).toBe('https://api-singapore.klingai.com');
		// A relay's token never goes to Kling's own host: a custom region without its address is an error.
		expect(() => baseUrlOf({ region: 'custom', customBaseUrl: ' ' })).toThrow('The Kling credential has no Base URL: fill it in, or choose a region');
		// Without http(s) the HTTP client would fail as if the request might have reached a server.
		for (const customBaseUrl of ['api.example.com/kling', 'htps://api.example.com/kling', 'https:///kling']) {
			expect(() => baseUrlOf({ region: 'custom', customBaseUrl })).toThrow(`The Kling credential's Base URL must start with https:// (it is "${customBaseUrl}")`);
		}
		expect(baseUrlOf({ region: 'custom', customBaseUrl: 'HTTP://relay.local:8080/kling/' })).toBe('HTTP://relay.local:8080/kling');
	});
});
