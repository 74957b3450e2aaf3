/**
 * What the editor offers for each choice (Kling.node.ts's description through n8n's own display rules): a value the
 * chosen model cannot take is not offered, and a field that cannot be used with another choice is hidden with it.
 */
import type { INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { Kling } from '../../nodes/Kling/Kling.node';

const { description } = new Kling();

/** The fields n8n shows for these parameters (defaults filled in as the editor fills them), by name. */
function shown(parameters: INodeParameters): Map<string, INodeProperties> {
	const values = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, null, description) ?? {};
	const visible = description.properties.filter((property) => NodeHelpers.displayParameter(values, property, null, description));
	return new Map(visible.map((property) => [property.name, property]));
}

const optionValues = (field: INodeProperties | undefined) => (field?.options ?? []).map((option) => (option as { value: unknown }).value);

describe('The fields the editor offers', () => {
	it('Omni Video: 4K and up to 15 s only with Kling 3.0 Omni, no Sound with Kling O1', () => {
		const v3 = shown({ resource: 'video', operation: 'omni', model: 'kling-v3-omni' });
		const o1 = shown({ resource: 'video', operation: 'omni', model: 'kling-video-o1' });
		expect(optionValues(v3.get('mode'))).toEqual(['std', 'pro', '4k']);
		expect(optionValues(o1.get('mode'))).toEqual(['std', 'pro']);
		expect(optionValues(v3.get('duration')).at(-1)).toBe('15');
		expect(optionValues(o1.get('duration')).at(-1)).toBe('10');
		expect(v3.has('sound')).toBe(true);
		expect(o1.has('sound')).toBe(false);
	});

	it('Motion Control: Elements only with Kling 3.0, and no 4K', () => {
		expect(shown({ resource: 'video', operation: 'motionControl', model: 'kling-v3' }).has('elements')).toBe(true);
		const v26 = shown({ resource: 'video', operation: 'motionControl', model: 'kling-v2-6' });
		expect(v26.has('elements')).toBe(false);
		expect(optionValues(v26.get('mode'))).toEqual(['std', 'pro']);
	});

	it('Image to Video: Voices only with Sound on', () => {
		expect(shown({ resource: 'video', operation: 'imageToVideo', sound: 'off' }).has('voices')).toBe(false);
		expect(shown({ resource: 'video', operation: 'imageToVideo', sound: 'on' }).has('voices')).toBe(true);
	});

	it('Image → Generate: no Negative Prompt with a reference image; a Prompt is required', () => {
		expect(shown({ resource: 'image', operation: 'generate', useReferenceImage: false }).has('negativePrompt')).toBe(true);
		const withImage = shown({ resource: 'image', operation: 'generate', useReferenceImage: true });
		expect(withImage.has('negativePrompt')).toBe(false);
		expect(withImage.get('prompt')?.required).toBe(true);
	});

	it('Omni Image: 4K and series only with Kling 3.0 Omni; a Prompt is required', () => {
		const v3 = shown({ resource: 'image', operation: 'omniImage', model: 'kling-v3-omni' });
		const o1 = shown({ resource: 'image', operation: 'omniImage', model: 'kling-image-o1' });
		expect(optionValues(v3.get('resolution'))).toEqual(['1k', '2k', '4k']);
		expect(optionValues(o1.get('resolution'))).toEqual(['1k', '2k']);
		expect(v3.has('resultType')).toBe(true);
		expect(o1.has('resultType')).toBe(false);
		expect(o1.get('prompt')?.required).toBe(true);
	});

	it('flags a list longer than Kling takes, and an element or voice entry left empty, before the workflow runs', () => {
		const issuesOf = (parameters: INodeParameters) => {
			const node = { id: '1', name: 'Kling', type: 'kling', typeVersion: 1, position: [0, 0] as [number, number], parameters };
			return NodeHelpers.getNodeParametersIssues(description.properties, node, description)?.parameters ?? {};
		};
		const entries = (count: number, id = '835266081714884677') => ({ element: Array.from({ length: count }, () => ({ element: { __rl: true, mode: 'id', value: id } })) });
		const motion = { resource: 'video', operation: 'motionControl', model: 'kling-v3' };
		expect(issuesOf({ ...motion, elements: entries(2) }).elements).toEqual(['At most 1 field is allowed.']);
		expect(issuesOf({ ...motion, elements: entries(1) }).elements).toBeUndefined();
		expect(issuesOf({ ...motion, elements: entries(1, '') })).toHaveProperty('element');
	});
});
