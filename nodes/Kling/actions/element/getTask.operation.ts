import { PRODUCTS } from '../../contract/task';
import { taskReader } from '../shared/tasks';
import { presentElementTask } from './output';

export const { properties, execute } = taskReader({
	what: 'element creation',
	hint: 'Use the task ID (or external task ID) that Create returned. Elements made with the old custom-elements API are not visible here.',
	product: PRODUCTS.element,
	present: presentElementTask,
});
