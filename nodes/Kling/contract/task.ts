import { z } from 'zod';

import { idSchema } from './envelope';

/** `succeed` is the legacy spelling, `succeeded` the new standard's (kling-api.md §8): accept both. */
export const SUCCESS_STATUSES = ['succeed', 'succeeded'] as const;
export const FINAL_STATUSES = [...SUCCESS_STATUSES, 'failed'] as const;

export const isSucceeded = (status: string) => (SUCCESS_STATUSES as readonly string[]).includes(status);
export const isFinal = (status: string) => (FINAL_STATUSES as readonly string[]).includes(status);

/** The legacy task object returned by create, query and list (kling-api.md §2). Unknown keys are kept. */
export const taskSchema = z
	.object({
		task_id: idSchema,
		task_status: z.string(),
		task_status_msg: z.string().optional(),
		task_info: z
			.object({ external_task_id: z.string().nullish() })
			.passthrough()
			.nullish(),
		task_result: z.record(z.unknown()).nullish(),
		final_unit_deduction: z.union([z.string(), z.number()]).nullish(),
		created_at: z.number().nullish(),
		updated_at: z.number().nullish(),
	})
	.passthrough();

export type KlingTask = z.infer<typeof taskSchema>;

export const taskListSchema = z.array(taskSchema);
