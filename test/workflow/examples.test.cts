import type { INodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';
import { readdirSync } from 'node:fs';
import path from 'node:path';

import { loadExample } from '../harness/examples.cts';
import { KLING, loadPackage, MANUAL_TRIGGER, PACKAGE_ROOT, runWorkflow } from '../harness/workflow.cts';
import { apiKeyCredential, useSimulator } from './helpers.cts';

const ctx = useSimulator({ timing: { submittedMs: 20, processingMs: 40 } });

/** Every example in the folder is run, so a new one is covered the moment it is added. */
const EXAMPLES = readdirSync(path.join(PACKAGE_ROOT, 'examples')).filter((file) => file.endsWith('.json')).sort();

/** Paths of the values set in `given` that `kept` lacks or holds differently. */
function lostLeaves(given: unknown, kept: unknown, at = ''): string[] {
	if (given === null || typeof given !== 'object') return JSON.stringify(given) === JSON.stringify(kept) ? [] : [at];
	if (kept === null || typeof kept !== 'object') return [at];
	return Object.entries(given).flatMap(([key, value]) => lostLeaves(value, (kept as Record<string, unknown>)[key], at ? `${at}.${key}` : key));
}

describe('Example workflows', () => {
	it('include the documented ones', () => {
		const documented = ['create-element.json', 'element-to-motion-control.json', 'product-poster-series.json', 'two-elements-omni.json', 'voice-character-speaking.json'];
		expect(EXAMPLES).toEqual(expect.arrayContaining(documented));
	});

	it.each(EXAMPLES)('%s is an editor export that starts with a Manual Trigger and uses the "Kling account" credential', (file) => {
		const raw = require(path.join(PACKAGE_ROOT, 'examples', file)) as { nodes: Array<{ type: string; credentials?: Record<string, { name: string }> }> };
		expect(raw.nodes[0].type).toBe(MANUAL_TRIGGER);
		for (const node of raw.nodes.slice(1)) {
			expect(node.type).toBe(KLING);
			expect(node.credentials?.klingApi.name).toBe('Kling account');
		}
	});

	// n8n (the editor on import, n8n-core's Workflow at run time) silently drops a parameter hidden for the chosen
	// resource, operation or model, an unknown key inside a list entry or under Options: each set value must survive.
	it.each(EXAMPLES)('%s sets only parameters the Kling node keeps, with values it offers', async (file) => {
		const { nodeTypes } = await loadPackage();
		const description = (nodeTypes.getByName(KLING) as INodeType).description;
		for (const node of loadExample(file).nodes.filter((n) => n.type === KLING)) {
			expect(node.typeVersion).toBe(description.version);
			const kept = NodeHelpers.getNodeParameters(description.properties, node.parameters, true, false, node, description)!;
			expect({ node: node.name, lost: lostLeaves(node.parameters, kept) }).toEqual({ node: node.name, lost: [] });
			const shownChoices = description.properties.filter((p) => p.type === 'options' && NodeHelpers.displayParameter(kept, p, node, description));
			for (const { name, options } of shownChoices.filter((p) => typeof kept[p.name] === 'string' && !String(kept[p.name]).startsWith('='))) {
				expect({ node: node.name, [name]: kept[name], offered: (options as Array<{ value: unknown }>).some((o) => o.value === kept[name]) }).toMatchObject({ offered: true });
			}
		}
	});

	it('download the videos and images they make through Options → Download', () => {
		const downloading = EXAMPLES.filter((file) => loadExample(file).nodes.some((node) => (node.parameters.options as { download?: boolean } | undefined)?.download === true));
		expect(downloading).toEqual(['element-to-motion-control.json', 'product-poster-series.json', 'two-elements-omni.json', 'voice-character-speaking.json']);
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
			if (!(node.parameters.options as { download?: boolean } | undefined)?.download) continue;
			if (node.parameters.resource === 'image') {
				const images = item.json.images as Array<{ index: number }>;
				expect(images.length).toBeGreaterThan(0);
				for (const image of images) expect(item.binary?.[`image_${image.index}`]?.mimeType).toBe('image/png');
			} else expect(item.binary?.data.mimeType).toBe('video/mp4');
		}
		// Each create reached Kling once; nothing was refused.
		expect(sim.apiRequests().filter((request) => request.code !== 0)).toEqual([]);
	});

	it('makes a series of four posters of the product element it created, each downloaded', async () => {
		const { sim } = ctx;
		const example = loadExample('product-poster-series.json');
		const result = await runWorkflow({ nodes: example.nodes, connections: example.connections, credentials: apiKeyCredential(sim) });
		const elementId = result.output('Create Product Element')[0].json.elementId;
		const [create] = sim.apiRequests({ method: 'POST', pathIncludes: 'omni-image' });
		expect(create.body).toMatchObject({ result_type: 'series', series_amount: 4 });
		expect(create.rawBody).toContain(`"element_list":[{"element_id":${String(elementId)}}]`);
		expect(String((create.body as { prompt: string }).prompt)).toMatch(/^<<<element_1>>> in four settings/);
		const [poster] = result.output('Poster Series');
		expect(Object.keys(poster.binary ?? {}).sort()).toEqual(['image_0', 'image_1', 'image_2', 'image_3']);
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
