import {
	MARKET_FAMILIES,
	MARKET_MODELS,
	marketInputProblems,
	type MarketModel,
} from '../../nodes/Kie/kie/catalogue';
import { EXAMPLES } from './catalogue-examples';

// The catalogue is data; these tests hold it to its own promises. Each model gets inputs its KIE page
// documents as valid (mostly the page's own example) and inputs that break one field or rule, and
// the input check must tell them apart naming the right field (docs/market-models.md).

const MEDIA_OR_PROMPT = ['prompt', 'imageUrl', 'imageUrls', 'videoUrl', 'videoUrls'];

describe('the catalogue is well-formed', () => {
	test('ids are unique, and every model has examples (and every example a model)', () => {
		const ids = MARKET_MODELS.map((m) => m.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect([...ids].sort()).toEqual(Object.keys(EXAMPLES).sort());
	});

	test('every family named by a model has a display name', () => {
		for (const model of MARKET_MODELS) expect(MARKET_FAMILIES[model.family]).toBeTruthy();
	});

	describe.each(MARKET_MODELS.map((m) => [m.id, m] as const))('%s', (_id, model: MarketModel) => {
		test('docs page on https://docs.kie.ai/, label and family', () => {
			expect(model.docsUrl).toMatch(/^https:\/\/docs\.kie\.ai\/\S+$/);
			expect(model.label.length).toBeGreaterThan(0);
		});

		test('Market ids are vendor/model paths; only legacy entries carry fixed values', () => {
			if (model.api === 'market') {
				expect(model.id).toMatch(/^[a-z0-9.-]+\/[a-z0-9.-]+$/);
				expect(model.fixed).toBeUndefined();
			} else {
				expect(model.fixed).toBeDefined();
			}
		});

		test('a prompt or media input, and something required (a field, or a rule refusing an empty input)', () => {
			expect(model.fields.some((f) => MEDIA_OR_PROMPT.includes(f.type))).toBe(true);
			expect(marketInputProblems(model, {}).length).toBeGreaterThan(0);
			const requiredByRule = (model.rules ?? []).some((r) => !r.check({}));
			expect(model.fields.some((f) => f.required) || requiredByRule).toBe(true);
		});

		test('field names are unique keys without stray whitespace', () => {
			const names = model.fields.map((f) => f.name);
			expect(new Set(names).size).toBe(names.length);
			for (const name of names) expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
		});

		test('options are non-empty and hold the default; ranges are ordered; defaults fit their field', () => {
			for (const field of model.fields) {
				if (field.type === 'options') expect(field.options?.length).toBeGreaterThan(0);
				if (field.options) {
					expect(field.options.length).toBeGreaterThan(0);
					if (field.default !== undefined) expect(field.options).toContain(field.default);
				}
				if (field.min !== undefined && field.max !== undefined)
					expect(field.min).toBeLessThanOrEqual(field.max);
				if (field.minItems !== undefined && field.maxItems !== undefined)
					expect(field.minItems).toBeLessThanOrEqual(field.maxItems);
				if (field.minLength !== undefined && field.maxLength !== undefined)
					expect(field.minLength).toBeLessThanOrEqual(field.maxLength);
				if (field.default !== undefined)
					expect(
						marketInputProblems({ ...model, rules: [] }, { [field.name]: field.default }),
					).not.toContainEqual(expect.stringMatching(new RegExp(`^${field.name} `)));
			}
		});

		test('every rule names an existing field', () => {
			const names = model.fields.map((f) => f.name);
			for (const rule of model.rules ?? []) expect(names).toContain(rule.field);
		});

		const examples = EXAMPLES[model.id];

		test.each((examples?.valid ?? []).map((input, i) => [i + 1, input] as const))(
			'accepts documented-valid input %i',
			(_n, input) => {
				expect(marketInputProblems(model, input)).toEqual([]);
			},
		);

		test.each((examples?.refusals ?? []).map((r) => [r.breaks, r] as const))(
			'refuses: %s',
			(_breaks, refusal) => {
				const problems = marketInputProblems(model, refusal.input);
				expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^${refusal.field}[ :]`)));
			},
		);

		test('every rule refuses at least one of the examples', () => {
			for (const rule of model.rules ?? []) {
				expect(examples.refusals.some((r) => !rule.check(r.input))).toBe(true);
			}
		});
	});

	test.each(
		Object.keys(MARKET_FAMILIES).filter((family) => MARKET_MODELS.some((m) => m.family === family)),
	)('family %s has at least 3 refusal cases', (family) => {
		const cases = MARKET_MODELS.filter((m) => m.family === family).flatMap(
			(m) => EXAMPLES[m.id]?.refusals ?? [],
		);
		expect(cases.length).toBeGreaterThanOrEqual(3);
	});
});
