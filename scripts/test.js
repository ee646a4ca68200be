#!/usr/bin/env node
// `npm test`: builds the package, type-checks everything, then runs every test layer against the KIE simulator:
// unit + engine (n8n-core's engine, in parallel), then e2e (real n8n, one file at a time).
// Ends with the totals on a line of their own ("N passed, M failed") and a non-zero exit on failure.
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const worksWith = require('./works-with');

const root = path.resolve(__dirname, '..');
const jestBin = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const extraArgs = process.argv.slice(2);

function pinnedN8nVersion() {
	const host = JSON.parse(
		fs.readFileSync(path.join(root, 'test', 'n8n-host', 'package.json'), 'utf8'),
	);
	return host.dependencies.n8n;
}

function startPreinstall() {
	const logFile = path.join(os.tmpdir(), `kie-n8n-preinstall-${process.pid}.log`);
	const out = fs.openSync(logFile, 'a');
	const child = spawn(
		process.execPath,
		[
			path.join(root, 'scripts', 'lib', 'n8n-host', 'preinstall.js'),
			'pinned',
			...MATRIX.map((m) => m.version),
		],
		{ cwd: root, stdio: ['ignore', out, out] },
	);
	fs.closeSync(out);
	console.log(
		`n8n installs for the matrix run in the background (pid ${child.pid}, log ${logFile})`,
	);
	return child;
}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
	return result.status ?? 1;
}

// KIE_N8N_MATRIX=1: after the full suite on the pinned n8n, the e2e files that cover poll, callback
// mode (and its resume after a restart), forged resumes, the trigger, Get, binary download and
// upload and n8n's credential test, on n8n's 1.x line and the newest installable 2.x, one version
// after another (each n8n is installed once into the shared cache).
// Anchored: kie-trigger-answer (1 GiB results, more than 1.x's default in-memory mode holds) is not one.
const MATRIX_FILES = '/(kie-node|kie-callbacks|kie-restart|kie-trigger|forged-resume)\\.test\\.ts$';
// Of those files, every test but kie-restart's wait for n8n's own backstop (time limit + 5 min, about
// 6.5 min per version): resume after a restart is its first test; Get is covered by kie-node.
const MATRIX_TESTS = "^(?!.*the run ends at n8n's backstop)";
const LAZY_SANDBOX_FILES = '/(kie-callbacks|kie-trigger)\\.test\\.ts$';
const MATRIX = [
	// 1.x offers nodes the execution's custom data (callback mode) only with its legacy expression engine.
	{ version: '1.123.81', env: { KIE_N8N_EXPRESSION_ENGINE: 'legacy' } },
	{ version: '2.41.1', env: {} },
];
// With the matrix, every n8n it needs is installed in the background from the start (the pinned one
// first), one after the other, while the build and the unit and engine tests run; a phase that needs
// a version still being installed waits for it (the install lock).
const preinstall = process.env.KIE_N8N_MATRIX ? startPreinstall() : undefined;
// Installs still running when the tests end early (a failed build) are ended; each cleans up after itself.
process.on('exit', () => {
	if (preinstall && preinstall.exitCode === null) preinstall.kill('SIGTERM');
});

if (run('npm', ['run', 'build', '--silent']) !== 0) {
	console.error('The build failed; no tests were run.');
	console.log('0 passed, 1 failed');
	process.exit(1);
}

// The tests themselves are type-checked too (ts-jest compiles each file in isolation and would not).
if (
	run(process.execPath, [
		path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
		'-p',
		'tsconfig.test.json',
	]) !== 0
) {
	console.error('Type errors in the code or the tests; no tests were run.');
	console.log('0 passed, 1 failed');
	process.exit(1);
}

/** @type {{ name: string, args: string[], env?: Record<string, string>, worksWith?: string }[]} */
const phases = [
	{ name: 'unit + engine', args: ['--selectProjects', 'unit', 'engine'] },
	// worksWith: the phase's results feed the README's "Works with" table (scripts/works-with.js).
	{
		name: 'e2e (real n8n)',
		args: ['--selectProjects', 'e2e', '--runInBand'],
		worksWith: pinnedN8nVersion(),
	},
];

if (process.env.KIE_N8N_MATRIX) {
	// The README suggests n8n's lazy expression sandbox to users with many callbacks: the trigger and
	// callback mode are run with it on the pinned n8n too (not a "Works with" column of its own).
	phases.push({
		name: 'e2e, trigger and callback mode, with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true',
		args: ['--selectProjects', 'e2e', '--runInBand', '--testPathPatterns', LAZY_SANDBOX_FILES],
		env: { KIE_N8N_LAZY_SANDBOX: '1' },
	});
	for (const { version, env } of MATRIX) {
		phases.push({
			name: `e2e on n8n ${version}`,
			args: [
				'--selectProjects',
				'e2e',
				'--runInBand',
				'--testPathPatterns',
				MATRIX_FILES,
				'--testNamePattern',
				MATRIX_TESTS,
			],
			env: { KIE_N8N_VERSION: version, ...env },
			worksWith: version,
		});
	}
}

let passed = 0;
let failed = 0;
let exitCode = 0;
for (const phase of phases) {
	const report = path.join(
		os.tmpdir(),
		`kie-jest-${process.pid}-${phase.name.replace(/\W+/g, '-')}.json`,
	);
	console.log(`\n=== ${phase.name} ===`);
	// process.execPath is Node 24 here: npm puts node_modules/.bin (the `node` package) first.
	const t0 = Date.now();
	const status = run(
		process.execPath,
		[jestBin, ...phase.args, '--json', `--outputFile=${report}`, ...extraArgs],
		{ env: { ...process.env, ...phase.env } },
	);
	console.log(`=== ${phase.name}: ${Math.round((Date.now() - t0) / 1000)} s ===`);
	if (status !== 0) exitCode = 1;
	try {
		const totals = JSON.parse(fs.readFileSync(report, 'utf8'));
		passed += totals.numPassedTests;
		failed += totals.numFailedTests;
		// A suite that failed to run (syntax error, crash in beforeAll) counts as a failure too.
		failed += totals.testResults.filter(
			(suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
		).length;
		// Only a whole matrix run (no extra jest arguments) rewrites the recorded results.
		if (phase.worksWith && process.env.KIE_N8N_MATRIX && !extraArgs.length)
			worksWith.record(phase.worksWith, totals, phase.env ?? {});
		fs.rmSync(report, { force: true });
	} catch {
		console.error(`No jest report for ${phase.name}.`);
		failed += 1;
		exitCode = 1;
	}
}

if (process.env.KIE_N8N_MATRIX && !extraArgs.length) worksWith.writeReadme();
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(exitCode || (failed > 0 ? 1 : 0));
