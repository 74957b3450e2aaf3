import { createHash, randomBytes } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Secret to this process: a run's key is a digest of the run and this salt. n8n's Retry On Fail tries the node again
 * within the same run and process, so it gets the same key however long the first try took; nothing else does, not
 * even an execution whose ID is reused after n8n's database was reset (which takes a restart, and a new salt).
 */
const PROCESS_SALT = randomBytes(16).toString('hex');

/**
 * Whether the node runs as a tool (an AI agent's or an MCP client's): n8n runs a usable-as-tool node as its `…Tool`
 * variant. Read from the type, as n8n's own `isToolType` does, because `isToolExecution()` is false when an AI Agent
 * 3.x runs its tools as engine requests, and n8n 1.x has no `isToolExecution` at all (docs/n8n-behaviour.md §8a).
 */
export const isToolCall = (ctx: Pick<IExecuteFunctions, 'getNode'>): boolean => ctx.getNode().type.endsWith('Tool');

/**
 * A tool call is a run of its own, keyed by its context: n8n may give two calls the same execution and run index (an
 * MCP client's calls have no execution), and each try of a tool is a new call anyway. Keyed by run, a second call
 * would take over the first call's tasks.
 */
const toolCallKeys = new WeakMap<IExecuteFunctions, string>();

function runKeyOf(ctx: IExecuteFunctions): string {
	if (isToolCall(ctx)) {
		const key = toolCallKeys.get(ctx) ?? randomBytes(8).toString('hex');
		toolCallKeys.set(ctx, key);
		return key;
	}
	// Per execution, node (its id, and its name, unique in a workflow even where an old workflow's nodes lack ids) and
	// run index (a loop runs a node more than once in an execution).
	const { id, name } = ctx.getNode();
	const run = JSON.stringify([ctx.getExecutionId(), id, name, ctx.getWorkflowDataProxy(0).$runIndex]);
	return createHash('sha256').update(`${PROCESS_SALT}:${run}`).digest('hex');
}

/**
 * Hex digits that name `what` within this run of the node. External task ids are made of them, so a second try of the
 * run (n8n's Retry On Fail) sends the same ids and takes over the tasks the first try made (tasks/submit.ts).
 */
export function runDigest(ctx: IExecuteFunctions, what: string, length: number): string {
	return createHash('sha256').update(`${runKeyOf(ctx)}:${what}`).digest('hex').slice(0, length);
}
