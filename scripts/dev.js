#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm run dev`: the edit loop. `tsc --watch` rebuilds dist/ as you save, and a real n8n (the cached
 * 2.40.7 of `npm start`) with N8N_DEV_RELOAD=true reloads the nodes whenever dist/ changes.
 *
 *   1. installs n8n into the cache (first run only), as `npm start` does;
 *   2. starts `tsc --watch` and waits for its first build; copies icons and codex files (gulp);
 *   3. links this checkout into the dev n8n user folder as its community package n8n-nodes-kie-video
 *      (a symlink, as `npm link` makes), so n8n loads dist/ in place under the real type names;
 *   4. starts the KIE simulator (unless KIE_API_KEY is set), imports its credential and the examples;
 *   5. starts n8n and prints the URLs. Ctrl-C stops tsc, n8n and the simulator.
 *
 * n8n's reload watches the linked package's whole folder, this checkout, and would see its own
 * writes if its user folder were inside it: so the dev user folder lives in the cache, one per
 * checkout (npm start's ./.n8n-dev is not used). Icons and codex files (*.node.json) are copied once;
 * restart after changing them.
 *
 * Environment as for `npm start`: KIE_API_KEY, KIE_WEBHOOK_HMAC_KEY, N8N_PORT, N8N_OWNER_EMAIL /
 * N8N_OWNER_PASSWORD, KIE_N8N_CACHE, KIE_N8N_VERBOSE=1 (echo n8n's whole log).
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { spawn, spawnSync } = require('node:child_process');
const host = require('./lib/n8n-host');
const dev = require('./lib/dev-instance');

const ROOT = host.REPO_ROOT;
const USER_FOLDER = path.join(
	host.cacheRoot(),
	`dev-${crypto.createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`,
);
const PORT = Number(process.env.N8N_PORT || 5678);
const SIM = { host: '127.0.0.1', port: 8787, uploadPort: 8788, taskDurationMs: 20000 };
const PACKAGE_NAME = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).name;

/** @param {string} line */
const say = (line) => console.log(`[dev] ${line}`);

/**
 * `tsc --watch` on the build config, its output prefixed; resolves once the first build is done.
 * @returns {Promise<import('node:child_process').ChildProcess>}
 */
function startTscWatch() {
	say('tsc --watch: first build…');
	const tsc = spawn(
		process.execPath,
		[
			require.resolve('typescript/bin/tsc'),
			'--watch',
			'--preserveWatchOutput',
			'-p',
			'tsconfig.json',
		],
		// Own process group: Ctrl-C reaches this script, which stops tsc itself.
		{ cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
	);
	host.killGroupOnExit(tsc);
	return new Promise((resolve, reject) => {
		let built = false;
		readline
			.createInterface({ input: /** @type {NodeJS.ReadableStream} */ (tsc.stdout) })
			.on('line', (line) => {
				if (line.trim()) console.log(`[tsc] ${line}`);
				// "Found 0 errors. Watching for file changes." ends every build.
				if (!built && /Watching for file changes/.test(line)) {
					built = true;
					if (!/Found 0 errors/.test(line))
						say('the first build has errors (above); n8n gets what dist/ holds.');
					resolve(tsc);
				}
			});
		tsc.on('exit', (code) => {
			if (!built) reject(new Error(`tsc --watch exited (${code}) before its first build`));
		});
	});
}

function copyStaticFiles() {
	const gulp = spawnSync(
		process.execPath,
		[path.join(path.dirname(require.resolve('gulp')), 'bin', 'gulp.js'), 'build:icons'],
		{
			cwd: ROOT,
			stdio: 'ignore',
		},
	);
	if (gulp.status !== 0)
		throw new Error('`gulp build:icons` failed; run `npm run build` to see why.');
}

/** This checkout as the user folder's installed community package (replacing a packed copy). */
function linkPackage() {
	const modules = path.join(USER_FOLDER, '.n8n', 'nodes', 'node_modules');
	const link = path.join(modules, PACKAGE_NAME);
	fs.mkdirSync(modules, { recursive: true });
	fs.rmSync(link, { recursive: true, force: true }); // a symlink itself, never its target
	fs.symlinkSync(ROOT, link, 'dir');
	say(`linked ${link} -> ${ROOT}`);
}

/** Prints n8n's reload lines (all of its log with KIE_N8N_VERBOSE=1, which startN8n echoes). */
function reportReloads(/** @type {import('node:child_process').ChildProcess} */ n8nProcess) {
	if (process.env.KIE_N8N_VERBOSE === '1' || !n8nProcess.stdout) return;
	readline.createInterface({ input: n8nProcess.stdout }).on('line', (line) => {
		if (/Hot reload/.test(line)) say(`n8n: ${line.trim()}`);
	});
}

async function main() {
	const inst = await host.ensureN8nInstalled({ log: say });
	say(`n8n 2.40.7 ready in ${inst.installDir}`);

	/** @type {import('node:child_process').ChildProcess | undefined} */
	let tsc;
	/** @type {Awaited<ReturnType<typeof dev.startSimulator>>} */
	let sim;
	/** @type {Awaited<ReturnType<typeof host.startN8n>> | undefined} */
	let n8n;
	let stopping = false;
	const stopTsc = () => {
		try {
			if (tsc?.pid && tsc.exitCode === null) process.kill(-tsc.pid, 'SIGTERM');
		} catch {
			/* gone */
		}
	};
	const shutdown = async (/** @type {number} */ code) => {
		if (stopping) return;
		stopping = true;
		say('stopping…');
		stopTsc();
		await n8n?.stop().catch(() => {});
		await sim?.close().catch(() => {});
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	try {
		tsc = await startTscWatch();
		copyStaticFiles();
		linkPackage();

		const apiKey = process.env.KIE_API_KEY;
		sim = apiKey ? undefined : await dev.startSimulator(SIM, { log: say });
		const credential = apiKey
			? dev.liveCredential(apiKey, process.env.KIE_WEBHOOK_HMAC_KEY)
			: sim
				? dev.simulatorCredential(sim)
				: undefined;
		if (credential) {
			await host.importCredentials(USER_FOLDER, [credential], { log: say });
			say(`credential "${credential.name}" (type kieApi, id ${credential.id}) is in place`);
		}
		await dev.importNewExamples(USER_FOLDER, credential || dev.SIMULATOR_CREDENTIAL_REF, {
			log: say,
		});

		say(`starting n8n on port ${PORT} with N8N_DEV_RELOAD=true…`);
		n8n = await host.startN8n({
			userFolder: USER_FOLDER,
			port: PORT,
			env: { N8N_DEV_RELOAD: 'true' },
			echo: process.env.KIE_N8N_VERBOSE === '1',
			log: say,
		});
	} catch (e) {
		stopTsc();
		await sim?.close().catch(() => {});
		throw e;
	}
	reportReloads(n8n.process);
	n8n.process.on('exit', (code) => {
		if (stopping) return;
		say(`n8n exited (${code}); its log: ${n8n?.logFile}`);
		void shutdown(code || 1);
	});
	tsc.on('exit', (code) => {
		if (stopping) return;
		say(`tsc --watch exited (${code})`);
		void shutdown(code || 1);
	});

	const line = '─'.repeat(72);
	console.log(`\n${line}`);
	console.log(`  n8n editor:   http://localhost:${PORT}  (reloads the nodes when dist/ changes)`);
	console.log(`  login:        ${n8n.owner.email}  /  ${n8n.owner.password}`);
	if (sim) {
		console.log(
			`  KIE simulator: API ${sim.baseUrl}  uploads ${sim.uploadBaseUrl}  (API key "${dev.SIMULATOR_API_KEY}")`,
		);
		console.log('  credential:   "KIE (simulator)" — no credits spent');
	} else if (process.env.KIE_API_KEY) {
		console.log('  credential:   "KIE" — real KIE: tasks spend credits');
	}
	console.log('  edit nodes/ or credentials/: tsc rebuilds dist/, n8n reloads, refresh the editor');
	console.log(`  n8n user folder: ${USER_FOLDER}`);
	console.log(`  n8n log:      ${n8n.logFile}`);
	console.log('  Ctrl-C stops tsc, n8n' + (sim ? ' and the simulator.' : '.'));
	console.log(`${line}\n`);
}

main().catch((e) => {
	console.error(`[dev] ${e instanceof Error ? e.message : e}`);
	process.exit(1);
});
