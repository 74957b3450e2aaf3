import type { INodeType } from 'n8n-workflow';
import { readdirSync } from 'node:fs';
import path from 'node:path';

import { loadExample } from '../harness/examples.cts';
import { KLING, loadPackage, MANUAL_TRIGGER, PACKAGE_ROOT, runWorkflow } from '../harness/workflow.cts';
import { apiKeyCredential, useSimulator } from './helpers.cts';

const ctx = useSimulator({ timing: { submittedMs: 20, processingMs: 40 } });

/** Every example in the folder is run, so a new one is covered the moment it is added. */
const EXAMPLES = readdirSync(path.join(PACKAGE_ROOT, 'examples')).filter((file) => file.endsWith('.json')).sort();

describe('Example workflows', () => {
	it('include the documented ones', () => {
		expect(EXAMPLES).toEqual(expect.arrayContaining(['create-element.json', 'element-to-motion-control.json', 'two-elements-omni.json', 'voice-character-speaking.json']));
	});

	it.each(EXAMPLES)('%s is an editor export that starts with a Manual Trigger and uses the "Kling account" credential', (file) => {
		const raw = require(path.join(PACKAGE_ROOT, 'examples', file)) as { nodes: Array<{ type: string; credentials?: Record<string, { name: string }> }> };
		expect(raw.nodes[0].type).toBe(MANUAL_TRIGGER);
		for (const node of raw.nodes.slice(1)) {
			expect(node.type).toBe(KLING);
			expect(node.credentials?.klingApi.name).toBe('Kling account');
		}
	});

	it.each(EXAMPLES)('%s sets only parameters the Kling node has', async (file) => {
		const { nodeTypes } = await loadPackage();
		const known = new Set((nodeTypes.getByName(KLING) as INodeType).description.properties.map((property) => property.name));
		for (const node of loadExample(file).nodes.filter((n) => n.type === KLING)) {
			expect(Object.keys(node.parameters).filter((name) => !known.has(name))).toEqual([]);
		}
	});

	it('download the videos they make through Options → Download Video', () => {
		const downloading = EXAMPLES.filter((file) => loadExample(file).nodes.some((node) => (node.parameters.options as { download?: boolean } | undefined)?.download === true));
		expect(downloading).toEqual(['element-to-motion-control.json', 'two-elements-omni.json', 'voice-character-speaking.json']);
	});

	it.each(EXAMPLES)('%s runs against the simulator', async (file) => {
		const { sim } = ctx;
		const example = loadExample(file);
		const result = await runWorkflow({ nodes: example.nodes, connections: example.connections, credentials: apiKeyCredential(sim) });
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		for (const node of example.nodes.filter((n) => n.type === KLING)) {
			const [item] = result.output(node.name);
			expect(item?.json.status).toBe('succeed');
			if ((node.parameters.options as { download?: boolean } | undefined)?.download) expect(item.binary?.data.mimeType).toBe('video/mp4');
		}
		// Each create reached Kling once; nothing was refused.
		expect(sim.apiRequests().filter((request) => request.code !== 0)).toEqual([]);
	});

	it('makes a voice from the clip, binds it to the video element made from the same clip, and makes it speak', async () => {
		const { sim } = ctx;
		const example = loadExample('voice-character-speaking.json');
		const result = await runWorkflow({ nodes: example.nodes, connections: example.connections, credentials: apiKeyCredential(sim) });
		const voiceId = result.output('Create Voice')[0].json.voiceId;
		const clip = (sim.apiRequests({ method: 'POST', pathIncludes: 'custom-voices' })[0].body as { voice_url: string }).voice_url;
		expect(sim.apiRequests({ method: 'POST', pathIncludes: 'advanced-custom-elements' })[0].body).toMatchObject({
			reference_type: 'video_refer',
			element_video_list: { refer_videos: [{ video_url: clip }] },
			element_voice_id: voiceId,
		});
		expect(result.output('Create Element')[0].json).toMatchObject({ voiceId });
		const omni = sim.apiRequests({ method: 'POST', pathIncludes: 'omni-video' })[0].body as Record<string, unknown>;
		expect(omni).toMatchObject({ sound: 'on', prompt: '<<<element_1>>> looks into the camera and says: "Welcome aboard, everyone."' });
	});
});
