import type { IDataObject } from 'n8n-workflow';

import type { KlingTask } from '../contract/task';

/** The task fields every output shares, in camelCase, ids as strings. */
export function taskSummary(task: KlingTask): IDataObject {
	return {
		taskId: task.task_id,
		status: task.task_status,
		statusMessage: task.task_status_msg || undefined,
		externalTaskId: task.task_info?.external_task_id ?? undefined,
		createdAt: task.created_at ?? undefined,
		updatedAt: task.updated_at ?? undefined,
		unitsDeducted: task.final_unit_deduction ?? undefined,
	};
}
