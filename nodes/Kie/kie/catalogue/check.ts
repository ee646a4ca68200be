import type { MarketField, MarketModel } from './types';
import { given } from './build';

// ---- The one check of an input against an entry: field types, options, ranges, then the rules.

function fieldProblem(field: MarketField, value: unknown): string | undefined {
	if (!given(value)) return field.required ? `${field.name} is required` : undefined;
	const isUrlList = ['imageUrls', 'videoUrls', 'audioUrls'].includes(field.type);
	const isText = ['prompt', 'string', 'imageUrl', 'videoUrl', 'audioUrl'].includes(field.type);
	if (isUrlList && !(Array.isArray(value) && value.every((v) => typeof v === 'string')))
		return `${field.name} must be a list of URLs`;
	if (isText && typeof value !== 'string') return `${field.name} must be text`;
	if (field.type === 'boolean' && typeof value !== 'boolean')
		return `${field.name} must be true or false`;
	if (field.type === 'number' && !(typeof value === 'number' && Number.isFinite(value)))
		return `${field.name} must be a number`;
	if (field.type === 'integer' && !Number.isInteger(value))
		return `${field.name} must be a whole number`;
	if (field.type === 'json' && field.maxItems !== undefined && !Array.isArray(value))
		return `${field.name} must be a list`;
	if (field.options && !field.options.includes(value as string | number))
		return `${field.name} must be one of ${field.options.join(', ')}`;
	if (typeof value === 'number') {
		if (field.min !== undefined && value < field.min)
			return `${field.name} must be at least ${field.min}`;
		if (field.max !== undefined && value > field.max)
			return `${field.name} must be at most ${field.max}`;
	}
	if (typeof value === 'string') {
		if (field.minLength !== undefined && value.length < field.minLength)
			return `${field.name} must have at least ${field.minLength} characters`;
		if (field.maxLength !== undefined && value.length > field.maxLength)
			return `${field.name} must have at most ${field.maxLength} characters`;
	}
	if (Array.isArray(value)) {
		if (field.minItems !== undefined && value.length < field.minItems)
			return `${field.name} needs at least ${field.minItems} item(s)`;
		if (field.maxItems !== undefined && value.length > field.maxItems)
			return `${field.name} takes at most ${field.maxItems} item(s)`;
	}
	return undefined;
}

/** What is wrong with `input` for `model`, as messages; empty when KIE's page would accept it. */
export function marketInputProblems(model: MarketModel, input: Record<string, unknown>): string[] {
	const problems: string[] = [];
	for (const field of model.fields) {
		const problem = fieldProblem(field, input[field.name]);
		if (problem) problems.push(problem);
	}
	for (const rule of model.rules ?? []) {
		if (!rule.check(input)) problems.push(`${rule.field}: ${rule.rule}`);
	}
	return problems;
}
