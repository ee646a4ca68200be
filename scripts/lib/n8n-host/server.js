// @ts-check
'use strict';
// Running n8n: `n8n start` (or `n8n worker`) in its own process group, ready when /healthz/readiness says so.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { defaultLog, delay, OWNER_EMAIL, OWNER_PASSWORD } = require('./common');
const { ensureN8nInstalled } = require('./install');
const { killGroupOnExit, exitOf, stopGroup } = require('../process-group');

/** @typedef {import('./common').Log} Log */

/** A free TCP port on 127.0.0.1. @returns {Promise<number>} */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = require('node:net').createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = /** @type {import('node:net').AddressInfo} */ (srv.address());
			srv.close(() => resolve(addr.port));
		});
	});
}

/** @type {Map<string, string>} */
const hashCache = new Map();
/**
 * bcrypt hash of a password, made with the bcryptjs that n8n itself ships (no project dependency).
 * @param {string} installDir @param {string} password
 */
function bcryptHash(installDir, password) {
	const key = `${installDir}\0${password}`;
	if (!hashCache.has(key)) {
		const bcrypt = require(path.join(installDir, 'node_modules', 'bcryptjs'));
		hashCache.set(key, bcrypt.hashSync(password, 10));
	}
	return /** @type {string} */ (hashCache.get(key));
}

/**
 * Environment shared by the server and the CLI commands.
 * @param {{ installDir: string, nodeBin: string }} inst @param {string} userFolder @param {NodeJS.ProcessEnv} [extra]
 * @returns {NodeJS.ProcessEnv}
 */
function n8nEnv(inst, userFolder, extra = {}) {
	/** @type {NodeJS.ProcessEnv} */
	const env = { ...process.env };
	// Variables of the caller's own n8n setup, or of a jest run (NODE_ENV=test makes n8n's commands
	// skip their work silently), must not leak into this instance.
	for (const k of Object.keys(env)) {
		if (
			/^(N8N_|DB_|EXECUTIONS_|WEBHOOK_URL$|QUEUE_|GENERIC_TIMEZONE$|NODE_OPTIONS$|NODE_PATH$|NODE_ENV$|JEST_WORKER_ID$|E2E_TESTS$)/.test(
				k,
			)
		)
			delete env[k];
	}
	return {
		...env,
		PATH: `${path.dirname(inst.nodeBin)}${path.delimiter}${process.env.PATH || ''}`,
		N8N_USER_FOLDER: userFolder,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
		N8N_SECURE_COOKIE: 'false',
		N8N_LOG_OUTPUT: 'console',
		N8N_LOG_LEVEL: 'info',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		DB_TYPE: 'sqlite',
		// The version matrix runs n8n 1.x's callback mode with the expression engine that offers nodes
		// the execution's custom data (legacy); N8N_* of the caller are dropped above.
		...(process.env.KIE_N8N_EXPRESSION_ENGINE
			? { N8N_EXPRESSION_ENGINE: process.env.KIE_N8N_EXPRESSION_ENGINE }
			: {}),
		// The setting the README suggests for many callbacks: a sandbox only when an expression needs one.
		...(process.env.KIE_N8N_LAZY_SANDBOX === '1'
			? { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' }
			: {}),
		...extra,
	};
}

/**
 * Whether n8n's REST API and editor routes answer. n8n 1.x reports ready as soon as its database is
 * migrated, seconds before it registers them (until then Express answers every path with its HTML
 * 404 page); 2.x reports ready only after. The node types file's route is registered after the
 * settings route, so both answering means the REST API and the editor's files are served.
 * @param {string} baseUrl @returns {Promise<boolean>}
 */
async function httpRoutesRegistered(baseUrl) {
	const statusOf = (/** @type {string} */ p) =>
		fetch(`${baseUrl}${p}`, { headers: { connection: 'close' } }).then(
			(r) => r.status,
			() => 0,
		);
	// Without a session the node types file answers 401 once its route exists.
	return (
		(await statusOf('/rest/settings')) === 200 && (await statusOf('/types/nodes.json')) === 401
	);
}

/**
 * @typedef {object} N8nHandle
 * @property {string} baseUrl e.g. http://127.0.0.1:5678
 * @property {(p: string) => string} webhookUrl production webhook URL of a path (`/webhook/<path>`)
 * @property {() => Promise<void>} stop SIGTERM, SIGKILL after the timeout; resolves once exited
 * @property {() => string} logs everything n8n printed so far
 * @property {string} logFile
 * @property {string} userFolder
 * @property {number} port
 * @property {{ email: string, password: string }} owner
 * @property {import('node:child_process').ChildProcess} process
 * @property {string} [cookie] set by loginOwner
 */

/**
 * Start n8n (Node 24) on 127.0.0.1:port with N8N_USER_FOLDER=userFolder and an owner account from
 * env; resolves when /healthz/readiness answers 200.
 * `command: 'worker'` starts a queue-mode worker (`n8n worker`) instead: it serves only its health
 * check (on `port`), and `env` must carry the queue settings and the main instance's WEBHOOK_URL.
 * @param {{ userFolder: string, port?: number, brokerPort?: number, env?: NodeJS.ProcessEnv, log?: Log,
 *   echo?: boolean, readyTimeoutMs?: number, stopTimeoutMs?: number,
 *   ownerEmail?: string, ownerPassword?: string, command?: 'start' | 'worker' }} opts
 * @returns {Promise<N8nHandle>}
 */
async function startN8n(opts) {
	opts = { ...opts, userFolder: path.resolve(opts.userFolder) };
	const log = opts.log || defaultLog;
	const inst = await ensureN8nInstalled({ log });
	const port = opts.port || (await freePort());
	const brokerPort = opts.brokerPort || (await freePort());
	const owner = {
		email: opts.ownerEmail || OWNER_EMAIL,
		password: opts.ownerPassword || OWNER_PASSWORD,
	};
	const command = opts.command || 'start';
	fs.mkdirSync(opts.userFolder, { recursive: true });
	const env = n8nEnv(inst, opts.userFolder, {
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: 'Owner',
		N8N_INSTANCE_OWNER_LAST_NAME: 'Local',
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcryptHash(inst.installDir, owner.password),
		// A worker's only HTTP server is its health check, which tells when it is ready.
		...(command === 'worker'
			? {
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(port),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				}
			: {}),
		...(opts.env || {}),
	});
	const logFile = path.join(
		opts.userFolder,
		command === 'start' ? `n8n-${port}.log` : `n8n-${command}-${port}.log`,
	);
	const out = fs.openSync(logFile, 'a');
	const t0 = Date.now();
	const child = spawn(inst.nodeBin, [inst.n8nBin, command], {
		cwd: opts.userFolder,
		env,
		detached: true, // own process group: stop() can end the task runner too
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	killGroupOnExit(child);
	/** @param {Buffer} chunk */
	const onData = (chunk) => {
		fs.writeSync(out, chunk);
		if (opts.echo) process.stdout.write(chunk);
	};
	child.stdout?.on('data', onData);
	child.stderr?.on('data', onData);
	const exited = exitOf(child);
	child.on('exit', () => {
		try {
			fs.closeSync(out);
		} catch {
			/* closed */
		}
	});
	const baseUrl = `http://127.0.0.1:${port}`;
	const logs = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
	const stopTimeoutMs = opts.stopTimeoutMs ?? 20_000;
	/** @type {N8nHandle} */
	const handle = {
		baseUrl,
		webhookUrl: (p) => `${baseUrl}/webhook/${p.replace(/^\/+/, '')}`,
		logs,
		logFile,
		userFolder: opts.userFolder,
		port,
		owner,
		process: child,
		stop: async () => {
			if (child.exitCode !== null || child.signalCode !== null) return;
			// n8n's task runner lives in the same process group: stopGroup leaves nothing behind.
			await stopGroup(child, exited, { signal: 'SIGTERM', timeoutMs: stopTimeoutMs });
		},
	};
	const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(
				`n8n exited during start (${child.exitCode ?? child.signalCode}); log ${logFile}:\n${logs().split('\n').slice(-40).join('\n')}`,
			);
		}
		const status = await fetch(`${baseUrl}/healthz/readiness`).then(
			(r) => r.status,
			() => 0,
		);
		if (status === 200 && (command !== 'start' || (await httpRoutesRegistered(baseUrl)))) break;
		if (Date.now() > deadline) {
			await handle.stop();
			throw new Error(
				`n8n not ready after ${opts.readyTimeoutMs ?? 120_000} ms; log ${logFile}:\n${logs().split('\n').slice(-40).join('\n')}`,
			);
		}
		await delay(250);
	}
	log(
		`n8n${command === 'start' ? '' : ` ${command}`} ready at ${baseUrl} in ${((Date.now() - t0) / 1000).toFixed(1)} s (log ${logFile})`,
	);
	return handle;
}

module.exports = { startN8n, n8nEnv, freePort, bcryptHash };
