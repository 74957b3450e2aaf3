/** contract/callback.ts: Kling's two callback bodies (kling-api.md §9.1), flattened into one shape, ids as strings. */
import { normaliseCallback } from '../../../nodes/Kling/contract/callback';
import { parseJsonLossless } from '../../../nodes/Kling/transport/json';
import { ELEMENT_ID, legacyBody, newBody, TASK_ID } from '../KlingTrigger/kit.cts';

describe('normaliseCallback', () => {
	it('tells the legacy body (task_id, task_status) from the new one (id and status), and refuses anything else', () => {
		expect(normaliseCallback({ task_id: '1', task_status: 'succeed' })?.shape).toBe('legacy');
		expect(normaliseCallback({ id: '1', status: 'succeeded' })?.shape).toBe('new');
		// A legacy key decides the shape even when the new ones are there too.
		expect(normaliseCallback({ task_id: '1', task_status: 'succeed', id: '2', status: 'failed' })).toMatchObject({ shape: 'legacy', taskId: '1' });
		for (const body of [{ id: '1' }, [{ task_id: '1', task_status: 'succeed' }], null, '{"task_id":"1","task_status":"succeed"}', 7]) {
			expect(normaliseCallback(body)).toBeUndefined();
		}
	});

	it('reads a legacy element callback, the int64 element id exact', () => {
		const body = parseJsonLossless(legacyBody());
		expect(normaliseCallback(body)).toEqual({
			taskId: TASK_ID,
			externalTaskId: 'campaign-7-mira',
			status: 'succeed',
			succeeded: true,
			final: true,
			statusMessage: '',
			createdAt: 1781080778802,
			updatedAt: 1781080794151,
			videos: [],
			images: [],
			views: [],
			audios: [],
			elementIds: [ELEMENT_ID],
			voiceIds: [],
			shape: 'legacy',
			raw: body,
		});
	});

	it('reads a new-standard callback: outputs by type, ids as strings', () => {
		expect(normaliseCallback(parseJsonLossless(newBody('processing')))).toMatchObject({
			taskId: '1234567890',
			externalTaskId: 'campaign-9-hero',
			status: 'processing',
			succeeded: false,
			final: false,
			videos: [{ id: 'v-1', url: 'https://cdn.test/v.mp4', watermarkUrl: 'https://cdn.test/vw.mp4', duration: 5.1 }],
			images: [{ url: 'https://cdn.test/i.png', groupId: '7' }],
			audios: [{ id: 'a-1', mp3Url: 'https://cdn.test/a.mp3', mp3Duration: 5 }],
			elementIds: ['835266081714884678'],
			voiceIds: ['829824295735410001'],
			shape: 'new',
		});
	});

	it('takes the external task id from the top level when task_info lacks it, and a flat element_id', () => {
		const callback = normaliseCallback({ task_id: 7, task_status: 'succeeded', external_task_id: 'top', task_result: { element_id: 42 } });
		expect(callback).toMatchObject({ taskId: '7', externalTaskId: 'top', succeeded: true, elementIds: ['42'] });
	});

	it('reads AI multi-shot views as Get Generated Views outputs them, in index order, and voices', () => {
		const callback = normaliseCallback(
			parseJsonLossless(
				'{"task_id":"1","task_status":"succeed","task_result":{"images":[{"index":1,"url_1":"https://x/4.png","url_2":"https://x/5.png","url_3":"https://x/6.png"},' +
					'{"index":0,"url_1":"https://x/1.png","url_2":"https://x/2.png","url_3":""}],"voices":[{"voice_id":829824295735410001}]}}',
			),
		);
		expect(callback?.views).toEqual([['https://x/1.png', 'https://x/2.png'], ['https://x/4.png', 'https://x/5.png', 'https://x/6.png']]);
		expect(callback?.images).toEqual([]);
		expect(callback?.voiceIds).toEqual(['829824295735410001']);
	});

	it('skips odd result entries without losing the others', () => {
		const legacy = normaliseCallback({ task_id: '1', task_status: 'succeed', task_result: { videos: [{ id: '1' }, { id: '2', url: 'https://x/2.mp4' }, 'junk'] } });
		expect(legacy?.videos).toEqual([{ id: '2', url: 'https://x/2.mp4', duration: undefined }]);
		const fresh = normaliseCallback({ id: '1', status: 'succeeded', outputs: [{ type: 'video' }, { type: 'image', url: 'https://x/i.png' }, null, { type: 'other' }] });
		expect(fresh?.videos).toEqual([]);
		expect(fresh?.images).toEqual([{ url: 'https://x/i.png', watermarkUrl: undefined, groupId: undefined }]);
	});

	it('is undefined for a body of either shape with its required fields mistyped', () => {
		expect(normaliseCallback({ task_id: '1', task_status: 5 })).toBeUndefined();
		expect(normaliseCallback({ task_status: 'succeed' })).toBeUndefined();
		expect(normaliseCallback({ id: { nested: true }, status: 'succeeded' })).toBeUndefined();
		expect(normaliseCallback({ hello: 'world' })).toBeUndefined();
	});
});
