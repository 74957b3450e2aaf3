import { resourceDescription } from '../shared/fields';
import * as get from './get.operation';
import * as imageToVideo from './imageToVideo.operation';
import * as motionControl from './motionControl.operation';
import * as omni from './omni.operation';

export const operations = { get, imageToVideo, motionControl, omni };

export const description = resourceDescription('video', operations, [
	{ name: 'Get', value: 'get', action: 'Get a video', description: 'Get a video task by its ID, with the video when it is done' },
	{ name: 'Image to Video', value: 'imageToVideo', action: 'Make a video from an image', description: 'Animate a first frame (and/or end frame) with Kling 3.0, optionally with elements or voices' },
	{ name: 'Motion Control', value: 'motionControl', action: 'Make a video with motion control', description: 'Make a character from an image copy the movements in a video' },
	{ name: 'Omni Video', value: 'omni', action: 'Make an omni video', description: 'Make a video from a prompt with elements, reference images and a reference video' },
], 'omni');
