// @ts-check
'use strict';
/**
 * n8n in queue mode for the e2e tests: Redis and PostgreSQL (Debian's packages) started in a temp dir
 * on free loopback ports, then one n8n main process, N `n8n worker` processes and, on request, M
 * `n8n webhook` processes (n8n's webhook-only processes: production and waiting webhooks, no editor,
 * no test webhooks) sharing them.
 *
 * Each n8n process gets its own user folder, as on separate machines: what they share is the database,
 * Redis, N8N_ENCRYPTION_KEY and the installed package. Binary data uses the `database` mode, n8n
 * 2.40.7's default in queue mode (`filesystem` would need one disk shared by every process).
 *
 * Plain CommonJS with node built-ins only, like n8n-host/, whose pieces it reuses.
 */
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const host = require('./n8n-host');
const { killGroupOnExit, exitOf, stopGroup } = require('./process-group');

/** @typedef {(line: string) => void} Log */
/** @type {Log} */
const defaultLog = (line) => {
	process.stderr.write(`[queue-cluster] ${line}\n`);
};

const APT_PACKAGES = ['redis-server', 'postgresql'];
const DB_NAME = 'n8n';
const DB_USER = 'postgres';

/** @param {number} ms */
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

// ---------------------------------------------------------------------------------------------
// Binaries (Debian's packages)
// ---------------------------------------------------------------------------------------------

/** @param {string} name @returns {string | undefined} a command's path on PATH */
function onPath(name) {
	const res = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
	return res.status === 0 ? res.stdout.trim() || undefined : undefined;
}

/**
 * redis-server, and the folder of PostgreSQL's server binaries (Debian keeps them off PATH, in
 * /usr/lib/postgresql/<version>/bin; the newest version wins).
 * @returns {{ redisServer?: string, pgBin?: string }}
 */
function findServiceBinaries() {
	const redisServer =
		onPath('redis-server') ||
		(fs.existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : undefined);
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((v) => /^\d+$/.test(v))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	const candidates = versions.map((v) => path.join(root, v, 'bin'));
	const initdb = onPath('initdb');
	if (initdb) candidates.push(path.dirname(initdb));
	const pgBin = candidates.find((dir) =>
		['initdb', 'postgres', 'pg_isready', 'createdb', 'psql'].every((b) =>
			fs.existsSync(path.join(dir, b)),
		),
	);
	return { redisServer, pgBin };
}

/**
 * Finds redis-server and PostgreSQL; when one is missing, installs Debian's packages if running as
 * root (like ensureN8nInstalled installs n8n), else fails naming them.
 * @param {{ log?: Log }} [opts] @returns {Promise<{ redisServer: string, pgBin: string }>}
 */
async function ensureQueueServices({ log = defaultLog } = {}) {
	let found = findServiceBinaries();
	if (found.redisServer && found.pgBin)
		return /** @type {{ redisServer: string, pgBin: string }} */ (found);
	const missing = [!found.redisServer && 'redis-server', !found.pgBin && 'postgresql']
		.filter(Boolean)
		.join(' and ');
	if (!isRoot() || process.platform !== 'linux') {
		throw new Error(
			`n8n queue mode needs Redis and PostgreSQL: ${missing} not found. Install Debian's packages: apt-get install -y ${APT_PACKAGES.join(' ')}`,
		);
	}
	const logFile = path.join(os.tmpdir(), 'queue-cluster-apt.log');
	log(`installing ${APT_PACKAGES.join(' ')} (${missing} not found; output in ${logFile})`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const install = () =>
		host.run('apt-get', ['install', '-y', '--no-install-recommends', ...APT_PACKAGES], {
			cwd: '/',
			env,
			logFile,
		});
	try {
		await install();
	} catch {
		// A fresh machine has no package lists yet.
		await host.run('apt-get', ['update'], { cwd: '/', env, logFile });
		await install();
	}
	found = findServiceBinaries();
	if (!found.redisServer || !found.pgBin)
		throw new Error(
			`apt-get installed ${APT_PACKAGES.join(' ')} but ${missing} is still not found; see ${logFile}`,
		);
	return /** @type {{ redisServer: string, pgBin: string }} */ (found);
}

// ---------------------------------------------------------------------------------------------
// Service processes
// ---------------------------------------------------------------------------------------------

/**
 * Starts a long-running service in its own process group, its output in logFile.
 * @param {string} cmd @param {string[]} args @param {string} logFile
 */
function spawnService(cmd, args, logFile) {
	const out = fs.openSync(logFile, 'a');
	const child = spawn(cmd, args, { detached: true, stdio: ['ignore', out, out] });
	fs.closeSync(out);
	killGroupOnExit(child);
	const exited = exitOf(child);
	/**
	 * Sends `signal` to `pid` (default: the child), waits for the child to exit, then clears its group.
	 * @param {NodeJS.Signals} signal @param {number} [pid]
	 */
	const stop = (signal, pid) => stopGroup(child, exited, { signal, pid, timeoutMs: 15_000 });
	return { child, stop };
}

/** @param {string} cmd @param {string[]} args a command line run as PostgreSQL's system user (it refuses root) */
function asPostgresUser(cmd, args) {
	return isRoot()
		? { cmd: 'runuser', args: ['-u', 'postgres', '--', cmd, ...args] }
		: { cmd, args };
}

/** @param {string} what @param {() => Promise<boolean> | boolean} ready @param {import('node:child_process').ChildProcess} child @param {string} logFile */
async function waitUntilReady(what, ready, child, logFile, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (child.exitCode !== null || child.signalCode !== null) {
			throw new Error(
				`${what} exited during start (${child.exitCode ?? child.signalCode}); log ${logFile}:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`,
			);
		}
		if (await ready()) return;
		if (Date.now() > deadline)
			throw new Error(`${what} not ready after ${timeoutMs} ms; log ${logFile}`);
		await delay(100);
	}
}

/** @param {number} port @returns {Promise<boolean>} whether Redis on 127.0.0.1:port answers PING */
function redisPing(port) {
	return new Promise((resolve) => {
		const socket = net.connect(port, '127.0.0.1');
		let answer = '';
		const done = (/** @type {boolean} */ ok) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(1000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (d) => {
			answer += d;
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

/**
 * Redis on a free loopback port, no persistence.
 * @param {{ redisServer: string, dir: string, log?: Log }} o
 */
async function startRedis({ redisServer, dir, log = defaultLog }) {
	fs.mkdirSync(dir, { recursive: true });
	const port = await host.freePort();
	const logFile = path.join(dir, 'redis.log');
	const args = [
		'--port',
		String(port),
		'--bind',
		'127.0.0.1',
		'--dir',
		dir,
		'--save',
		'',
		'--appendonly',
		'no',
		'--daemonize',
		'no',
		'--protected-mode',
		'yes',
	];
	const { child, stop } = spawnService(redisServer, args, logFile);
	await waitUntilReady('redis-server', () => redisPing(port), child, logFile);
	log(`redis ready on 127.0.0.1:${port}`);
	return { host: '127.0.0.1', port, logFile, stop: () => stop('SIGTERM') };
}

/**
 * PostgreSQL from a fresh `initdb` in dir (owned by the postgres user when running as root), on a free
 * loopback port, its unix socket in dir, with database `n8n`. Durability is traded for speed (a test
 * database): fsync off.
 * @param {{ pgBin: string, dir: string, log?: Log }} o
 */
async function startPostgres({ pgBin, dir, log = defaultLog }) {
	const bin = (/** @type {string} */ name) => path.join(pgBin, name);
	const dataDir = path.join(dir, 'data');
	const socketDir = path.join(dir, 'socket');
	fs.mkdirSync(socketDir, { recursive: true });
	const password = crypto.randomBytes(18).toString('base64url');
	const pwFile = path.join(dir, 'pwfile');
	fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
	if (isRoot()) {
		const { uid, gid } = userIds('postgres');
		for (const p of [dir, socketDir, pwFile]) fs.chownSync(p, uid, gid);
	}
	const logFile = path.join(dir, 'postgres.log');
	const initdb = asPostgresUser(bin('initdb'), [
		'-D',
		dataDir,
		'-U',
		DB_USER,
		`--pwfile=${pwFile}`,
		'--auth-local=trust',
		'--auth-host=scram-sha-256',
		'--encoding=UTF8',
		'--locale=C',
		'--no-sync',
		'--no-instructions',
	]);
	await host.run(initdb.cmd, initdb.args, { cwd: dir, logFile });
	fs.rmSync(pwFile, { force: true });
	const port = await host.freePort();
	const server = asPostgresUser(bin('postgres'), [
		'-D',
		dataDir,
		'-p',
		String(port),
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		`unix_socket_directories=${socketDir}`,
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'full_page_writes=off',
		'-c',
		'max_connections=100',
	]);
	const { child, stop } = spawnService(server.cmd, server.args, logFile);
	const isReady = () =>
		spawnSync(bin('pg_isready'), ['-q', '-h', socketDir, '-p', String(port)]).status === 0;
	await waitUntilReady('postgres', isReady, child, logFile);
	const createdb = asPostgresUser(bin('createdb'), [
		'-h',
		socketDir,
		'-p',
		String(port),
		'-U',
		DB_USER,
		DB_NAME,
	]);
	await host.run(createdb.cmd, createdb.args, { cwd: dir, logFile });
	log(`postgres ready on 127.0.0.1:${port} (database ${DB_NAME})`);
	// SIGINT to the postmaster is PostgreSQL's "fast" shutdown; runuser only waits for it.
	const postmasterPid = () =>
		Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
	return {
		host: '127.0.0.1',
		port,
		user: DB_USER,
		password,
		database: DB_NAME,
		socketDir,
		logFile,
		stop: async () => {
			let pid;
			try {
				pid = postmasterPid();
			} catch {
				pid = undefined;
			}
			await stop('SIGINT', pid);
		},
	};
}

/** @param {string} user @returns {{ uid: number, gid: number }} */
function userIds(user) {
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith(`${user}:`));
	if (!line)
		throw new Error(
			`no system user "${user}": install Debian's postgresql package (apt-get install -y postgresql)`,
		);
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

// ---------------------------------------------------------------------------------------------
// The cluster
// ---------------------------------------------------------------------------------------------

/**
 * The settings every n8n process of the cluster (main, workers, CLI) shares.
 * @param {{ redis: { host: string, port: number }, postgres: { host: string, port: number, user: string, password: string, database: string }, encryptionKey: string }} o
 * @returns {Record<string, string>}
 */
function queueModeEnv({ redis, postgres, encryptionKey }) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		N8N_ENCRYPTION_KEY: encryptionKey,
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
	};
}

/**
 * Runs one SQL statement on the cluster's database with Debian's psql (over PostgreSQL's unix socket)
 * and returns its rows as JSON objects: no database client in the project.
 * @param {{ pgBin: string, socketDir: string, port: number, user: string, database: string }} db
 * @param {string} sql a query returning rows (SELECT, or DML with RETURNING)
 * @returns {any[]}
 */
function psqlRows(db, sql) {
	const res = spawnSync(
		path.join(db.pgBin, 'psql'),
		[
			'-X',
			'-q',
			'-A',
			'-t',
			'-v',
			'ON_ERROR_STOP=1',
			'-h',
			db.socketDir,
			'-p',
			String(db.port),
			'-U',
			db.user,
			'-d',
			db.database,
			'-c',
			// A top-level WITH also takes DML with RETURNING (a subquery in FROM would not).
			`WITH r AS (${sql}) SELECT coalesce(json_agg(row_to_json(r)), '[]'::json) FROM r`,
		],
		{ encoding: 'utf8', maxBuffer: 512 << 20 },
	);
	if (res.status !== 0) throw new Error(`psql failed (${res.status}): ${res.stderr}\nSQL: ${sql}`);
	return JSON.parse(res.stdout);
}

/**
 * @typedef {object} QueueCluster
 * @property {any} main the n8n-host handle of the main process (REST, webhooks, its log)
 * @property {any[]} workers the handles of the `n8n worker` processes
 * @property {any[]} webhooks the handles of the `n8n webhook` processes (none unless asked)
 * @property {(sql: string) => any[]} sql rows of a query on n8n's PostgreSQL database (psqlRows)
 * @property {Record<string, string>} env the shared settings (queueModeEnv)
 * @property {string} dir the temp dir holding everything (kept when KEEP_N8N_E2E is set)
 * @property {{ host: string, port: number }} redis
 * @property {{ host: string, port: number, database: string }} postgres
 * @property {() => Promise<void>} stop workers, main, PostgreSQL, Redis; then removes dir
 */

/**
 * Starts Redis, PostgreSQL, imports credentials and (published) workflows into the database, then
 * n8n main, `workers` workers and `webhooks` webhook processes, each with the package at packageRoot
 * installed (built already). `publicUrl` is the address workers put in resume URLs (their
 * WEBHOOK_URL): main's by default; in front of webhook processes it is their load balancer's.
 * @param {{ tag?: string, credentials?: any[], workflows?: any[], workers?: number, webhooks?: number, publicUrl?: string, packageRoot?: string, env?: Record<string, string>, log?: Log }} [opts]
 * @returns {Promise<QueueCluster>}
 */
async function startQueueCluster({
	tag = 'queue',
	credentials = [],
	workflows = [],
	workers = 2,
	webhooks = 0,
	publicUrl,
	packageRoot = host.REPO_ROOT,
	env = {},
	log = defaultLog,
} = {}) {
	const t0 = Date.now();
	const binaries = await ensureQueueServices({ log });
	await host.ensureN8nInstalled({ log });
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-${tag}-`));
	// PostgreSQL runs as its own system user, which must reach its folder inside this one.
	fs.chmodSync(dir, 0o711);
	/** @type {Array<() => Promise<void>>} */
	const stops = [];
	const stop = async () => {
		for (const s of stops.splice(0).reverse()) await s().catch((e) => log(`stop: ${e.message}`));
		if (process.env.KEEP_N8N_E2E) log(`kept ${dir}`);
		else fs.rmSync(dir, { recursive: true, force: true });
	};
	try {
		const [redis, postgres] = await Promise.all([
			startRedis({ redisServer: binaries.redisServer, dir: path.join(dir, 'redis'), log }),
			startPostgres({ pgBin: binaries.pgBin, dir: path.join(dir, 'postgres'), log }),
		]);
		stops.push(redis.stop, postgres.stop);
		const shared = {
			...queueModeEnv({
				redis,
				postgres,
				encryptionKey: crypto.randomBytes(24).toString('base64url'),
			}),
			...env,
		};

		const mainFolder = path.join(dir, 'main');
		const workerFolders = Array.from({ length: workers }, (_, i) =>
			path.join(dir, `worker-${i + 1}`),
		);
		const webhookFolders = Array.from({ length: webhooks }, (_, i) =>
			path.join(dir, `webhook-${i + 1}`),
		);
		host.installPackageInto(mainFolder, packageRoot, { build: false, log });
		// Every process needs the package: the same files, as a deployment would copy them.
		for (const folder of [...workerFolders, ...webhookFolders])
			fs.cpSync(path.join(mainFolder, '.n8n', 'nodes'), path.join(folder, '.n8n', 'nodes'), {
				recursive: true,
			});
		await host.importCredentials(mainFolder, credentials, { log, env: shared });
		await host.importWorkflows(mainFolder, workflows, { publish: true, log, env: shared });

		const main = await host.startN8n({ userFolder: mainFolder, env: shared, log });
		stops.push(main.stop);
		// Workers build the resume URLs of waiting executions: they must name an address that takes
		// webhooks (main's, or the one in front of the webhook processes). Webhook processes read the
		// published workflows' webhooks from the database and hand every execution to the workers
		// through Redis. Both start once main has set the database up, side by side.
		const resumeBase = `${(publicUrl ?? main.baseUrl).replace(/\/+$/, '')}/`;
		/** @param {string} userFolder @param {'worker' | 'webhook'} command */
		const startProcess = (userFolder, command) =>
			host.startN8n({
				userFolder,
				// n8n-host's JSDoc names only 'start' and 'worker'; it passes the command through.
				command: /** @type {any} */ (command),
				env: { ...shared, WEBHOOK_URL: resumeBase },
				log,
			});
		const started = await Promise.allSettled([
			...workerFolders.map((folder) => startProcess(folder, 'worker')),
			...webhookFolders.map((folder) => startProcess(folder, 'webhook')),
		]);
		for (const s of started) if (s.status === 'fulfilled') stops.push(s.value.stop);
		const failed = started.find((s) => s.status === 'rejected');
		if (failed) throw /** @type {PromiseRejectedResult} */ (failed).reason;
		const handles = started.map((s) => /** @type {PromiseFulfilledResult<any>} */ (s).value);
		const workerHandles = handles.slice(0, workers);
		const webhookHandles = handles.slice(workers);
		/** @param {string} query */
		const sql = (query) =>
			psqlRows(
				{
					pgBin: binaries.pgBin,
					socketDir: postgres.socketDir,
					port: postgres.port,
					user: postgres.user,
					database: postgres.database,
				},
				query,
			);
		log(
			`queue cluster up in ${((Date.now() - t0) / 1000).toFixed(1)} s: main ${main.baseUrl}, ${workers} workers, ${webhooks} webhook processes${webhookHandles.map((w) => ` ${w.baseUrl}`).join('')}, redis :${redis.port}, postgres :${postgres.port}`,
		);
		return {
			main,
			workers: workerHandles,
			webhooks: webhookHandles,
			sql,
			env: shared,
			dir,
			redis,
			postgres,
			stop,
		};
	} catch (e) {
		await stop();
		throw e;
	}
}

module.exports = {
	APT_PACKAGES,
	ensureQueueServices,
	findServiceBinaries,
	startRedis,
	startPostgres,
	queueModeEnv,
	psqlRows,
	startQueueCluster,
};
