import type { IExecuteFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { truncate } from './validate';

export type MultiOption = Pick<INodePropertyOptions, 'name' | 'value'>;

/** The option a text names: its value as written (Kling's ids are case-sensitive), or its name in any case. */
export const optionNamed = (text: string, options: readonly MultiOption[]) =>
	options.find((candidate) => String(candidate.value) === text) ?? options.find((candidate) => candidate.name.toLowerCase() === text.toLowerCase());

/** The options as an error lists them: `Name (value)`. */
export const optionList = (options: readonly MultiOption[]) => options.map((candidate) => `${candidate.name} (${String(candidate.value)})`).join(', ');

/**
 * The option values a multi-select parameter ("multiOptions") holds. The editor stores an array of values, but n8n
 * hands over whatever an expression gives, unchecked: one value, a comma-separated list, an array. Each entry may be
 * an option's value, as written (Kling's ids are case-sensitive), or its name in any case. An empty value means none.
 * Returns the values in the order given, each once; the first entry that is no option fails naming the field (and the
 * item, where there is one; n8n appends its number).
 */
export function multiOptionValues(this: Pick<IExecuteFunctions, 'getNode'>, value: unknown, options: readonly MultiOption[], label: string, itemIndex?: number): string[] {
	const entries = (Array.isArray(value) ? value : [value]).flatMap((entry: unknown) =>
		typeof entry === 'string' ? entry.split(',') : entry === null || entry === undefined ? [] : [entry],
	);
	const values: string[] = [];
	for (const entry of entries) {
		const text = typeof entry === 'string' ? entry.trim() : typeof entry === 'object' ? JSON.stringify(entry) : String(entry);
		if (!text) continue;
		const option = optionNamed(text, options);
		if (!option) {
			throw new NodeOperationError(this.getNode(), `${label}: "${truncate(text)}" is not one of ${optionList(options)}`, {
				...(itemIndex === undefined ? {} : { itemIndex }),
				description: `${label} takes an option's name or value, a comma-separated list of them, or an array`,
			});
		}
		if (!values.includes(String(option.value))) values.push(String(option.value));
	}
	return values;
}
