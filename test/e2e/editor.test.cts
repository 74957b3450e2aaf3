/**
 * The Kling node in n8n's editor, in headless Chromium: the Element → Create panel shows the image fields or the
 * video field depending on Reference Type, and the element picker lists the account's elements (seeded in the
 * simulator) and Kling's presets, read through the credential. Screenshots: see browser.cts.
 */
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

import { startSimulator, type KlingSimulator } from '../simulator/index.cts';
import { launchBrowser, screenshotPaths, signIn, type Browser } from './browser.cts';
import { useN8n } from './helpers.cts';
import { waitFor } from './runtime/wait.cts';
import { adaptWorkflow, chainWorkflow, CREDENTIAL_NAME, KLING_NODE, readExample } from './runtime/workflows.cts';

const ctx = useN8n('editor');
let sim: KlingSimulator;
let browser: Browser;
let credential: { id: string; name: string };

beforeAll(async () => {
	sim = await startSimulator();
	sim.seedElement({ name: 'Captain Mira', description: 'A tall woman in a red pilot jacket' });
	sim.seedElement({ name: 'Red Fox', description: 'A red fox with a bushy white-tipped tail' });
	const id = await ctx.instance.api.createCredential(CREDENTIAL_NAME, { authType: 'apiKey', apiKey: 'test-api-key', region: 'custom', customBaseUrl: sim.url });
	credential = { id, name: CREDENTIAL_NAME };
	browser = await launchBrowser();
	await signIn(browser.page, ctx.instance.server.url, ctx.instance.owner);
});

afterAll(async () => {
	await browser?.close();
	await sim?.close();
});

const param = (page: Page, name: string) => page.locator(`[data-test-id="parameter-input-${name}"]`);

async function screenshot(page: Page, name: string) {
	const [first, ...copies] = screenshotPaths(name);
	const image = await page.screenshot({ path: first });
	for (const copy of copies) writeFileSync(copy, image);
}

/** Picks an option of an options parameter by its visible name. */
async function choose(page: Page, parameter: string, option: string) {
	await param(page, parameter).click();
	const item = page.locator('.el-select-dropdown__item:visible').filter({ has: page.locator('.option-headline', { hasText: new RegExp(`^${option}$`) }) });
	await item.click();
	const input = param(page, parameter).locator('input').first();
	await waitFor(async () => (await input.inputValue()) === option, { what: `${parameter} to show "${option}"`, timeoutMs: 10_000, intervalMs: 100 });
	// The list fades out after the click; a screenshot taken before it is gone shows it over the fields below.
	await waitFor(async () => (await page.locator('.el-select-dropdown__item:visible').count()) === 0, { what: `the ${parameter} list to close`, timeoutMs: 10_000, intervalMs: 100 });
}

async function visible(page: Page, parameter: string) {
	await param(page, parameter).waitFor({ state: 'visible' });
}

async function absent(page: Page, selector: string) {
	await page.locator(selector).waitFor({ state: 'detached' });
	expect(await page.locator(selector).count()).toBe(0);
}

async function openWorkflow(page: Page, workflowId: string) {
	await page.goto(`${ctx.instance.server.url}/workflow/${workflowId}`);
	await page.locator('.vue-flow__node').first().waitFor();
}

describe('The Kling node in the n8n editor', () => {
	it('runs an example workflow from the canvas', async () => {
		const { page } = browser;
		const example = adaptWorkflow(readExample('element-to-motion-control.json'), { credential });
		await openWorkflow(page, await ctx.instance.api.createWorkflow(example));
		for (const node of example.nodes) await page.locator('.vue-flow__node', { hasText: node.name }).first().waitFor();
		await page.locator('[data-test-id="zoom-to-fit"]').click();
		await page.locator('[data-test-id="execute-workflow-button"]').click();
		await page.locator('[data-test-id="canvas-node-status-success"]').nth(example.nodes.length - 1).waitFor({ timeout: 60_000 });
		expect(await page.locator('[data-test-id="canvas-node-status-success"]').count()).toBe(example.nodes.length);
		await screenshot(page, 'workflow-element-to-motion-control');

		// The last node's output: the editor opens on the binary view, with the downloaded video.
		await page.locator('.vue-flow__node', { hasText: 'Motion Control' }).first().dblclick();
		await page.locator('[data-test-id="output-panel"]').getByText('video/mp4').first().waitFor();
		await screenshot(page, 'motion-control-output');
		await page.locator('[data-test-id="ndv-close-button"]').click();
	});

	it('shows the image fields or the video field of Element → Create, by Reference Type', async () => {
		const { page } = browser;
		const workflowId = await ctx.instance.api.createWorkflow(
			chainWorkflow('Kling in the editor', [{ name: 'Kling', type: KLING_NODE, parameters: {}, credentials: { klingApi: credential } }]),
		);
		await openWorkflow(page, workflowId);
		await page.locator('.vue-flow__node', { hasText: 'Kling' }).last().dblclick();
		await page.locator('[data-test-id="ndv"]').waitFor();

		await choose(page, 'resource', 'Element');
		await choose(page, 'operation', 'Create');
		await visible(page, 'frontalImageSource');
		await visible(page, 'frontalImageUrl');
		await page.locator('[data-test-id="fixed-collection-additionalImages"]').waitFor();
		await absent(page, '[data-test-id="parameter-input-videoUrl"]');
		await screenshot(page, 'element-create-images');

		await choose(page, 'referenceType', 'Video');
		await visible(page, 'videoUrl');
		await absent(page, '[data-test-id="parameter-input-frontalImageUrl"]');
		await absent(page, '[data-test-id="fixed-collection-additionalImages"]');
		await screenshot(page, 'element-create-video');
	});

	it('lists the account\'s elements and Kling\'s presets in the element picker of Element → Get', async () => {
		const { page } = browser;
		await choose(page, 'operation', 'Get');
		await page.locator('[data-test-id="resource-locator-element"] [data-test-id="rlc-input"]').click();
		const items = page.locator('[data-test-id="rlc-item"]');
		// The picker shows the account's elements first, then Kling's presets, in one answer.
		await items.filter({ hasText: '(Kling preset)' }).first().waitFor();
		const names = (await items.allInnerTexts()).map((text) => text.trim());
		expect(names).toEqual(expect.arrayContaining(['Captain Mira', 'Red Fox']));
		expect(names.filter((name) => name.endsWith('(Kling preset)'))).toHaveLength(sim.presetElementIds().length);
		// Read through the credential: the list requests reached the simulator with its API key.
		expect(sim.apiRequests({ pathIncludes: 'advanced-custom-elements' }).map((request) => request.headers.authorization)).toContain('Bearer test-api-key');
		await screenshot(page, 'element-picker');

		// A search by name finds a preset in the answer to the search itself.
		await page.locator('input[data-test-id="rlc-search"], [data-test-id="rlc-search"] input').first().fill('astro');
		await waitFor(
			async () => {
				const texts = await items.allInnerTexts();
				return texts.length > 0 && texts.every((text) => text.includes('Astronaut'));
			},
			{ what: 'the search to narrow the list to the preset', timeoutMs: 15_000, intervalMs: 100 },
		);
		expect((await items.allInnerTexts()).map((text) => text.trim())).toEqual(['Astronaut (Kling preset)']);
	});
});
