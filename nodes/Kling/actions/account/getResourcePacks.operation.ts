import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { ACCOUNT_COSTS_MIN_GAP_MS, ACCOUNT_COSTS_PATH, accountCostsSchema, type ResourcePack } from '../../contract/account';
import { klingApiRequest, refusalInData } from '../../transport';
import { pause } from '../../transport/wait';
import { collection, notice, textOf } from '../shared/fields';
import { eachItem } from '../shared/items';
import { invalidInput } from '../shared/validate';

const DAY_MS = 86_400_000;

export const properties: INodeProperties[] = [
	notice('resourcePacksNotice', 'Kling updates the remaining units of a pack with a delay of up to 12 hours, and each pack pays for one product type only: a video pack does not pay for images.'),
	collection('Options', [
		{
			displayName: 'Pack Name',
			name: 'packName',
			type: 'string',
			default: '',
			placeholder: 'e.g. Video Pack 3000',
			description: 'Only the pack with exactly this name',
		},
		{
			displayName: 'Valid Within the Last (Days)',
			name: 'days',
			type: 'number',
			validateType: 'number',
			default: 365,
			typeOptions: { minValue: 1, maxValue: 3650 },
			description: 'Packs that were valid at any time in this many days up to now, expired ones included',
		},
	]),
];

const toIso = (value: number | string | null | undefined) => {
	const ms = Number(value);
	return value === null || value === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString();
};

function packOutput(pack: ResourcePack): IDataObject {
	return {
		packName: pack.resource_pack_name ?? undefined,
		packId: pack.resource_pack_id ?? undefined,
		packType: pack.resource_pack_type ?? undefined,
		status: pack.status ?? undefined,
		total: pack.total_quantity ?? undefined,
		remaining: pack.remaining_quantity ?? undefined,
		purchasedAt: toIso(pack.purchase_time),
		effectiveAt: toIso(pack.effective_time),
		expiresAt: toIso(pack.invalid_time),
	};
}

/**
 * One item per pack. Kling takes at most one query a second here (§12a), so a node run with several items spaces
 * its queries.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await eachItem.call(this, async (i) => {
		if (i > 0) await pause(this, ACCOUNT_COSTS_MIN_GAP_MS);
		const options = this.getNodeParameter('options', i, {}) as { packName?: unknown; days?: number };
		const days = Number(options.days ?? 365);
		if (!Number.isFinite(days) || days < 1 || days > 3650) {
			throw invalidInput.call(this, `Options → Valid Within the Last (Days) must be between 1 and 3650 (it is ${options.days})`, i);
		}
		const now = Date.now();
		const packName = textOf.call(this, options.packName, 'Options → Pack Name', i).trim();
		const { data, requestId } = await klingApiRequest.call(this, {
			method: 'GET',
			path: ACCOUNT_COSTS_PATH,
			qs: { start_time: now - Math.round(days * DAY_MS), end_time: now, ...(packName ? { resource_pack_name: packName } : {}) },
		});
		const costs = accountCostsSchema.parse(data ?? {});
		// The answer carries a code of its own (§12a): a refusal there must not read as "no packs".
		if (costs.code) throw await refusalInData.call(this, { code: costs.code, message: costs.msg ?? '', requestId });
		return (costs.resource_pack_subscribe_infos ?? []).map((pack) => ({ json: packOutput(pack) }));
	});
}
