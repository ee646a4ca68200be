#!/usr/bin/env node
// The README's "Works with" table (n8n versions × features), every cell from an e2e test that ran.
// `KIE_N8N_MATRIX=1 npm test` records each version's results in test/fixtures/works-with.json
// (version, date, each test's file, name and status) and rewrites the table from that file.
//   node scripts/works-with.js                                   the table again from the file
//   node scripts/works-with.js record <version> <jest --json report> [<expression engine>]
'use strict';

const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const RESULTS_FILE = path.join(root, 'test', 'fixtures', 'works-with.json');
const README = path.join(root, 'README.md');
const START = '<!-- works-with:start (scripts/works-with.js writes this table) -->';
const END = '<!-- works-with:end -->';

/**
 * Each feature and the e2e tests that show it: a test file (without .test.ts), and the start of the
 * test's own name (none: every test of the file).
 * @type {{ feature: string, tests: { file: string, name?: string }[] }[]}
 */
const FEATURES = [
	{
		feature: 'Wait for Result (poll), 3 items at once',
		tests: [{ file: 'kie-node', name: '3 prompts -> Runway generate (poll, download)' }],
	},
	{
		feature: 'Binary download of the video',
		tests: [{ file: 'kie-node', name: '3 prompts -> Runway generate (poll, download)' }],
	},
	{
		feature: 'Binary upload (a binary input streamed to KIE)',
		tests: [{ file: 'kie-node', name: 'Aleph from a binary made by an earlier node' }],
	},
	{ feature: 'Get', tests: [{ file: 'kie-node', name: 'Get:' }] },
	{
		feature: "n8n's credential test",
		tests: [{ file: 'kie-node', name: "n8n's credential test" }],
	},
	{ feature: 'Callback mode', tests: [{ file: 'kie-callbacks' }] },
	{
		feature: 'Callback mode: resume after an n8n restart',
		tests: [{ file: 'kie-restart', name: 'callbacks that fail while n8n is down' }],
	},
	{ feature: 'Forged resume calls refused', tests: [{ file: 'forged-resume' }] },
	{ feature: 'KIE Trigger', tests: [{ file: 'kie-trigger' }] },
];
const FILES = new Set(FEATURES.flatMap((f) => f.tests.map((t) => t.file)));

/** @typedef {{ file: string, name: string, status: string }} TestResult */
/** @typedef {{ date: string, expressionEngine?: string, tests: TestResult[] }} VersionResults */

/** @returns {Record<string, VersionResults>} */
function readResults() {
	return fs.existsSync(RESULTS_FILE) ? JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8')) : {};
}

/**
 * Records one n8n version's results from a jest --json report (the tests of the table's files only).
 * @param {string} version
 * @param {{ testResults: { name: string, assertionResults: { title: string, status: string }[] }[] }} report
 * @param {Record<string, string>} [env] the phase's environment (its expression engine is noted)
 */
function record(version, report, env = {}) {
	const tests = [];
	for (const suite of report.testResults) {
		const file = path.basename(suite.name).replace(/\.test\.ts$/, '');
		if (!FILES.has(file)) continue;
		for (const t of suite.assertionResults) tests.push({ file, name: t.title, status: t.status });
	}
	const results = readResults();
	results[version] = {
		date: new Date().toISOString().slice(0, 10),
		...(env.KIE_N8N_EXPRESSION_ENGINE ? { expressionEngine: env.KIE_N8N_EXPRESSION_ENGINE } : {}),
		tests,
	};
	const sorted = Object.fromEntries(
		Object.entries(results).sort(([a], [b]) => compareVersions(a, b)),
	);
	fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
	fs.writeFileSync(RESULTS_FILE, JSON.stringify(sorted, null, '\t') + '\n');
}

/** @param {string} a @param {string} b */
function compareVersions(a, b) {
	const pa = a.split('.').map(Number);
	const pb = b.split('.').map(Number);
	for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
	return 0;
}

/** A cell: ✅ when every test of the feature ran and passed, ❌ when one failed, — when none ran. */
function cell(/** @type {VersionResults} */ results, /** @type {(typeof FEATURES)[number]} */ row) {
	const ran = results.tests.filter(
		(t) =>
			row.tests.some((m) => m.file === t.file && (!m.name || t.name.startsWith(m.name))) &&
			(t.status === 'passed' || t.status === 'failed'),
	);
	if (!ran.length) return '—';
	const failed = ran.filter((t) => t.status === 'failed').length;
	return failed ? `❌ ${failed} of ${ran.length} failed` : `✅ ${ran.length} passed`;
}

function table() {
	const results = readResults();
	const versions = Object.keys(results);
	const head = `| Feature | ${versions.map((v) => `n8n ${v}`).join(' | ')} |`;
	const rule = `| --- | ${versions.map(() => '---').join(' | ')} |`;
	const rows = FEATURES.map(
		(row) => `| ${row.feature} | ${versions.map((v) => cell(results[v], row)).join(' | ')} |`,
	);
	const notes = versions.map((v) => {
		const engine = results[v].expressionEngine;
		return `n8n ${v}: run ${results[v].date}${engine ? ` with \`N8N_EXPRESSION_ENGINE=${engine}\`` : ''}`;
	});
	return [
		head,
		rule,
		...rows,
		'',
		`Each cell counts the e2e tests of that feature that ran (\`KIE_N8N_MATRIX=1 npm test\`; results in`,
		`\`test/fixtures/works-with.json\`). ${notes.join('; ')}.`,
	].join('\n');
}

function writeReadme() {
	const text = fs.readFileSync(README, 'utf8');
	const from = text.indexOf(START);
	const to = text.indexOf(END);
	if (from < 0 || to < from) throw new Error(`README.md has no ${START} … ${END} markers`);
	const next = `${text.slice(0, from + START.length)}\n${table()}\n${text.slice(to)}`;
	if (next !== text) fs.writeFileSync(README, next);
}

module.exports = { record, writeReadme, FEATURES };

if (require.main === module) {
	const [command, version, report, engine] = process.argv.slice(2);
	if (command === 'record') {
		if (!version || !report) {
			console.error(
				'usage: node scripts/works-with.js record <version> <jest report.json> [<engine>]',
			);
			process.exit(2);
		}
		record(version, JSON.parse(fs.readFileSync(report, 'utf8')), {
			...(engine ? { KIE_N8N_EXPRESSION_ENGINE: engine } : {}),
		});
	}
	writeReadme();
}
