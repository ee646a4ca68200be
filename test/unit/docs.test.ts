import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Code comments cite the project's own documents (docs/kie-api.md by section, docs/design.md by
// heading) or KIE's URLs, never a file outside the repository; a citation must point at something
// that exists, so a renamed heading or a dropped section fails here instead of misleading a reader.

const root = path.resolve(__dirname, '..', '..');
const sourceFiles = execFileSync('git', ['ls-files', '*.ts', '*.js', '*.mjs'], {
	cwd: root,
	encoding: 'utf8',
})
	.split('\n')
	.filter((file) => file !== '' && fs.existsSync(path.join(root, file)));
// This file names the documents in order to read them, so it is not among the files it checks.
const sources = sourceFiles
	.filter((file) => file !== path.relative(root, __filename))
	.map((file) => ({
		file,
		text: fs.readFileSync(path.join(root, file), 'utf8'),
	}));
const kieApi = fs.readFileSync(path.join(root, 'docs', 'kie-api.md'), 'utf8');
const design = fs.readFileSync(path.join(root, 'docs', 'design.md'), 'utf8');

/** Every match of `pattern` (global, first group captured) across the sources, with where. */
function citations(pattern: RegExp): Array<{ file: string; cited: string }> {
	return sources.flatMap(({ file, text }) =>
		[...text.matchAll(pattern)].map((match) => ({ file, cited: match[1] })),
	);
}

/** Whether docs/kie-api.md has section `id`: a heading "§4b", or item "2." inside §10 for "10.2". */
function kieApiHas(id: string): boolean {
	const [section, item] = id.split('.');
	const heading = new RegExp(`^#{2,3} §${section}\\b`, 'm');
	if (!heading.test(kieApi)) return false;
	if (item === undefined) return true;
	const body = kieApi.slice(kieApi.search(heading)).split(/^## /m)[1] ?? '';
	return new RegExp(`^${item}\\. `, 'm').test(body);
}

describe('documents cited by the code', () => {
	test('no comment cites a file outside the repository', () => {
		const outside = sources
			.filter(({ text }) => /DESIGN\.md|\/work\/shared|(?<!docs\/)\bkie-api\.md/.test(text))
			.map(({ file }) => file);
		expect(outside).toEqual([]);
	});

	test('every docs/kie-api.md section cited exists', () => {
		const found = citations(/docs\/kie-api\.md §(\d+[a-z]?(?:\.\d+)?)/g);
		expect(found.length).toBeGreaterThan(10);
		expect(found.filter(({ cited }) => !kieApiHas(cited))).toEqual([]);
	});

	test('every docs/design.md heading cited exists', () => {
		const found = citations(/docs\/design\.md[ "]+"([^"]+)"/g);
		expect(found.length).toBeGreaterThan(3);
		const headings = new Set(
			[...design.matchAll(/^#{2,3} (.+)$/gm)].map((match) => match[1].trim()),
		);
		expect(found.filter(({ cited }) => !headings.has(cited))).toEqual([]);
	});
});
