/**
 * tasks/pauseOutput.ts, presentBatch: the output of a paused run once every task is final. An item whose task failed,
 * or that has no task, is marked failed (`error` on the item) for the node's On Error setting, as Continue On Fail
 * marks one in the other modes: with "Continue (using error output)" it goes to the Error output.
 */
import type { KlingTask } from '../../../nodes/Kling/contract/task';
import { taskSummary } from '../../../nodes/Kling/tasks/output';
import { presentBatch } from '../../../nodes/Kling/tasks/pauseOutput';
import type { TaskOperation } from '../../../nodes/Kling/tasks/taskOperation';
import { executeContext, PRODUCT } from '../executeKit.cts';

const operation: TaskOperation = {
	product: PRODUCT,
	async buildRequest() {
		return {};
	},
	async present(task) {
		return { json: taskSummary(task) };
	},
};

const task = (id: string, status: 'succeed' | 'failed'): KlingTask => ({
	task_id: id,
	task_status: status,
	task_status_msg: status === 'failed' ? 'Content moderation' : '',
	task_info: { external_task_id: `ext-${id}` },
	task_result: {},
});

describe('presentBatch', () => {
	it('marks the items whose task failed or is missing with their error, and no other', async () => {
		const { ctx } = executeContext();
		const withoutTask = () => ({ error: 'Kling has no task with this item\'s external task ID ext-3', externalTaskId: 'ext-3' });
		const [succeeded, failed, missing] = await presentBatch(ctx, operation, [task('1', 'succeed'), task('2', 'failed'), undefined], withoutTask);
		expect(succeeded.error).toBeUndefined();
		expect(failed.json).toMatchObject({ error: 'Kling could not create the video: Content moderation', description: 'Task ID 2.', taskId: '2' });
		expect(failed.error).toMatchObject({ message: failed.json.error, description: 'Task ID 2.', context: { itemIndex: 1 } });
		expect(missing.json).toEqual(withoutTask());
		expect(missing.error).toMatchObject({ message: withoutTask().error, context: { itemIndex: 2 } });
		expect([succeeded, failed, missing].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});
});
