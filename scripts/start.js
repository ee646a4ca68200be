#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * `npm start`: a real n8n (2.40.7, Node 24) on http://localhost:5678 with this package installed, the
 * KIE simulator (or real KIE when KIE_API_KEY is set), a KIE credential, and the example workflows.
 *
 *   1. installs n8n into a cache outside the repo (first run only, a few minutes, with progress);
 *   2. builds this package and installs it into the n8n user folder ./.n8n-dev (kept between runs,
 *      so your workflows and credentials persist);
 *   3. starts the KIE simulator on 127.0.0.1:8787 (API) and :8788 (uploads), unless KIE_API_KEY is set;
 *   4. imports or refreshes the credential "KIE (simulator)" (or "KIE" for real KIE);
 *   5. imports examples/*.json that are not in n8n yet (their KIE credential set to the one above);
 *   6. starts n8n and prints the editor URL and the owner login. Ctrl-C stops n8n and the simulator.
 *
 * Environment: KIE_API_KEY, KIE_WEBHOOK_HMAC_KEY (real KIE), N8N_PORT (default 5678),
 * N8N_OWNER_EMAIL / N8N_OWNER_PASSWORD (the login; defaults owner@example.com / KieVideo-Owner-1),
 * KIE_N8N_CACHE (where n8n is installed), KIE_N8N_VERBOSE=1 (echo n8n's log), other N8N_* settings
 * are passed to n8n.
 */
const path = require('node:path');
const host = require('./lib/n8n-host');
const dev = require('./lib/dev-instance');

const ROOT = host.REPO_ROOT;
const USER_FOLDER = path.join(ROOT, '.n8n-dev');
const PORT = Number(process.env.N8N_PORT || 5678);
const SIM = { host: '127.0.0.1', port: 8787, uploadPort: 8788, taskDurationMs: 20000 };

/** @param {string} line */
const say = (line) => console.log(`[start] ${line}`);

/** Settings of the person's own (N8N_*) that n8n should get; the ones this script controls are left out. */
function passThroughEnv() {
	/** @type {NodeJS.ProcessEnv} */
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (!k.startsWith('N8N_')) continue;
		if (/^N8N_(USER_FOLDER|PORT|OWNER_|INSTANCE_OWNER_|LISTEN_ADDRESS|HOST)/.test(k)) continue;
		env[k] = v;
	}
	return env;
}

async function main() {
	// (a) n8n itself.
	const inst = await host.ensureN8nInstalled({ log: say });
	say(`n8n 2.40.7 ready in ${inst.installDir}`);

	// (b) this package, freshly built, into ./.n8n-dev.
	dev.buildAndInstallPackage(USER_FOLDER, { log: say });

	// (c) KIE: the simulator unless a real key is given.
	const apiKey = process.env.KIE_API_KEY;
	const sim = apiKey ? undefined : await dev.startSimulator(SIM, { log: say });
	if (!apiKey && !sim) say('Starting n8n without it; set KIE_API_KEY to use real KIE instead.');
	const credential = apiKey
		? dev.liveCredential(apiKey, process.env.KIE_WEBHOOK_HMAC_KEY)
		: sim
			? dev.simulatorCredential(sim)
			: undefined;

	/** @type {Awaited<ReturnType<typeof host.startN8n>> | undefined} */
	let n8n;
	let stopping = false;
	const shutdown = async (/** @type {number} */ code) => {
		if (stopping) return;
		stopping = true;
		say('stopping…');
		await n8n?.stop().catch(() => {});
		await sim?.close().catch(() => {});
		process.exit(code);
	};
	process.on('SIGINT', () => void shutdown(0));
	process.on('SIGTERM', () => void shutdown(0));

	try {
		// (d) the credential (refreshed every start: the simulator's URLs or the key may have changed).
		if (credential) {
			await host.importCredentials(USER_FOLDER, [credential], { log: say });
			say(`credential "${credential.name}" (type kieApi, id ${credential.id}) is in place`);
		}

		// (e) example workflows not in n8n yet (yours, and your edits to examples, are never overwritten).
		await dev.importNewExamples(USER_FOLDER, credential || dev.SIMULATOR_CREDENTIAL_REF, {
			log: say,
		});

		// (f) n8n.
		say(`starting n8n on port ${PORT}…`);
		n8n = await host.startN8n({
			userFolder: USER_FOLDER,
			port: PORT,
			env: passThroughEnv(),
			echo: process.env.KIE_N8N_VERBOSE === '1',
			log: say,
		});
	} catch (e) {
		await sim?.close().catch(() => {});
		throw e;
	}
	n8n.process.on('exit', (code) => {
		if (stopping) return;
		say(`n8n exited (${code}); its log: ${n8n?.logFile}`);
		void shutdown(code || 1);
	});

	const line = '─'.repeat(72);
	console.log(`\n${line}`);
	console.log(`  n8n editor:   http://localhost:${PORT}`);
	console.log(`  login:        ${n8n.owner.email}  /  ${n8n.owner.password}`);
	if (sim) {
		console.log(
			`  KIE simulator: API ${sim.baseUrl}  uploads ${sim.uploadBaseUrl}  (API key "${dev.SIMULATOR_API_KEY}")`,
		);
		console.log(
			`  credential:   "KIE (simulator)" — tasks finish after ~${SIM.taskDurationMs / 1000} s, no credits spent`,
		);
	} else if (apiKey) {
		console.log('  credential:   "KIE" — real KIE: tasks spend credits');
	}
	console.log(`  n8n user folder: ${USER_FOLDER} (kept between runs)`);
	console.log(`  n8n log:      ${n8n.logFile}`);
	console.log('  Ctrl-C stops n8n' + (sim ? ' and the simulator.' : '.'));
	console.log(`${line}\n`);
}

main().catch((e) => {
	console.error(`[start] ${e instanceof Error ? e.message : e}`);
	process.exit(1);
});
