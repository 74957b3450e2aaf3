import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { KlingTask, TaskProduct } from '../contract/task';

/**
 * An operation that creates one Kling task per input item. Its module exports this next to its description and
 * `execute`, which hands it to `runTaskOperation` (tasks/run.ts); the node's `webhook()` uses it to finish a run
 * paused until Kling calls back (tasks/pause.ts).
 */
export interface TaskOperation {
	product: TaskProduct;
	/** Reads and checks one item's parameters. Throws, before anything is sent, when an input is wrong. */
	buildRequest(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject>;
	/**
	 * Completes a checked request with what Kling must make first (an element's generated views, a paid task of its
	 * own). Runs only once every item's request was built, so a bad item stops the node before anything is paid for.
	 * In pause mode `firstExternalTaskId` is the external task ID that task must carry, so a resumed run can find it.
	 */
	prepare?(this: IExecuteFunctions, request: IDataObject, itemIndex: number, firstExternalTaskId?: string): Promise<Prepared>;
	/** What `prepare` may make first, which a resumed run looks up for an item whose own task failed. */
	firstTask?: { product: TaskProduct; what: string };
	/** The output item of a task that succeeded (a downloaded file included, when asked for). */
	present(this: IExecuteFunctions, task: KlingTask, itemIndex: number): Promise<INodeExecutionData>;
	/** Concurrency slots a task holds: image tasks take one per image (§11). Default 1. */
	slots?(body: IDataObject): number;
}

/** A request `prepare` completed, and the task it made for it first: paid for, so the item's errors name it. */
export interface Prepared {
	request: IDataObject;
	firstTask?: { taskId: string; what: string; readWith: string };
}

export type CompletionMode = 'returnTask' | 'poll' | 'callback';

/** When the node finishes: the Completion option and its limits (actions/shared/options.ts reads them). */
export interface CompletionSettings {
	mode: CompletionMode;
	/** How long a task may take, from submit to result, before its item fails with the task ID. */
	timeoutMs: number;
	/** Slots of the input items' tasks that may run on Kling at once. */
	maxConcurrent: number;
}
