import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { KlingTask, TaskProduct } from '../../contract/task';
import { runTaskOperation } from '../../tasks/run';
import { findTask } from '../../tasks/submit';
import type { TaskOperation } from '../../tasks/taskOperation';
import { eachItem } from './items';
import { readCompletion, readDownload, type Download, type OptionsKind } from './options';
import { invalidInput, refuseRoundedId } from './validate';

type PresentMedia = (this: IExecuteFunctions, task: KlingTask, itemIndex: number, download: Download) => Promise<INodeExecutionData>;

/** The `task` and `execute` of a create: one task per item, finished as the Completion option says. */
export function taskCreate(kind: OptionsKind, task: TaskOperation) {
	async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
		return await runTaskOperation.call(this, task, readCompletion.call(this, kind));
	}
	return { task, execute };
}

/** `taskCreate` for videos and images: a result is presented with the item's Download options, checked with its request. */
export function mediaCreate(kind: OptionsKind, present: PresentMedia, operation: Omit<TaskOperation, 'present'>) {
	return taskCreate(kind, {
		...operation,
		async present(kling, i) {
			return await present.call(this, kling, i, readDownload.call(this, i, kind.media, true));
		},
	});
}

interface TaskReader {
	/** The task in messages and in the Task ID field: "the voice creation task". */
	what: string;
	/** What to check when Kling has no such task. */
	hint: string;
	/** Where the task lives: one product, or the product each choice of a Kind field names, and the default choice. */
	product: TaskProduct | { kinds: Record<string, { name: string; product: TaskProduct; what: string }>; defaultKind: string };
	present(this: IExecuteFunctions, task: KlingTask, itemIndex: number): Promise<INodeExecutionData>;
	options?: INodeProperties;
}

/**
 * An operation that reads a task per item by its Task ID (Kling answers to the task id and to the caller's external
 * task id), or fails saying Kling has no such task (§10: HTTP 400, 1201). Kling has no "get any task" endpoint (§12).
 */
export function taskReader({ what, hint, product, present, options }: TaskReader) {
	const { kinds, defaultKind } = 'kinds' in product ? product : { kinds: undefined, defaultKind: undefined };
	const properties: INodeProperties[] = [
		{ displayName: 'Task ID', name: 'taskId', type: 'string', required: true, default: '', placeholder: 'e.g. 842250903629086785', description: `The ID of the ${what} task, or the external task ID it was given` },
		...(options ? [options] : []),
	];
	if (kinds) {
		const choices = Object.entries(kinds).map(([value, { name }]) => ({ name, value }));
		properties.unshift({ displayName: 'Kind', name: 'kind', type: 'options', noDataExpression: true, default: defaultKind, description: `The operation that made the ${what}`, options: choices });
	}
	async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
		return await eachItem.call(this, async (i) => {
			const kind = kinds ? kinds[this.getNodeParameter('kind', i) as string] : { product: product as TaskProduct, what };
			const raw = this.getNodeParameter('taskId', i, '');
			refuseRoundedId.call(this, raw, 'Task ID', '{{ $json.taskId }}', i);
			const taskId = String(raw).trim();
			if (!taskId) throw invalidInput.call(this, 'Task ID is required', i);
			const task = await findTask.call(this, kind.product, taskId);
			if (!task) throw new NodeOperationError(this.getNode(), `Kling has no ${kind.what} task with ID "${taskId}"`, { itemIndex: i, description: hint });
			return await present.call(this, task, i);
		});
	}
	return { properties, execute };
}
