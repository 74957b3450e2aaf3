import type { Json } from './json.cts';
import type { RouteContext } from './routes.cts';
import { ApiError, paramError } from './validation.cts';

/** The account's resource packs (kling-api.md §12a), as `GET /account/costs` answers them. */

export interface ResourcePack {
	name: string;
	id: string;
	type: 'decreasing_total' | 'constant_period';
	/** What the pack pays for: packs are per product type (a video pack does not pay for images). */
	product: 'video' | 'image';
	total: number;
	remaining: number;
	purchaseTime: number;
	effectiveTime: number;
	invalidTime: number;
	status: 'toBeOnline' | 'online' | 'expired' | 'runOut';
}

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1);

export const DEFAULT_RESOURCE_PACKS: ResourcePack[] = [
	{ name: 'Video Pack 3000', id: '900000000000000001', type: 'decreasing_total', product: 'video', total: 3000, remaining: 2210, purchaseTime: NOW - 30 * DAY, effectiveTime: NOW - 30 * DAY, invalidTime: NOW + 335 * DAY, status: 'online' },
	{ name: 'Image Pack 500', id: '900000000000000002', type: 'decreasing_total', product: 'image', total: 500, remaining: 0, purchaseTime: NOW - 90 * DAY, effectiveTime: NOW - 90 * DAY, invalidTime: NOW + 275 * DAY, status: 'runOut' },
	// The online image pack that backs the image creates the simulator accepts (unless `imagePack: false`).
	{ name: 'Image Pack 2000', id: '900000000000000004', type: 'decreasing_total', product: 'image', total: 2000, remaining: 1960, purchaseTime: NOW - 10 * DAY, effectiveTime: NOW - 10 * DAY, invalidTime: NOW + 355 * DAY, status: 'online' },
	{ name: 'Video Pack 1000', id: '900000000000000003', type: 'decreasing_total', product: 'video', total: 1000, remaining: 12, purchaseTime: NOW - 500 * DAY, effectiveTime: NOW - 500 * DAY, invalidTime: NOW - 135 * DAY, status: 'expired' },
];

/** The endpoint asks for QPS ≤ 1: a second query within a second of the last is refused with 1302. */
const MIN_GAP_MS = 1000;

function timeParam(value: string | undefined, field: string): number {
	if (value === undefined || !/^\d{1,15}$/.test(value)) throw paramError(`${field} is required (Unix milliseconds)`);
	return Number(value);
}

export function accountCosts({ query, sim }: RouteContext): Json {
	const now = Date.now();
	if (now - sim.accountQueriedAt < MIN_GAP_MS) throw new ApiError(429, 1302, 'Too many requests: QPS over the limit of 1');
	sim.accountQueriedAt = now;
	const start = timeParam(query.start_time, 'start_time');
	const end = timeParam(query.end_time, 'end_time');
	if (end < start) throw paramError('end_time must not be before start_time');
	const packs = sim.options.resourcePacks.filter(
		(pack) => pack.effectiveTime <= end && pack.invalidTime >= start && (!query.resource_pack_name || pack.name === query.resource_pack_name),
	);
	return {
		code: 0,
		msg: 'success',
		resource_pack_subscribe_infos: packs.map((pack) => ({
			resource_pack_name: pack.name,
			resource_pack_id: pack.id,
			resource_pack_type: pack.type,
			total_quantity: pack.total,
			remaining_quantity: pack.remaining,
			purchase_time: pack.purchaseTime,
			effective_time: pack.effectiveTime,
			invalid_time: pack.invalidTime,
			status: pack.status,
		})),
	};
}
