import { MEDIA_LIST_TYPES, SINGLE_MEDIA_TYPES, type MarketField, type MarketModel } from './types';
import { given } from './build';

// ---- The one check of an input against an entry: field types, options, ranges, then the rules.

/** What is wrong with one field's value, as a rule without the field's name; undefined when fine. */
function fieldProblem(field: MarketField, value: unknown): string | undefined {
	if (!given(value)) return field.required ? 'is required' : undefined;
	const isUrlList = MEDIA_LIST_TYPES.includes(field.type);
	const isText =
		field.type === 'prompt' || field.type === 'string' || SINGLE_MEDIA_TYPES.includes(field.type);
	if (isUrlList && !(Array.isArray(value) && value.every((v) => typeof v === 'string')))
		return `must be a list of URLs`;
	if (isText && typeof value !== 'string') return `must be text`;
	if (field.type === 'boolean' && typeof value !== 'boolean') return `must be true or false`;
	if (field.type === 'number' && !(typeof value === 'number' && Number.isFinite(value)))
		return `must be a number`;
	if (field.type === 'integer' && !Number.isInteger(value)) return `must be a whole number`;
	if (field.type === 'json' && field.maxItems !== undefined && !Array.isArray(value))
		return `must be a list`;
	if (field.options && !field.options.includes(value as string | number))
		return `must be one of ${field.options.join(', ')}`;
	if (typeof value === 'number') {
		if (field.min !== undefined && value < field.min) return `must be at least ${field.min}`;
		if (field.max !== undefined && value > field.max) return `must be at most ${field.max}`;
	}
	if (typeof value === 'string') {
		if (field.minLength !== undefined && value.length < field.minLength)
			return `must have at least ${field.minLength} characters`;
		if (field.maxLength !== undefined && value.length > field.maxLength)
			return `must have at most ${field.maxLength} characters`;
	}
	if (Array.isArray(value)) {
		if (field.minItems !== undefined && value.length < field.minItems)
			return `needs at least ${field.minItems} item(s)`;
		if (field.maxItems !== undefined && value.length > field.maxItems)
			return `takes at most ${field.maxItems} item(s)`;
	}
	return undefined;
}

/** One thing wrong with an input: KIE's field name and the rule it breaks. */
export interface MarketInputIssue {
	field: string;
	rule: string;
	/** A rule across fields (the page's prose), rather than the field's own type or range. */
	crossField: boolean;
}

/** What is wrong with `input` for `model`; empty when KIE's page would accept it. */
export function marketInputIssues(
	model: MarketModel,
	input: Record<string, unknown>,
): MarketInputIssue[] {
	const issues: MarketInputIssue[] = [];
	for (const field of model.fields) {
		const rule = fieldProblem(field, input[field.name]);
		if (rule) issues.push({ field: field.name, rule, crossField: false });
	}
	for (const rule of model.rules ?? []) {
		if (!rule.check(input)) issues.push({ field: rule.field, rule: rule.rule, crossField: true });
	}
	return issues;
}

/** The same, as messages ("aspect_ratio must be one of …"). */
export function marketInputProblems(model: MarketModel, input: Record<string, unknown>): string[] {
	return marketInputIssues(model, input).map((issue) =>
		issue.crossField ? `${issue.field}: ${issue.rule}` : `${issue.field} ${issue.rule}`,
	);
}
