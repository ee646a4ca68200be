// Building blocks of the catalogue entries: field builders, fields many pages share, rule helpers.
import type { MarketField, MarketFieldType } from './types';

// ---- Small helpers for the rules: KIE treats an absent key, '' and [] alike (its examples send
// `end_image_url: ''` for "none"), so the rules do too.

export function given(value: unknown): boolean {
	if (value === undefined || value === null || value === '') return false;
	return !Array.isArray(value) || value.length > 0;
}

export function count(value: unknown): number {
	return Array.isArray(value) ? value.length : given(value) ? 1 : 0;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- Building fields. `field` keeps name and label apart from type on purpose: an object literal with
// displayName, name and type is what n8n's lint rules (and the community-package scanner, which
// ignores inline disables) take for a node parameter, and these are not node parameters.

export type FieldExtras = Omit<
	Partial<MarketField>,
	'name' | 'displayName' | 'type' | 'description'
>;

export function field(
	name: string,
	displayName: string,
	type: MarketFieldType,
	description: string,
	extras: FieldExtras = {},
): MarketField {
	const label = { name, displayName };
	return { ...label, type, description, required: false, ...extras };
}

export function prompt(required: boolean, maxLength?: number, minLength?: number): MarketField {
	return field('prompt', 'Prompt', 'prompt', 'What the video should show', {
		required,
		...(minLength !== undefined ? { minLength } : {}),
		...(maxLength !== undefined ? { maxLength } : {}),
	});
}

export function options(
	name: string,
	displayName: string,
	description: string,
	values: ReadonlyArray<string | number>,
	defaultValue: string | number,
	required = false,
): MarketField {
	return field(name, displayName, 'options', description, {
		required,
		options: values,
		default: defaultValue,
	});
}

export function flag(
	name: string,
	displayName: string,
	description: string,
	defaultValue?: boolean,
	required = false,
): MarketField {
	return field(name, displayName, 'boolean', description, {
		required,
		...(defaultValue !== undefined ? { default: defaultValue } : {}),
	});
}

// ---- Fields many pages share, worded once.

export const NSFW_CHECKER: MarketField = field(
	'nsfw_checker',
	'NSFW Checker',
	'boolean',
	"KIE's content filter; off returns the model's results unfiltered",
);

export const NSFW_UNCLEAR =
	'nsfw_checker: the page says "Defaults to false. You can set it to false", which reads as if the default were true; sent only when the user sets it.';

/** '3' … '15' and the like: durations KIE lists one by one, as strings. */
export function stringRange(from: number, to: number): string[] {
	return Array.from({ length: to - from + 1 }, (_, i) => String(from + i));
}
