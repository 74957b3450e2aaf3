/** Kling's hosts (docs/kling-api.md §1.1). A key works only on the host of the region it was made in. */
export const GLOBAL_BASE_URL = 'https://api-singapore.klingai.com';
export const CHINA_BASE_URL = 'https://api-beijing.klingai.com';

/**
 * The base URL a credential points at, without a trailing slash, so `/v1/...` paths append cleanly; a relay's
 * address such as `https://host/kling` works as is (§1.1).
 */
export function baseUrlOf(credentials: { region?: unknown; customBaseUrl?: unknown }): string {
	const chosen = credentials.region === 'custom' ? String(credentials.customBaseUrl ?? '').trim() : credentials.region;
	// A relay's token is for the relay: with its address missing, nothing is sent anywhere else.
	if (credentials.region === 'custom' && !chosen) throw new Error('The Kling credential has no Base URL: fill it in, or choose a region');
	// Anything else would fail in the HTTP client as if it might have reached a server.
	if (credentials.region === 'custom' && !/^https?:\/\/[^/\s]/i.test(String(chosen))) {
		throw new Error(`The Kling credential's Base URL must start with https:// (it is "${String(chosen).slice(0, 80)}")`);
	}
	return String(chosen || GLOBAL_BASE_URL).trim().replace(/\/+$/, '');
}
