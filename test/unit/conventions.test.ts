import * as fs from 'node:fs';
import * as path from 'node:path';
import type { INodeProperties, INodePropertyCollection, INodeTypeDescription } from 'n8n-workflow';

import { KieApi } from '../../credentials/KieApi.credentials';
import { Kie } from '../../nodes/Kie/Kie.node';
import { KieTrigger } from '../../nodes/Kie/KieTrigger.node';

// n8n's conventions for verified community nodes that no lint rule covers (the rules that exist run in
// `npm run lint` and `npm run scan`): package manifest, codex files, icons, documentation links, hints.

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

const nodes: Array<{ name: string; dir: string; description: INodeTypeDescription }> = [
	{ name: 'Kie', dir: 'nodes/Kie', description: new Kie().description },
	{ name: 'KieTrigger', dir: 'nodes/Kie', description: new KieTrigger().description },
];

/** The categories n8n's nodes panel groups by (n8n-nodes-base's codex files). */
const N8N_CATEGORIES = [
	'Analytics',
	'Communication',
	'Core Nodes',
	'Data & Storage',
	'Development',
	'Finance & Accounting',
	'HITL',
	'Marketing',
	'Miscellaneous',
	'Productivity',
	'Sales',
	'Utility',
];

/** What a user types in the nodes panel to find each node. */
const SEARCHES: Record<string, string[]> = {
	Kie: [
		'KIE',
		'Runway',
		'Luma',
		'Aleph',
		'video',
		'text to video',
		'image to video',
		'Veo',
		'Veo 3.1',
		'Google Veo',
		'Kling',
		'Hailuo',
		'MiniMax',
		'Seedance',
		'ByteDance',
		'Wan',
		'Grok',
		'Grok Imagine',
	],
	KieTrigger: ['KIE Trigger', 'KIE', 'Runway', 'Luma', 'video', 'callback'],
};

function iconFiles(icon: unknown): string[] {
	if (typeof icon === 'string') return [icon];
	const { light, dark } = icon as { light: string; dark: string };
	return [light, dark];
}

/** Every parameter, options of collections included, with the path leading to it. */
function allParameters(
	properties: INodeProperties[],
	prefix = '',
): Array<{ at: string; parameter: INodeProperties }> {
	const out: Array<{ at: string; parameter: INodeProperties }> = [];
	for (const parameter of properties) {
		const at = `${prefix}${parameter.name}`;
		out.push({ at, parameter });
		for (const option of parameter.options ?? []) {
			if ('type' in option) out.push(...allParameters([option as INodeProperties], `${at}.`));
			else if ('values' in option)
				out.push(...allParameters((option as INodePropertyCollection).values, `${at}.`));
		}
	}
	return out;
}

describe('package manifest', () => {
	test('strict n8n section listing the built nodes and credential, which exist as sources', () => {
		expect(pkg.n8n.strict).toBe(true);
		expect(pkg.n8n.n8nNodesApiVersion).toBe(1);
		expect(pkg.n8n.nodes).toEqual(nodes.map((n) => `dist/${n.dir}/${n.name}.node.js`));
		expect(pkg.n8n.credentials).toEqual(['dist/credentials/KieApi.credentials.js']);
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			expect(
				fs.existsSync(path.join(root, file.replace(/^dist\//, '').replace(/\.js$/, '.ts'))),
			).toBe(true);
		}
	});

	test('no runtime dependencies; n8n-workflow as the only peer; MIT; community keyword; semantic version', () => {
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.license).toBe('MIT');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.name).toMatch(/^n8n-nodes-/);
		expect(pkg.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
		expect(pkg.files).toEqual(['dist']);
	});

	test('the changelog has an entry for the package version', () => {
		const changelog = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
		expect(changelog).toMatch(new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\]`, 'm'));
	});
});

describe.each(nodes)('node $name', ({ name, dir, description }) => {
	const codexPath = path.join(root, dir, `${name}.node.json`);

	test('codex file: its type name, categories, https documentation links', () => {
		const codex = JSON.parse(fs.readFileSync(codexPath, 'utf8'));
		expect(codex.node).toBe(`${pkg.name}.${description.name}`);
		expect(codex.categories.length).toBeGreaterThan(0);
		const links = [
			...codex.resources.primaryDocumentation,
			...codex.resources.credentialDocumentation,
		];
		expect(links.length).toBeGreaterThan(1);
		for (const link of links) expect(link.url).toMatch(/^https:\/\/[^\s]+$/);
	});

	test('codex the nodes panel lists and finds (no hidden AI category, aliases users type)', () => {
		const codex = JSON.parse(fs.readFileSync(codexPath, 'utf8'));
		// n8n's editor (its node creator's filterOutAiNodes) drops from search every node in category "AI"
		// whose AI subcategories lack "Root Nodes", and files it only under AI › Other AI Nodes.
		const hiddenAsAi =
			codex.categories.includes('AI') && !(codex.subcategories?.AI ?? []).includes('Root Nodes');
		if (hiddenAsAi) {
			throw new Error(
				`${name}.node.json puts the node in category "AI" without the AI subcategory "Root Nodes": ` +
					"n8n's nodes panel then hides it from search. Use other categories (e.g. Marketing).",
			);
		}
		for (const category of codex.categories) expect(N8N_CATEGORIES).toContain(category);
		// The panel's search matches displayName and codex aliases only.
		const searchable = [description.displayName, ...codex.alias].map((s: string) =>
			s.toLowerCase(),
		);
		for (const query of SEARCHES[name]) {
			expect({ query, found: searchable.some((s) => s.includes(query.toLowerCase())) }).toEqual({
				query,
				found: true,
			});
		}
	});

	test('light and dark SVG icons that exist beside the node', () => {
		const files = iconFiles(description.icon);
		expect(files).toHaveLength(2);
		expect(new Set(files).size).toBe(2);
		for (const file of files) {
			expect(file).toMatch(/^file:.+\.svg$/);
			expect(fs.readFileSync(path.join(root, dir, file.slice('file:'.length)), 'utf8')).toContain(
				'<svg',
			);
		}
	});

	test('subtitle, and usable as an AI tool only when it is an action node', () => {
		expect(description.subtitle).toMatch(/^=/);
		const isTrigger = description.group.includes('trigger');
		expect(Boolean(description.usableAsTool)).toBe(!isTrigger);
	});

	test('every parameter a user fills in tells what it is for (description or hint)', () => {
		// Notices are the text themselves; collections are described by what they hold (checked too); a
		// list of options is described when each option is.
		const optionsDescribed = (parameter: INodeProperties) =>
			parameter.type === 'options' &&
			(parameter.options ?? []).every((option) => 'description' in option && option.description);
		const undocumented = allParameters(description.properties)
			.filter(
				({ parameter }) =>
					!['notice', 'hidden', 'collection', 'fixedCollection'].includes(parameter.type),
			)
			.filter(
				({ parameter }) =>
					!parameter.description && !parameter.hint && !optionsDescribed(parameter),
			)
			.map(({ at }) => at);
		expect(undocumented).toEqual([]);
	});
});

describe('credential', () => {
	const credential = new KieApi();

	test('icon, documentation URL and a test request', () => {
		expect(iconFiles(credential.icon)).toHaveLength(2);
		for (const file of iconFiles(credential.icon)) {
			expect(fs.existsSync(path.join(root, 'credentials', file.slice('file:'.length)))).toBe(true);
		}
		expect(credential.documentationUrl).toMatch(/^https:\/\//);
		expect(credential.test.request.url).toBeTruthy();
	});

	test('secrets are password fields', () => {
		const byName = Object.fromEntries(credential.properties.map((p) => [p.name, p]));
		expect(byName.apiKey.typeOptions?.password).toBe(true);
		expect(byName.webhookHmacKey.typeOptions?.password).toBe(true);
	});
});
