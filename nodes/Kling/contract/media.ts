import { z } from 'zod';

/**
 * A media field as the node holds it before sending: a URL, raw Base64, or a reference to a binary file of the
 * input item that is encoded to Base64 only when the request goes out (see helpers/imageInput.ts).
 */
export const mediaSchema = z.union([
	z.string().trim().min(1),
	z.object({ binaryImage: z.object({ itemIndex: z.number(), property: z.string() }) }),
]);
