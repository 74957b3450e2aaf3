import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { ZodIssue, ZodType, ZodTypeDef } from 'zod';

/**
 * Maps request-body paths (e.g. `element_image_list.refer_images`) to the field names the user sees. An entry's number
 * follows the label, or stands where the label has ` #` (`Shots # → Prompt`).
 */
type FieldLabels = Record<string, string>;

/**
 * Checks a request body against its contract schema before anything is sent, and reports the first
 * problem with the field name the user sees in the editor; n8n adds the item number.
 */
export function parseRequestBody<T>(
	this: Pick<IExecuteFunctions, 'getNode'>,
	schema: ZodType<T, ZodTypeDef, unknown>,
	body: unknown,
	labels: FieldLabels,
	itemIndex: number,
): T {
	const result = schema.safeParse(body);
	if (result.success) return result.data;
	throw invalidInput.call(this, describeIssue(result.error.issues[0], labels, body), itemIndex);
}

export function invalidInput(
	this: Pick<IExecuteFunctions, 'getNode'>,
	message: string,
	itemIndex: number,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(this.getNode(), message, { itemIndex, description });
}

function describeIssue(issue: ZodIssue, labels: FieldLabels, body: unknown): string {
	const keys = issue.path.filter((part): part is string => typeof part === 'string');
	// The label of the longest labelled start of the path: `a.b` before `a`.
	const label = keys.map((_, n) => labels[keys.slice(0, keys.length - n).join('.')]).find(Boolean) ?? issue.path.join('.');
	const position = issue.path.find((part): part is number => typeof part === 'number');
	const number = position === undefined ? '' : ` #${position + 1}`;
	return `${label.includes(' #') ? label.replace(' #', number) : label + number} ${describeProblem(issue, valueAt(body, issue.path))}`;
}

function describeProblem(issue: ZodIssue, value: unknown): string {
	switch (issue.code) {
		case 'too_big':
			return issue.type === 'string'
				? `must be at most ${issue.maximum} characters (it has ${String(value ?? '').length})`
				: issue.type === 'array'
					? `takes at most ${issue.maximum} entries (it has ${Array.isArray(value) ? value.length : '?'})`
					: `must be at most ${issue.maximum}`;
		case 'too_small':
			if (issue.type === 'string') return Number(issue.minimum) <= 1 ? 'is required' : `must be at least ${issue.minimum} characters`;
			if (issue.type === 'array') return `needs at least ${issue.minimum} ${Number(issue.minimum) === 1 ? 'entry' : 'entries'}`;
			return `must be at least ${issue.minimum}`;
		case 'invalid_enum_value':
			return `must be one of ${issue.options.join(', ')} (it is "${String(issue.received)}")`;
		case 'invalid_type':
			return issue.received === 'undefined' ? 'is required' : `must be a ${issue.expected}`;
		case 'invalid_string':
			return issue.validation === 'url' ? `must be a valid URL (it is "${String(value)}")` : issue.message;
		default:
			return issue.message;
	}
}

function valueAt(root: unknown, path: Array<string | number>): unknown {
	return path.reduce<unknown>(
		(node, key) => (node && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined),
		root,
	);
}

/**
 * Refuses an ID that reached the node as a number past 2^53: Kling's int64 IDs lose digits as JavaScript numbers, and
 * the ID they were is gone (§2). `field` names it in messages, `example` is an expression that keeps it text.
 */
export function refuseRoundedId(this: Pick<IExecuteFunctions, 'getNode'>, value: unknown, field: string, example: string, itemIndex: number): void {
	if (typeof value !== 'number' || Number.isSafeInteger(value)) return;
	const hint = `Pass IDs as text, e.g. ${example} from a Kling node's output, not a number from a calculation.`;
	throw invalidInput.call(this, `${field} ${String(value)} has lost digits: it passed through a number`, itemIndex, hint);
}

/** A value quoted in a message, cut to 60 characters. */
export const truncate = (value: string) => (value.length > 60 ? `${value.slice(0, 57)}...` : value);
