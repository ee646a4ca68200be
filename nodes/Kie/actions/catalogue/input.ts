import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	marketInputIssues,
	type MarketField,
	type MarketInputIssue,
	type MarketModel,
} from '../../kie/catalogue';
import { uploadBinary } from '../../kie/files';
import type { InputRules } from '../../helpers/validation';
import { checkBinaryInput, readMediaInput } from '../descriptions/media';
import {
	ADDITIONAL_FIELDS,
	isMediaList,
	isSingleMedia,
	mediaPrefix,
	paramName,
	shownDirectly,
} from './fields';

// One item's form read into KIE's `input`, checked against the entry's rules before anything is
// uploaded or created. Binary inputs stand in as "binary:<property>" while checking (the rules look
// at counts and presence, not at URLs) and are uploaded only when the whole batch has passed.

export interface CatalogueInput {
	/** KIE's input with media resolved: uploads binaries, call only after every item passed. */
	resolve(): Promise<IDataObject>;
}

type Resolver = () => Promise<unknown>;

/** A list from an expression (an array) or typed text (commas or new lines between entries). */
export function listOf(value: unknown): string[] {
	if (Array.isArray(value)) return value.map((entry) => String(entry).trim()).filter(Boolean);
	if (typeof value !== 'string') return [];
	return value
		.split(/[\n,]+/)
		.map((entry) => entry.trim())
		.filter(Boolean);
}

function maxBytesOf(field: MarketField): number | undefined {
	return field.maxFileMb !== undefined ? field.maxFileMb * 1024 * 1024 : undefined;
}

/** A media list's URLs, or its binaries (checked now, uploaded by the resolver). */
function readMediaList(
	context: IExecuteFunctions,
	itemIndex: number,
	rules: InputRules,
	field: MarketField,
): { value: string[] | undefined; resolve: Resolver } {
	const name = paramName(field);
	const source = context.getNodeParameter(`${name}Source`, itemIndex, 'none') as string;
	const label = field.displayName;
	if (source === 'url') {
		const urls = listOf(context.getNodeParameter(name, itemIndex, '')).map((url) =>
			rules.publicUrl(label, url, true),
		);
		return { value: urls, resolve: async () => urls };
	}
	if (source === 'binary') {
		const properties = listOf(
			context.getNodeParameter(`${name}BinaryProperties`, itemIndex, 'data'),
		);
		for (const property of properties) {
			checkBinaryInput(context, itemIndex, rules, property, {
				field: `${label} Binary Fields`,
				displayName: label,
				maxBytes: maxBytesOf(field),
			});
		}
		return {
			value: properties.map((property) => `binary:${property}`),
			resolve: async () => {
				const urls: string[] = [];
				for (const property of properties) {
					urls.push((await uploadBinary.call(context, itemIndex, property)).url);
				}
				return urls;
			},
		};
	}
	return { value: undefined, resolve: async () => undefined };
}

function parseJsonField(rules: InputRules, field: MarketField, value: unknown): unknown {
	if (typeof value !== 'string') return value;
	if (value.trim() === '') return undefined;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		throw rules.broken(field.displayName, value, 'must be valid JSON');
	}
}

/** The error for the first rule the input breaks, naming the n8n field and KIE's rule. */
function issueError(
	rules: InputRules,
	model: MarketModel,
	issue: MarketInputIssue,
	input: IDataObject,
) {
	const field = model.fields.find((candidate) => candidate.name === issue.field);
	const label = field ? `${field.displayName} (${field.name})` : issue.field;
	return issue.crossField
		? rules.broken(`${label}:`, input[issue.field], issue.rule)
		: rules.broken(label, input[issue.field], issue.rule);
}

/** Reads and checks one item's input for `model`; nothing is sent or uploaded here. */
export function readCatalogueInput(
	context: IExecuteFunctions,
	itemIndex: number,
	rules: InputRules,
	model: MarketModel,
): CatalogueInput {
	const additional = context.getNodeParameter(ADDITIONAL_FIELDS, itemIndex, {}) as IDataObject;
	const checked: IDataObject = {};
	const resolvers: Record<string, Resolver> = {};
	for (const field of model.fields) {
		if (isSingleMedia(field)) {
			const prefix = mediaPrefix(field);
			// KIE's model pages ask for public URLs, not for https: http:// is taken as KIE takes it.
			const media = readMediaInput(context, itemIndex, rules, prefix, field.displayName, {
				allowHttp: true,
				maxBytes: maxBytesOf(field),
			});
			if (media.source === 'none') continue;
			checked[field.name] =
				media.source === 'binary'
					? `binary:${prefix}`
					: String(context.getNodeParameter(`${prefix}Url`, itemIndex)).trim();
			resolvers[field.name] = media.resolve;
			continue;
		}
		if (isMediaList(field)) {
			const list = readMediaList(context, itemIndex, rules, field);
			if (list.value === undefined) continue;
			checked[field.name] = list.value;
			resolvers[field.name] = list.resolve;
			continue;
		}
		const raw = shownDirectly(field)
			? context.getNodeParameter(paramName(field), itemIndex, undefined)
			: additional[paramName(field)];
		const value = field.type === 'json' ? parseJsonField(rules, field, raw) : raw;
		if (value === undefined || value === null || value === '') continue;
		checked[field.name] =
			typeof value === 'string' && field.type !== 'prompt' ? value.trim() : value;
	}
	const issues = marketInputIssues(model, checked);
	if (issues.length > 0) throw issueError(rules, model, issues[0], checked);
	return {
		async resolve() {
			const input: IDataObject = { ...checked };
			for (const [name, resolve] of Object.entries(resolvers)) {
				input[name] = (await resolve()) as IDataObject[keyof IDataObject];
			}
			return input;
		},
	};
}
