/**
 * The asynchronous Kling products. Each has a create path, and a query (`{path}/{id}`) and list (`{path}?pageNum=`)
 * on the same path (kling-api.md §12): there is no "get any task" endpoint.
 */
export interface TaskProduct {
	/** Singular noun for messages: "Kling could not create the element". */
	noun: string;
	path: string;
}

export const PRODUCTS = {
	element: { noun: 'element', path: '/v1/general/advanced-custom-elements' },
	voice: { noun: 'voice', path: '/v1/general/custom-voices' },
	multiShot: { noun: 'set of element views', path: '/v1/general/ai-multi-shot' },
	omniVideo: { noun: 'video', path: '/v1/videos/omni-video' },
	imageToVideo: { noun: 'video', path: '/v1/videos/image2video' },
	motionControl: { noun: 'video', path: '/v1/videos/motion-control' },
} satisfies Record<string, TaskProduct>;

export type ProductKey = keyof typeof PRODUCTS;
