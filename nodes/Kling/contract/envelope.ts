import { z } from 'zod';

/** Every legacy-style Kling response (docs/kling-api.md §2). Error bodies may omit `data`. */
export const envelopeSchema = z
	.object({
		code: z.number(),
		message: z.string().optional().default(''),
		request_id: z.string().optional(),
		data: z.unknown().optional(),
	})
	.passthrough();

/** Ids arrive as exact strings from the lossless parser (int64) or as small numbers; both leave as strings. */
export const idSchema = z.union([z.string(), z.number()]).transform((value) => String(value));
