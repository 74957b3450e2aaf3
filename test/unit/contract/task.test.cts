/** contract/task.ts: the task object as Kling's answers hold it (§2). */
import { tasksOfPage } from '../../../nodes/Kling/contract/task';

describe('tasksOfPage', () => {
	it('reads a task whose status message is null, as Kling may send it, instead of hiding it', () => {
		const page = [{ task_id: '842250903629086785', task_status: 'succeed', task_status_msg: null, task_result: {} }];
		expect(tasksOfPage(page).map((task) => task.task_id)).toEqual(['842250903629086785']);
	});

	it('hides only an entry that is no task', () => {
		expect(tasksOfPage([{ task_status: 'succeed' }, { task_id: '842250903629086786', task_status: 'submitted' }]).map((task) => task.task_id)).toEqual(['842250903629086786']);
	});
});
