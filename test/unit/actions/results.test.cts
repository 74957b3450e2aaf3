/**
 * A task Kling reports succeeded but whose answer holds no result: every create, and every read of a creation task,
 * says so, naming the task, rather than pass on an output without the element, voice, video, images or views as if it
 * were the result.
 */
import type { KlingTask } from '../../../nodes/Kling/contract/task';
import { task as createElement } from '../../../nodes/Kling/actions/element/create.operation';
import { execute as getElementTask } from '../../../nodes/Kling/actions/element/getTask.operation';
import { task as generateViews } from '../../../nodes/Kling/actions/element/generateViews.operation';
import { task as generateImages } from '../../../nodes/Kling/actions/image/generate.operation';
import { task as omniVideo } from '../../../nodes/Kling/actions/video/omni.operation';
import { task as createVoice } from '../../../nodes/Kling/actions/voice/create.operation';
import { execute as getVoiceTask } from '../../../nodes/Kling/actions/voice/getTask.operation';
import type { TaskOperation } from '../../../nodes/Kling/tasks/taskOperation';
import { executeContext, failureOf, FakeKling, ok, useFakeTime } from '../executeKit.cts';

useFakeTime();

const succeededWithout = (taskResult: KlingTask['task_result']): KlingTask => ({ task_id: '842250903629086785', task_status: 'succeed', task_result: taskResult });

describe('A create whose task succeeded without a result', () => {
	it.each<[string, TaskOperation, string]>([
		['Element → Create', createElement, 'element ID'],
		['Voice → Create', createVoice, 'voice ID'],
		['Element → Generate Views', generateViews, 'views'],
		['Video → Omni Video', omniVideo, 'video URL'],
		['Image → Generate', generateImages, 'images'],
	])('%s fails the item, naming the task', async (_operation, operation, missing) => {
		const { ctx } = executeContext();
		const emptyUrls = { videos: [{ id: '861734512008451201', url: '', duration: '5' }], images: [{ index: 0, url: '' }] };
		for (const result of [{}, null, { elements: [], voices: [], videos: [], images: [] }, ...(/URL|images/.test(missing) ? [emptyUrls] : [])]) {
			const error = await failureOf(operation.present.call(ctx, succeededWithout(result), 0));
			expect(error.message).toBe(`Kling reports task 842250903629086785 succeeded, but its answer holds no ${missing}`);
		}
	});
});

it('Element → Generate Views fails an item whose succeeded task holds view sets without any URL, as Create does', async () => {
	const { ctx } = executeContext();
	const error = await failureOf(generateViews.present.call(ctx, succeededWithout({ images: [{ index: 0, url_1: null, url_2: '', url_3: null }] }), 0));
	expect(error.message).toBe('Kling reports task 842250903629086785 succeeded, but its answer holds no views');
});

describe('Get Creation Task of a task that succeeded without a result', () => {
	it.each([
		['Element', getElementTask, 'element ID'],
		['Voice', getVoiceTask, 'voice ID'],
	])('%s → Get Creation Task fails the item, naming the task', async (_resource, execute, missing) => {
		const kling = new FakeKling().inject(() => true, ok(succeededWithout({})));
		const { ctx } = executeContext({ kling, parameters: { taskId: '842250903629086785' } });
		const error = await failureOf(execute.call(ctx));
		expect(error.message).toBe(`Kling reports task 842250903629086785 succeeded, but its answer holds no ${missing}`);
	});
});
