// @ts-check
'use strict';
// n8n's own CLI commands (imports, publishing) on a user folder whose n8n is stopped.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { defaultLog } = require('./common');
const { ensureN8nInstalled } = require('./install');
const { n8nEnv } = require('./server');

/** @typedef {import('./common').Log} Log */

/**
 * Run `n8n <args>` (import:workflow, import:credentials, publish:workflow, export:nodes, …) for a user
 * folder whose n8n is NOT running (they share the sqlite database).
 * @param {string[]} args @param {{ userFolder: string, env?: NodeJS.ProcessEnv, log?: Log }} opts
 * @returns {Promise<{ stdout: string, stderr: string }>}
 */
async function n8nCli(args, { userFolder, env = {}, log = defaultLog }) {
	userFolder = path.resolve(userFolder);
	const inst = await ensureN8nInstalled({ log });
	fs.mkdirSync(userFolder, { recursive: true });
	return await new Promise((resolve, reject) => {
		const child = spawn(inst.nodeBin, [inst.n8nBin, ...args], {
			cwd: userFolder,
			env: n8nEnv(inst, userFolder, env),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		child.on('error', reject);
		child.on('exit', (code) => {
			if (code === 0) resolve({ stdout, stderr });
			else reject(new Error(`n8n ${args.join(' ')} failed (${code}):\n${stdout}\n${stderr}`));
		});
	});
}

/**
 * Import credentials (plaintext `data`; n8n's import encrypts it with the user folder's key, or
 * N8N_ENCRYPTION_KEY in `env`). Existing ids are overwritten. n8n must be stopped (with sqlite).
 * `env`: e.g. the database settings of a queue-mode cluster.
 * @param {string} userFolder @param {{ id: string, name: string, type: string, data: Record<string, unknown> }[]} credentials
 * @param {{ log?: Log, env?: NodeJS.ProcessEnv }} [opts]
 */
async function importCredentials(userFolder, credentials, { log = defaultLog, env = {} } = {}) {
	userFolder = path.resolve(userFolder);
	const file = path.join(userFolder, `.import-credentials-${process.pid}.json`);
	fs.mkdirSync(userFolder, { recursive: true });
	fs.writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
	try {
		await n8nCli(['import:credentials', `--input=${file}`], { userFolder, env, log });
	} finally {
		fs.rmSync(file, { force: true });
	}
}

/**
 * Import workflows (each needs an `id`) and publish them so their production webhooks are live once
 * n8n starts. `publish`: true = every workflow, 'fromJson' = those with `active: true`, false = none.
 * n8n must be stopped (with sqlite). `env`: as for importCredentials.
 * @param {string} userFolder @param {any[]} workflows
 * @param {{ publish?: boolean | 'fromJson', log?: Log, env?: NodeJS.ProcessEnv }} [opts]
 */
async function importWorkflows(
	userFolder,
	workflows,
	{ publish = true, log = defaultLog, env = {} } = {},
) {
	userFolder = path.resolve(userFolder);
	if (!workflows.length) return;
	for (const w of workflows)
		if (!w.id)
			throw new Error(`workflow "${w.name}" has no id: give every imported workflow a fixed id`);
	const file = path.join(userFolder, `.import-workflows-${process.pid}.json`);
	fs.mkdirSync(userFolder, { recursive: true });
	fs.writeFileSync(
		file,
		JSON.stringify(workflows.map((w) => ({ active: false, settings: {}, connections: {}, ...w }))),
	);
	try {
		await n8nCli(['import:workflow', `--input=${file}`], { userFolder, env, log });
	} finally {
		fs.rmSync(file, { force: true });
	}
	const publishArgs = await publishCommand();
	for (const w of workflows) {
		if (publish === true || (publish === 'fromJson' && w.active)) {
			await n8nCli([...publishArgs, `--id=${w.id}`], { userFolder, env, log });
		}
	}
}

/**
 * How this n8n turns a workflow's production webhooks on: `publish:workflow` (n8n 2.x), else
 * `update:workflow --active=true` (n8n 1.x has no publishing), found by the command's presence.
 * @returns {Promise<string[]>}
 */
async function publishCommand() {
	const inst = await ensureN8nInstalled({ log: () => {} });
	const commands = path.join(inst.installDir, 'node_modules', 'n8n', 'dist', 'commands');
	return fs.existsSync(path.join(commands, 'publish', 'workflow.js'))
		? ['publish:workflow']
		: ['update:workflow', '--active=true'];
}

module.exports = { n8nCli, importCredentials, importWorkflows };
