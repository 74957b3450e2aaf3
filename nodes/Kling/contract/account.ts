import { z } from 'zod';

import { idSchema } from './envelope';

/** `GET /account/costs` (docs/kling-api.md §12a): free, at most one query per second, times in Unix milliseconds. */
export const ACCOUNT_COSTS_PATH = '/account/costs';
export const ACCOUNT_COSTS_MIN_GAP_MS = 1000;

const numberOrString = z.union([z.number(), z.string()]).nullish();

export const resourcePackSchema = z
	.object({
		resource_pack_name: z.string().nullish(),
		resource_pack_id: idSchema.nullish(),
		resource_pack_type: z.string().nullish(),
		total_quantity: numberOrString,
		remaining_quantity: numberOrString,
		purchase_time: numberOrString,
		effective_time: numberOrString,
		invalid_time: numberOrString,
		status: z.string().nullish(),
	})
	.passthrough();
export type ResourcePack = z.infer<typeof resourcePackSchema>;

/** The answer's `data`: its own `code` and `msg` around the list of packs. */
export const accountCostsSchema = z
	.object({
		code: z.number().nullish(),
		msg: z.string().nullish(),
		resource_pack_subscribe_infos: z.array(resourcePackSchema).nullish(),
	})
	.passthrough();
