// `npm run bench [-- --no-write] [-- --skip=binary-modes] [-- --only=batch,batch-market,batch-catalogue,batch-mixed,polling,download,callback,trigger,trigger-lazy,callback-1000,binary-modes]`: measures the figures of
// docs/design.md "The numbers to reach" against the KIE simulator (and real n8n where the figure is about
// n8n), prints value, limit and ratio for each, and writes bench/RESULTS.md. Progress goes to stderr,
// the results to stdout. Nothing here asserts: a goal not met is a figure to read, not a failure.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { benchBatch } from './batch';
import { benchBatchCatalogue, benchBatchMarket, benchBatchMixed } from './batch-market';
import { benchBinaryModes, binaryModesSection, renderBinaryModes } from './binary-modes';
import { benchDownload } from './download';
import { benchN8n, benchTriggerLazySandbox, N8N_TITLES, TRIGGER_LAZY_TITLE } from './n8n';
import { benchCallback1000, CALLBACK_1000_TITLE } from './n8n-callback-1000';
import { benchPolling } from './polling';
import {
	describeMachine,
	machineLines,
	progress,
	renderResults,
	type ScenarioReport,
} from './report';

const ENGINE_SCENARIOS: Record<string, { title: string; run: () => Promise<ScenarioReport> }> = {
	batch: { title: '1. Batch', run: benchBatch },
	'batch-market': { title: '1m. Batch, Market API', run: benchBatchMarket },
	'batch-catalogue': {
		title: '1k. Batch, a catalogue model (Kling 2.6)',
		run: benchBatchCatalogue,
	},
	'batch-mixed': { title: '1x. Batch, legacy + Market', run: benchBatchMixed },
	polling: { title: '2. Polling', run: benchPolling },
	download: { title: '5. Download', run: benchDownload },
};
/** Measured together on one real n8n. */
const N8N_SCENARIOS = ['callback', 'trigger'] as const;
/** Real n8n in each binary-data mode (one n8n per mode), its own section of the results. */
const BINARY_MODES = 'binary-modes';
/** Each on a real n8n of its own. */
const OWN_N8N_SCENARIOS: Record<string, { title: string; run: () => Promise<ScenarioReport> }> = {
	'callback-1000': { title: CALLBACK_1000_TITLE, run: benchCallback1000 },
	'trigger-lazy': { title: TRIGGER_LAZY_TITLE, run: benchTriggerLazySandbox },
};
const ALL = [
	...Object.keys(ENGINE_SCENARIOS),
	...N8N_SCENARIOS,
	...Object.keys(OWN_N8N_SCENARIOS),
	BINARY_MODES,
];

const REPO_ROOT = path.resolve(__dirname, '..');

async function main(): Promise<number> {
	const args = process.argv.slice(2);
	const write = !args.includes('--no-write');
	const onlyArg = args.find((arg) => arg.startsWith('--only='));
	const skipArg = args.find((arg) => arg.startsWith('--skip='));
	const skipped = skipArg ? skipArg.slice('--skip='.length).split(',') : [];
	const selected = (onlyArg ? onlyArg.slice('--only='.length).split(',') : ALL).filter(
		(name) => !skipped.includes(name),
	);
	const unknown = [...selected, ...skipped].filter((name) => !ALL.includes(name));
	if (unknown.length)
		throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${ALL.join(', ')}`);
	const onN8n = N8N_SCENARIOS.filter((name) => selected.includes(name));
	const binaryModes = selected.includes(BINARY_MODES);

	const machine = describeMachine();
	for (const line of machineLines(machine)) progress(line);

	if (onN8n.length || binaryModes || selected.some((name) => name in OWN_N8N_SCENARIOS)) {
		// real n8n installs the package from dist/ (the engine figures load the sources)
		progress('building the package (npm run build) for real n8n…');
		const build = spawnSync('npm', ['run', 'build', '--silent'], {
			cwd: REPO_ROOT,
			stdio: ['ignore', process.stderr, process.stderr],
		});
		if (build.status !== 0) throw new Error('npm run build failed');
	}

	const reports: ScenarioReport[] = [];
	let failures = 0;
	const failed = (title: string, error: unknown): ScenarioReport => {
		failures += 1;
		progress(`${title}: FAILED: ${(error as Error).stack ?? error}`);
		return { title, figures: [], notes: [`FAILED, no figures: ${(error as Error).message}`] };
	};
	for (const name of selected.filter((name) => name in ENGINE_SCENARIOS)) {
		const scenario = ENGINE_SCENARIOS[name];
		reports.push(await scenario.run().catch((error) => failed(scenario.title, error)));
	}
	if (onN8n.length) {
		const outcomes = await benchN8n(onN8n).catch((error) =>
			onN8n.map((name) => ({ name, outcome: error as Error })),
		);
		for (const { name, outcome } of outcomes)
			reports.push(outcome instanceof Error ? failed(N8N_TITLES[name], outcome) : outcome);
	}
	for (const name of selected.filter((name) => name in OWN_N8N_SCENARIOS)) {
		const scenario = OWN_N8N_SCENARIOS[name];
		reports.push(await scenario.run().catch((error) => failed(scenario.title, error)));
	}
	reports.sort((a, b) => a.title.localeCompare(b.title));
	const binaryRows = binaryModes
		? await benchBinaryModes().catch((error) => {
				failed('7. Binary data modes', error);
				return null;
			})
		: null;
	if (binaryRows?.some((row) => row.outcome.startsWith('could not run'))) failures += 1;

	machine.loadAfter = os.loadavg();
	const resultsFile = path.join(__dirname, 'RESULTS.md');
	const previousResults = fs.existsSync(resultsFile) ? fs.readFileSync(resultsFile, 'utf8') : '';
	const binarySection = binaryRows
		? renderBinaryModes(machine, binaryRows, binaryModesSection(previousResults))
		: '';
	// Every scenario ran but maybe binary-modes (about 50 min of its own): its section is kept.
	const everyMainScenario = ALL.every((name) => name === BINARY_MODES || selected.includes(name));
	if (everyMainScenario) {
		const keptBinary = binarySection || binaryModesSection(previousResults) || '';
		const results = `${renderResults(machine, reports)}\n${keptBinary}`;
		process.stdout.write(`\n${results}\n`);
		if (write) {
			fs.writeFileSync(resultsFile, `${results}\n`);
			progress('wrote bench/RESULTS.md');
		}
		return failures ? 1 : 0;
	}
	if (reports.length) process.stdout.write(`\n${renderResults(machine, reports)}\n`);
	if (binarySection) process.stdout.write(`\n${binarySection}\n`);
	if (write && binaryRows) {
		// The binary-modes section stands alone: a run of it alone replaces only that section.
		fs.writeFileSync(resultsFile, spliceSection(previousResults, binarySection));
		progress(
			'bench/RESULTS.md: replaced its binary-modes section (the other sections need a full run)',
		);
	} else if (write) {
		progress('bench/RESULTS.md not written: only some scenarios ran (--only)');
	}
	return failures ? 1 : 0;
}

/** The results text with its binary-modes section replaced, or appended. */
function spliceSection(results: string, section: string): string {
	const previous = binaryModesSection(results);
	return previous
		? results.replace(previous, () => section)
		: `${results.trimEnd()}\n\n${section}\n`;
}

main().then(
	(code) => process.exit(code),
	(error) => {
		process.stderr.write(`bench: ${(error as Error).stack ?? error}\n`);
		process.exit(1);
	},
);
