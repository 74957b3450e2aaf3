import { PRODUCTS } from '../../contract/task';
import { taskReader } from '../shared/tasks';
import { task as generateViews } from './generateViews.operation';

/** A Generate Views task read again (an AI multi-shot task, §3.8): for one returned at once, or that timed out. */
export const { properties, execute } = taskReader({
	what: 'Generate Views',
	hint: 'Use the task ID (or external task ID) that Generate Views returned.',
	product: PRODUCTS.multiShot,
	present: generateViews.present,
});
