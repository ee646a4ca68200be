import * as fs from 'node:fs';
import * as path from 'node:path';

import { modelParameters } from '../../nodes/Kie/actions/catalogue/fields';
import { MARKET_FAMILIES, MARKET_MODELS } from '../../nodes/Kie/kie/catalogue';
import { modelTable, tableInReadme } from '../../scripts/model-table';

// The README's "Video models" table is generated from the catalogue (scripts/model-table.js): it
// must say exactly what the node offers, so an added, renamed or re-priced model fails here until
// `npm run build && node scripts/model-table.js --write` has brought the README along.

const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

describe("README's Video models table", () => {
	test('equals the table built from the catalogue (regenerate with scripts/model-table.js --write)', () => {
		const built = modelTable(MARKET_MODELS, MARKET_FAMILIES, (model) =>
			modelParameters(model as (typeof MARKET_MODELS)[number], {}),
		);
		expect(tableInReadme(readme)).toBe(built);
	});

	test('one row per curated model, credits only as the catalogue gives them', () => {
		const rows = tableInReadme(readme).split('\n').slice(2);
		expect(rows).toHaveLength(MARKET_MODELS.length);
		MARKET_MODELS.forEach((model, index) => {
			expect(rows[index]).toContain(`\`${model.id}\``);
			expect(rows[index].endsWith(`| ${model.credits ?? 'not listed'} |`)).toBe(true);
		});
	});
});
