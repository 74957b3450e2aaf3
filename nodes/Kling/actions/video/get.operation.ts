import { PRODUCTS } from '../../contract/task';
import { downloadOptions, readDownload } from '../shared/options';
import { taskReader } from '../shared/tasks';
import { presentVideo } from './output';

export const { properties, execute } = taskReader({
	what: 'video',
	hint: 'Check the Kind: each kind of video is looked up in its own list.',
	product: {
		kinds: {
			imageToVideo: { name: 'Image to Video', product: PRODUCTS.imageToVideo, what: 'image-to-video' },
			motionControl: { name: 'Motion Control', product: PRODUCTS.motionControl, what: 'motion control' },
			omni: { name: 'Omni Video', product: PRODUCTS.omniVideo, what: 'omni video' },
		},
		defaultKind: 'omni',
	},
	options: downloadOptions('video'),
	async present(task, i) {
		return await presentVideo.call(this, task, i, readDownload.call(this, i, 'video'));
	},
});
