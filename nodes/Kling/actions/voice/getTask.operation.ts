import { PRODUCTS } from '../../contract/task';
import { taskReader } from '../shared/tasks';
import { presentVoiceTask } from './output';

export const { properties, execute } = taskReader({
	what: 'voice creation',
	hint: 'Use the task ID (or external task ID) that Create returned.',
	product: PRODUCTS.voice,
	present: presentVoiceTask,
});
