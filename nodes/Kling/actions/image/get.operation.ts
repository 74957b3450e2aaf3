import { PRODUCTS } from '../../contract/task';
import { downloadOptions, readDownload } from '../shared/options';
import { taskReader } from '../shared/tasks';
import { presentImages } from './output';

export const { properties, execute } = taskReader({
	what: 'image',
	hint: 'Check the Kind: each kind of image task is looked up in its own list.',
	product: {
		kinds: {
			generate: { name: 'Generate', product: PRODUCTS.imageGeneration, what: 'image generation' },
			omniImage: { name: 'Omni Image', product: PRODUCTS.omniImage, what: 'omni image' },
		},
		defaultKind: 'omniImage',
	},
	options: downloadOptions('images'),
	async present(task, i) {
		return await presentImages.call(this, task, i, readDownload.call(this, i, 'images'));
	},
});
