/** Kling's hosts (docs/kling-api.md §1.1). A key works only on the host of the region it was made in. */
export const GLOBAL_BASE_URL = 'https://api-singapore.klingai.com';
export const CHINA_BASE_URL = 'https://api-beijing.klingai.com';

/**
 * The base URL a credential points at, without a trailing slash, so `/v1/...` paths append cleanly; a relay's
 * address such as `https://host/kling` works as is (§1.1).
 */
export function baseUrlOf(credentials: { region?: unknown; customBaseUrl?: unknown }): string {
	const chosen = credentials.region === 'custom' ? credentials.customBaseUrl : credentials.region;
	return String(chosen || GLOBAL_BASE_URL).trim().replace(/\/+$/, '');
}
