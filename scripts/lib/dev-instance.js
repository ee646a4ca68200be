// @ts-check
'use strict';
/**
 * The pieces of a local n8n "with everything" that `npm start` and `npm run screenshots` share:
 * this package built and installed into an n8n user folder, the KIE simulator, a KIE credential
 * (simulator or real KIE), and the example workflows imported with that credential.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const host = require('./n8n-host');

const ROOT = host.REPO_ROOT;
const SIMULATOR_API_KEY = 'sim-key';
/** Fixed ids, so a restart refreshes the same credential that the imported examples point at. */
const CREDENTIAL_IDS = { simulator: 'kieSimulator0001', live: 'kieLiveApiKey001' };
/** What the examples point at when there is no credential to import (no simulator, no key). */
const SIMULATOR_CREDENTIAL_REF = { id: CREDENTIAL_IDS.simulator, name: 'KIE (simulator)' };

/** @typedef {{ id: string, name: string, type: string, data: Record<string, unknown> }} CredentialImport */
/** @typedef {(line: string) => void} Log */

/**
 * `npm run build`, then the packed package into `<userFolder>/.n8n/nodes` the way n8n installs a
 * community package. @param {string} userFolder @param {{ log: Log }} opts
 */
function buildAndInstallPackage(userFolder, { log }) {
	log('building n8n-nodes-kie-video (npm run build)…');
	const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
	if (build.status !== 0)
		throw new Error('`npm run build` failed (see above); fix the build and run again.');
	const pkg = host.installPackageInto(userFolder, ROOT, { build: false, log });
	log(`installed ${pkg.name}@${pkg.version} into ${path.relative(ROOT, pkg.dir) || pkg.dir}`);
	return pkg;
}

/**
 * The KIE simulator, or undefined when this checkout has none.
 * @param {{ host: string, port: number, uploadPort: number, taskDurationMs: number }} options
 * @param {{ log: Log }} opts
 * @returns {Promise<any | undefined>}
 */
async function startSimulator(options, { log }) {
	let mod;
	try {
		mod = require('../../simulator');
	} catch (e) {
		if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'MODULE_NOT_FOUND') throw e;
	}
	if (!mod || typeof mod.createSimulator !== 'function') {
		log('The KIE simulator (simulator/) is not available in this checkout.');
		return undefined;
	}
	try {
		return await mod.createSimulator({ ...options, apiKeys: [SIMULATOR_API_KEY] });
	} catch (e) {
		const err = /** @type {NodeJS.ErrnoException} */ (e);
		if (err.code === 'EADDRINUSE') {
			const inUse = new Error(
				`The KIE simulator's ports ${options.port}/${options.uploadPort} are in use (another \`npm start\` or \`npm run simulator\`?). Stop it and try again.`,
			);
			throw Object.assign(inUse, { code: err.code });
		}
		throw e;
	}
}

/**
 * The credential "KIE (simulator)" for a running simulator.
 * @param {{ baseUrl: string, uploadBaseUrl: string }} sim @returns {CredentialImport}
 */
function simulatorCredential(sim) {
	return {
		...SIMULATOR_CREDENTIAL_REF,
		type: 'kieApi',
		data: { apiKey: SIMULATOR_API_KEY, baseUrl: sim.baseUrl, uploadBaseUrl: sim.uploadBaseUrl },
	};
}

/**
 * The credential "KIE" for real KIE. @param {string} apiKey @param {string} [webhookHmacKey]
 * @returns {CredentialImport}
 */
function liveCredential(apiKey, webhookHmacKey) {
	return {
		id: CREDENTIAL_IDS.live,
		name: 'KIE',
		type: 'kieApi',
		data: {
			apiKey,
			baseUrl: 'https://api.kie.ai',
			uploadBaseUrl: 'https://kieai.redpandaai.co',
			...(webhookHmacKey ? { webhookHmacKey } : {}),
		},
	};
}

/** A stable n8n-style id (16 alphanumerics) for an example workflow without one. @param {string} s */
function stableId(s) {
	return crypto
		.createHash('sha256')
		.update(s)
		.digest('base64')
		.replace(/[^A-Za-z0-9]/g, '')
		.slice(0, 16);
}

/**
 * Example workflows (examples/*.json), with every `kieApi` credential reference pointed at the given one.
 * @param {{ id: string, name: string }} credential @returns {any[]}
 */
function loadExamples(credential) {
	const dir = path.join(ROOT, 'examples');
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => {
			const wf = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
			wf.id = wf.id || stableId(`example:${f}`);
			for (const node of wf.nodes || []) {
				if (node.credentials && node.credentials.kieApi)
					node.credentials.kieApi = { id: credential.id, name: credential.name };
			}
			return wf;
		});
}

/**
 * Imports the examples that are not in the user folder's n8n yet (the user's own edits are never
 * overwritten), published when their JSON says `active: true`. n8n must be stopped.
 * @param {string} userFolder @param {{ id: string, name: string }} credential @param {{ log: Log }} opts
 * @returns {Promise<any[]>} the examples now in n8n (imported before or now)
 */
async function importNewExamples(userFolder, credential, { log }) {
	const examples = loadExamples(credential);
	if (!examples.length) return examples;
	const existing = new Set(
		(await host.sqliteQuery(userFolder, 'SELECT id FROM workflow_entity')).map((r) => r.id),
	);
	const fresh = examples.filter((w) => !existing.has(w.id));
	if (fresh.length) {
		log(`importing ${fresh.length} example workflow(s): ${fresh.map((w) => w.name).join(', ')}`);
		await host.importWorkflows(userFolder, fresh, { publish: 'fromJson', log });
	}
	return examples;
}

module.exports = {
	buildAndInstallPackage,
	startSimulator,
	simulatorCredential,
	liveCredential,
	loadExamples,
	importNewExamples,
	SIMULATOR_API_KEY,
	SIMULATOR_CREDENTIAL_REF,
};
