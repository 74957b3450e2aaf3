/**
 * Kling's element ids are int64 values (e.g. 835266081714884677) that `JSON.parse` silently rounds (to
 * 835266081714884700). Before parsing, this wraps every integer literal of 16 or more digits outside a string in
 * quotes, so ids arrive as exact strings. Smaller numbers (timestamps in ms have 13 digits) stay numbers.
 */
const BIG_INTEGER_DIGITS = 16;

export function parseJsonLossless(text: string): unknown {
	let out = '';
	let i = 0;
	const n = text.length;
	while (i < n) {
		const ch = text[i];
		if (ch === '"') {
			// Copy a whole string literal, honouring escapes, so digits inside strings are never touched.
			const start = i++;
			while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
			out += text.slice(start, ++i);
		} else if (ch === '-' || (ch >= '0' && ch <= '9')) {
			const start = i++;
			while (i < n && /[0-9eE.+-]/.test(text[i])) i++;
			const literal = text.slice(start, i);
			const digits = literal.replace(/^-/, '');
			out += /^\d+$/.test(digits) && digits.length >= BIG_INTEGER_DIGITS ? `"${literal}"` : literal;
		} else {
			out += ch;
			i++;
		}
	}
	// The one place the package parses JSON: the input has just been made int64-safe above.
	return JSON.parse(out);
}
