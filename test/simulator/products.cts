import { aiMultiShot, elements, voices } from './general.cts';
import { imageGeneration, omniImage } from './images.cts';
import { image2video, motionControl, omniVideo } from './videos.cts';
import type { ProductDef } from './state.cts';

export { defaultFailure, ELEMENT_FAILURE_MESSAGE, elements, lookupElement, lookupVoice, validateCommon, voices } from './general.cts';

/** Every asynchronous product; routes (create, query, list) are generated from this table. */
export const PRODUCTS: ProductDef[] = [elements, voices, aiMultiShot, omniVideo, image2video, motionControl, omniImage, imageGeneration];

/** Product names as used by createdTaskCount / failTaskWhen, with the short aliases tests may prefer. */
export const PRODUCT_ALIASES: Record<string, string> = { elements: elements.name, voices: voices.name };
