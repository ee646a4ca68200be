#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm run scan`: what n8n's community-package scanner (@n8n/scan-community-package, pinned in
 * scripts/scanner-host) checks that can run before publishing — its ESLint pass, with its own config
 * and plugin versions and inline eslint-disable comments ignored, over
 *   1. the source (package.json, nodes/, credentials/), and
 *   2. the files of the packed tarball (`npm pack`, as published: compiled .js and package.json).
 * Its provenance check needs a published version, so it runs only after a release
 * (`npx @n8n/scan-community-package n8n-nodes-kie-video`).
 *
 * The scanner pins TypeScript 7, which its own TypeScript-ESLint parser cannot load; the host's
 * `overrides` pin TypeScript 5.9 instead. It is installed once into the cache beside n8n's.
 *
 * Usage: node scripts/scan.js [packageDir] [--source-only]   (default: this repository, both legs)
 */
const { spawnSync, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { cacheRoot, REPO_ROOT } = require('./lib/n8n-host');

const SCANNER_HOST = path.join(__dirname, 'scanner-host');

/** @param {string} line */
const log = (line) => process.stderr.write(`[scan] ${line}\n`);

/** Install the pinned scanner into the cache once (atomic: a finished install is renamed into place). */
function ensureScannerInstalled() {
	const hash = crypto.createHash('sha256');
	for (const f of ['package.json', 'package-lock.json'])
		hash.update(fs.readFileSync(path.join(SCANNER_HOST, f)));
	const installDir = path.join(cacheRoot(), `scanner-${hash.digest('hex').slice(0, 12)}`);
	const scannerModule = path.join(
		installDir,
		'node_modules',
		'@n8n',
		'scan-community-package',
		'scanner',
		'scanner.mjs',
	);
	if (fs.existsSync(path.join(installDir, '.complete'))) return scannerModule;

	const tmp = `${installDir}.tmp-${process.pid}`;
	fs.rmSync(tmp, { recursive: true, force: true });
	fs.mkdirSync(tmp, { recursive: true });
	for (const f of ['package.json', 'package-lock.json'])
		fs.copyFileSync(path.join(SCANNER_HOST, f), path.join(tmp, f));
	log(`installing the scanner into ${installDir} (first run only)…`);
	// --ignore-scripts: nothing in it needs a build step, and install scripts are not run from a cache.
	const res = spawnSync(
		'npm',
		['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
		{
			cwd: tmp,
			encoding: 'utf8',
			env: { ...process.env, npm_config_yes: 'true' },
		},
	);
	if (res.status !== 0) {
		fs.rmSync(tmp, { recursive: true, force: true });
		throw new Error(`installing the scanner failed:\n${res.stdout}\n${res.stderr}`);
	}
	fs.writeFileSync(path.join(tmp, '.complete'), new Date().toISOString() + '\n');
	try {
		fs.renameSync(tmp, installDir);
	} catch {
		// Another process finished first: use its copy.
		fs.rmSync(tmp, { recursive: true, force: true });
	}
	return scannerModule;
}

/**
 * `npm pack` packageDir (its prepack build runs) and extract the tarball; returns the extracted folder.
 * @param {string} packageDir @param {string} workDir
 */
function packAndExtract(packageDir, workDir) {
	const res = spawnSync('npm', ['pack', '--json', '--pack-destination', workDir], {
		cwd: packageDir,
		encoding: 'utf8',
		env: { ...process.env, npm_config_yes: 'true' },
		maxBuffer: 64 << 20,
	});
	if (res.status !== 0) throw new Error(`npm pack failed:\n${res.stdout}\n${res.stderr}`);
	const tarball = fs.readdirSync(workDir).find((f) => f.endsWith('.tgz'));
	if (!tarball) throw new Error('npm pack wrote no tarball');
	const extracted = path.join(workDir, 'package');
	execFileSync('tar', ['-xzf', path.join(workDir, tarball), '-C', workDir]);
	return extracted;
}

/**
 * Run the scanner's ESLint legs over a package folder. Returns one result per leg.
 * @param {string} packageDir @param {{ tarball?: boolean }} [opts]
 * @returns {Promise<Array<{ leg: string, files: string, passed: boolean, message?: string, details?: string }>>}
 */
async function scanPackage(packageDir, { tarball = true } = {}) {
	// eslint-plugin-n8n-nodes-base swaps every file name for "Test.node.ts" when NODE_ENV is "test"
	// (as under jest), which turns its file-name rules into nonsense; it reads NODE_ENV once, at load.
	delete process.env.NODE_ENV;
	const scanner = await import(pathToFileURL(ensureScannerInstalled()).href);
	const results = [];
	// The scanner lints the source with SOURCE_FILE_PATTERNS and the tarball with compiled .js + package.json.
	const source = await scanner.analyzePackage(
		path.resolve(packageDir),
		scanner.SOURCE_FILE_PATTERNS,
	);
	results.push({ leg: 'source', files: scanner.SOURCE_FILE_PATTERNS.join(', '), ...source });
	if (tarball) {
		const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kie-scan-'));
		try {
			const extracted = packAndExtract(packageDir, work);
			const packed = await scanner.analyzePackage(extracted, ['**/*.js', 'package.json']);
			results.push({ leg: 'packed tarball', files: '**/*.js, package.json', ...packed });
		} finally {
			fs.rmSync(work, { recursive: true, force: true });
		}
	}
	return results;
}

async function main() {
	const args = process.argv.slice(2);
	const packageDir = path.resolve(args.find((a) => !a.startsWith('--')) || REPO_ROOT);
	const results = await scanPackage(packageDir, { tarball: !args.includes('--source-only') });
	let failed = false;
	for (const r of results) {
		if (r.passed) {
			console.log(`scan ${r.leg} (${r.files}): passed${r.message ? ` (${r.message})` : ''}`);
		} else {
			failed = true;
			console.log(`scan ${r.leg} (${r.files}): FAILED: ${r.message}`);
			if (r.details) console.log(r.details);
		}
	}
	process.exit(failed ? 1 : 0);
}

if (require.main === module) {
	main().catch((e) => {
		console.error(e);
		process.exit(1);
	});
}

module.exports = { scanPackage, ensureScannerInstalled };
