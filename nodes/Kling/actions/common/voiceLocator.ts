import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { invalidInput } from '../../helpers/validation';
import { pickerLocator } from './picker';

/**
 * Kling's voice ids are digit strings like element ids; the By ID mode also takes letters, dashes and
 * underscores so an id of another shape still reaches Kling, which judges it.
 */
export const VOICE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The voice picker: the account's custom voices, then Kling's presets, or an id or an expression. */
export function voiceLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		...pickerLocator({
			displayName: 'Voice',
			name: 'voice',
			searchListMethod: 'searchVoices',
			example: '829824295736356877',
			idPattern: VOICE_ID_PATTERN,
			idError: 'A voice ID looks like 829824295736356877',
		}),
		...overrides,
	};
}

/** Reads a voice picker value (or a bare id) as a string; '' when the picker is optional and empty. */
export function checkVoiceId(this: IExecuteFunctions, picked: unknown, itemIndex: number, label = 'Voice'): string {
	const raw = picked !== null && typeof picked === 'object' ? (picked as { value?: unknown }).value : picked;
	const value = String(raw ?? '').trim();
	if (!value) return '';
	if (typeof raw === 'number' && !Number.isSafeInteger(raw)) {
		throw invalidInput.call(this, `${label} ID ${value} has lost digits: it passed through a number`, itemIndex, 'Pass voice IDs as text, e.g. {{ $json.voiceId }}.');
	}
	if (!VOICE_ID_PATTERN.test(value)) {
		throw invalidInput.call(this, `${label} ID must look like 829824295736356877 (it is "${value.slice(0, 40)}")`, itemIndex);
	}
	return value;
}

export function readVoiceId(this: IExecuteFunctions, parameterName: string, itemIndex: number, label = 'Voice'): string {
	return checkVoiceId.call(this, this.getNodeParameter(parameterName, itemIndex, ''), itemIndex, label);
}
