/**
 * JSON helpers that keep int64 ids exact.
 *
 * Kling writes element ids as bare integers above 2^53, which JSON.parse rounds. The simulator must both emit them
 * that way (so clients are tested against the real hazard) and read them back from clients without rounding.
 */

export type Json = null | boolean | number | string | bigint | Json[] | { [key: string]: Json | undefined };

/** Integer literals with this many digits or more may exceed Number.MAX_SAFE_INTEGER, so they become strings. */
const BIG_DIGITS = 16;

/**
 * JSON.parse, except that integer literals of 16+ digits outside strings come back as strings.
 * The scan skips string contents so digits inside text values are never touched.
 */
export function parseLossless(text: string): unknown {
	const numberAt = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;
	let out = '';
	let copied = 0;
	let i = 0;
	while (i < text.length) {
		const c = text[i];
		if (c === '"') {
			i++;
			while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
			i++;
			continue;
		}
		if (c === '-' || (c >= '0' && c <= '9')) {
			numberAt.lastIndex = i;
			const m = numberAt.exec(text);
			if (m) {
				const isInteger = m[1] === undefined && m[2] === undefined;
				if (isInteger && m[0].replace('-', '').length >= BIG_DIGITS) {
					out += text.slice(copied, i) + '"' + m[0] + '"';
					copied = i + m[0].length;
				}
				i += m[0].length;
				continue;
			}
		}
		i++;
	}
	return JSON.parse(out + text.slice(copied));
}

/** JSON.stringify that writes bigint values as bare integer digits, the way Kling writes element_id. */
export function stringifyJson(value: unknown): string {
	if (typeof value === 'bigint') return value.toString();
	if (value === null || value === undefined || typeof value === 'function') return 'null';
	if (Array.isArray(value)) return '[' + value.map((v) => stringifyJson(v)).join(',') + ']';
	if (typeof value === 'object') {
		const parts: string[] = [];
		for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
			if (v === undefined || typeof v === 'function') continue;
			parts.push(JSON.stringify(key) + ':' + stringifyJson(v));
		}
		return '{' + parts.join(',') + '}';
	}
	return JSON.stringify(value);
}
