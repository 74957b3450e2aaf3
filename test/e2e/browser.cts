/** Headless Debian Chromium driven by playwright-core (no browser download), with the guide's flags (§15.3). */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

import type { Owner } from './runtime/api.cts';
import { REPO_ROOT } from './runtime/runtime.cts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Browser {
	page: Page;
	close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
	if (!existsSync(CHROMIUM)) {
		throw new Error(`No Chromium at ${CHROMIUM}: run \`apt-get update && apt-get install -y --no-install-recommends chromium\` (or set CHROMIUM_PATH)`);
	}
	const profile = mkdtempSync(path.join(tmpdir(), 'kling-chromium-'));
	const context: BrowserContext = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		viewport: { width: 1280, height: 800 },
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-dev-shm-usage',
		],
	});
	// The editor may try to reach the internet (fonts, telemetry): only loopback requests are let through.
	await context.route(
		(url) => !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname) && url.protocol !== 'data:' && url.protocol !== 'blob:',
		(route) => route.abort('blockedbyclient'),
	);
	const page = context.pages()[0] ?? (await context.newPage());
	return {
		page,
		async close() {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		},
	};
}

export async function signIn(page: Page, baseUrl: string, owner: Owner): Promise<void> {
	await page.goto(`${baseUrl}/signin`);
	await page.fill('input[type="email"]', owner.email);
	await page.fill('input[type="password"]', owner.password);
	await page.press('input[type="password"]', 'Enter');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

/**
 * Screenshots go to test-results/e2e/screenshots; with KLING_UPDATE_SCREENSHOTS=1 also to docs/screenshots,
 * the committed copies the README shows (so a normal test run leaves the work tree clean).
 */
export function screenshotPaths(name: string): string[] {
	const dirs = [path.join(REPO_ROOT, 'test-results', 'e2e', 'screenshots')];
	if (process.env.KLING_UPDATE_SCREENSHOTS === '1') dirs.push(path.join(REPO_ROOT, 'docs', 'screenshots'));
	return dirs.map((dir) => {
		mkdirSync(dir, { recursive: true });
		return path.join(dir, `${name}.png`);
	});
}
