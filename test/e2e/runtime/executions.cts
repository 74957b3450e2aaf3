/**
 * Executions as n8n stored them, read through the public API: waiting for them (on their stored status, never on a
 * guessed time) and reading a node's output from their data.
 */
import { readFileSync } from 'node:fs';

import type { Execution, PublicApi } from './api.cts';
import { waitFor } from './wait.cts';

/** n8n's WAIT_INDEFINITELY: the waitTill of an execution that only a call to its resume URL continues. */
export const WAIT_INDEFINITELY = '3000-01-01T00:00:00.000Z';

export const isDone = (execution: Execution) => !['new', 'running', 'waiting'].includes(execution.status);

/** The first execution of the workflow that matches, once one does. */
export async function executionWhere(api: PublicApi, workflowId: string, predicate: (execution: Execution) => boolean, what: string, timeoutMs = 60_000): Promise<Execution> {
	return await waitFor(async () => (await api.executions(workflowId)).find(predicate), { what, timeoutMs });
}

/**
 * Waits until the workflow has `enough` executions (at least that many, or those the predicate looks for) and all
 * of them are done; returns them with data, oldest first.
 */
export async function doneExecutions(api: PublicApi, workflowId: string, enough: number | ((executions: Execution[]) => boolean), timeoutMs = 60_000): Promise<Execution[]> {
	// A count needs no data to check: the executions are read without it until then (main answers that much faster).
	const isEnough = typeof enough === 'number' ? (executions: Execution[]) => executions.length >= enough : enough;
	const includeData = typeof enough !== 'number';
	await waitFor(
		async () => {
			const executions = await api.executions(workflowId, { includeData });
			return isEnough(executions) && executions.every(isDone);
		},
		{ what: `${typeof enough === 'number' ? enough : 'the awaited'} finished executions of workflow ${workflowId}`, timeoutMs },
	);
	return (await api.executions(workflowId, { includeData: true })).sort((a, b) => Number(a.id) - Number(b.id));
}

/** Waits until the execution is no longer new, running or waiting; returns it with its data. */
export async function finished(api: PublicApi, executionId: string, timeoutMs = 60_000): Promise<Execution> {
	await waitFor(async () => isDone(await api.execution(executionId)), { what: `execution ${executionId} to finish`, timeoutMs });
	return await api.execution(executionId);
}

/** The items a node output in its last run (main output 0), as stored with the execution. */
export function lastOutput(execution: Execution, nodeName: string, output = 0): Array<{ json: any; binary?: any }> {
	const runs = execution.data?.resultData.runData[nodeName] ?? [];
	return runs[runs.length - 1]?.data?.main[output] ?? [];
}

/** Which workers (of a queue topology's processes) say in their log that they ran the execution ("Worker started execution <id> (job ...)"). */
export function workersThatRan(executionId: string, processes: Array<{ role: string; logFile: string }>): string[] {
	const line = `Worker started execution ${executionId} `;
	return processes.filter(({ role, logFile }) => role.startsWith('worker-') && readFileSync(logFile, 'utf8').includes(line)).map(({ role }) => role);
}
