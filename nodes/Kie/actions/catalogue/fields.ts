import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	MEDIA_LIST_TYPES,
	SINGLE_MEDIA_TYPES,
	type MarketField,
	type MarketModel,
} from '../../kie/catalogue';
import { mediaInputFields } from '../descriptions/media';

// n8n fields built from a catalogue entry (kie/catalogue): one entry gives its model's whole form,
// so adding a model is one entry there. Required fields, fields with a default and media inputs are
// shown directly; optional fields without a default sit in "Additional Fields" and are sent only
// when the user adds them (KIE then applies its own default).

/** The collection holding a model's optional fields. */
export const ADDITIONAL_FIELDS = 'additionalFields';

export function isSingleMedia(field: MarketField): boolean {
	return SINGLE_MEDIA_TYPES.includes(field.type);
}

export function isMediaList(field: MarketField): boolean {
	return MEDIA_LIST_TYPES.includes(field.type);
}

/** The n8n parameter of a KIE field: `aspect_ratio` → `aspectRatio`, unless the entry names one. */
export function paramName(field: MarketField): string {
	return (
		field.param ?? field.name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase())
	);
}

/** A single media field's three parameters share this prefix: `image_url` → imageSource, imageUrl… */
export function mediaPrefix(field: MarketField): string {
	return paramName(field).replace(/Url$/, '');
}

/** The label without a trailing "URL(s)": the media fields add Source / URL / Binary Field. */
function mediaLabel(field: MarketField): string {
	return field.displayName.replace(/\s*URLs?$/i, '') || field.displayName;
}

export function shownDirectly(field: MarketField): boolean {
	return (
		field.required ||
		field.default !== undefined ||
		field.type === 'prompt' ||
		isSingleMedia(field) ||
		isMediaList(field)
	);
}

function optionsOf(field: MarketField): INodePropertyOptions[] {
	return (field.options ?? []).map((value) => ({ name: String(value), value }));
}

/** The plain n8n parameter for a field that is not a media input. */
function valueParameter(field: MarketField, inCollection: boolean): INodeProperties {
	const base = {
		displayName: field.displayName,
		name: paramName(field),
		description: field.description,
		...(field.required && !inCollection ? { required: true } : {}),
	};
	switch (field.type) {
		case 'options':
			return {
				...base,
				type: 'options',
				options: optionsOf(field),
				default: field.default ?? field.options?.[0] ?? '',
			};
		case 'boolean':
			return { ...base, type: 'boolean', default: field.default ?? false };
		case 'number':
		case 'integer':
			return {
				...base,
				type: 'number',
				typeOptions: {
					...(field.min !== undefined ? { minValue: field.min } : {}),
					...(field.max !== undefined ? { maxValue: field.max } : {}),
					...(field.type === 'integer' ? { numberPrecision: 0 } : {}),
				},
				default: field.default ?? field.min ?? 0,
			};
		case 'json':
			return { ...base, type: 'json', default: String(field.default ?? '') };
		default:
			return {
				...base,
				type: 'string',
				default: field.default ?? '',
				...(field.type === 'prompt' ? { typeOptions: { rows: 4 } } : {}),
			};
	}
}

/** A list of media: public URLs, or binary properties the node uploads to KIE first. */
function mediaListParameters(field: MarketField): INodeProperties[] {
	const name = paramName(field);
	const label = mediaLabel(field);
	const kind = field.type.replace(/Urls$/, '');
	const limits =
		field.maxItems !== undefined
			? ` (${field.minItems ?? 0} to ${field.maxItems})`
			: field.minItems
				? ` (at least ${field.minItems})`
				: '';
	const sources: INodePropertyOptions[] = [
		{ name: 'URLs', value: 'url', description: `Public links to the ${kind} files${limits}` },
		{
			name: 'Binary Files',
			value: 'binary',
			description: 'Files from earlier nodes, uploaded to KIE first',
		},
	];
	const defaultSource = field.required ? 'url' : 'none';
	const source: INodeProperties = {
		displayName: `${label} Source`,
		name: `${name}Source`,
		type: 'options',
		options: field.required ? sources : [{ name: 'None', value: 'none' }, ...sources],
		default: defaultSource,
		description: field.description,
	};
	return [
		source,
		{
			displayName: `${label} URLs`,
			name,
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/a.png, https://example.com/b.png',
			description:
				'Public links KIE can download, separated by commas or new lines (or a list from an ' +
				'expression)',
			displayOptions: { show: { [`${name}Source`]: ['url'] } },
		},
		{
			displayName: `${label} Binary Fields`,
			name: `${name}BinaryProperties`,
			type: 'string',
			default: 'data',
			required: true,
			placeholder: 'data, data_1',
			description:
				"Names of the input item's binary properties, separated by commas; each file is " +
				'uploaded to KIE first',
			displayOptions: { show: { [`${name}Source`]: ['binary'] } },
		},
	];
}

function directParameters(field: MarketField): INodeProperties[] {
	if (isSingleMedia(field)) {
		return mediaInputFields(mediaPrefix(field), mediaLabel(field), {
			required: field.required,
			hint: field.description,
		});
	}
	if (isMediaList(field)) return mediaListParameters(field);
	return [valueParameter(field, false)];
}

/** Every parameter of one model's form, shown when `show` matches (resource, operation, model). */
export function modelParameters(
	model: MarketModel,
	show: Record<string, string[]>,
): INodeProperties[] {
	const direct = model.fields.filter(shownDirectly).flatMap(directParameters);
	const optional = model.fields
		.filter((field) => !shownDirectly(field))
		.map((field) => valueParameter(field, true))
		.sort((a, b) => a.displayName.localeCompare(b.displayName));
	const parameters = [...direct];
	if (optional.length > 0) {
		parameters.push({
			displayName: 'Additional Fields',
			name: ADDITIONAL_FIELDS,
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			description: "Optional fields of the model; KIE's default applies to those not added",
			options: optional,
		});
	}
	return updateDisplayOptions({ show }, parameters);
}
