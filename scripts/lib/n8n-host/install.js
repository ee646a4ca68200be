// @ts-check
'use strict';
// n8n installed once into a cache outside the repo (atomic, locked). The pinned version is keyed by
// test/n8n-host's lock file; another version (KIE_N8N_VERSION, for the version matrix) gets its own
// folder per version, shared by every worktree and reused.
const { spawn, spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { HOST_DIR, defaultLog, delay } = require('./common');
const { findNodeBin, findNodeHeaders } = require('./node-bin');

/** @typedef {import('./common').Log} Log */

/** The newest xlsx in the npm registry (later ones are published only on the vendor's site). */
const XLSX_FROM_REGISTRY = '0.18.5';

function pinnedVersion() {
	return JSON.parse(fs.readFileSync(path.join(HOST_DIR, 'package.json'), 'utf8')).dependencies.n8n;
}

/**
 * Which n8n to install: the pinned one (test/n8n-host, with its lock file) unless KIE_N8N_VERSION names
 * another exact version, which is installed from the registry without a lock file.
 * @returns {{ version: string, pinned: boolean, folder: string }}
 */
function hostSpec() {
	const pinned = pinnedVersion();
	const wanted = (process.env.KIE_N8N_VERSION || '').trim();
	if (!wanted || wanted === pinned) {
		const h = crypto.createHash('sha256');
		h.update(fs.readFileSync(path.join(HOST_DIR, 'package.json')));
		h.update(fs.readFileSync(path.join(HOST_DIR, 'package-lock.json')));
		return { version: pinned, pinned: true, folder: `n8n-${h.digest('hex').slice(0, 12)}` };
	}
	if (!/^\d+\.\d+\.\d+$/.test(wanted))
		throw new Error(`KIE_N8N_VERSION must be an exact version such as 1.123.81 (got "${wanted}")`);
	return { version: wanted, pinned: false, folder: `n8n-v${wanted}` };
}

/** The n8n version the harness runs (KIE_N8N_VERSION, else the pinned one). */
function n8nVersion() {
	return hostSpec().version;
}

function cacheRoot() {
	if (process.env.KIE_N8N_CACHE) return path.resolve(process.env.KIE_N8N_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-kie-video');
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
 * Whether the modules the harness loads from an install (sqlite3 above all) load under Node 24.
 * @param {string} nodeBin @param {string} dir
 */
function loadsUnderNode24(nodeBin, dir) {
	const check = spawnSync(
		nodeBin,
		['-e', "require('sqlite3'); require('bcryptjs'); require('flatted')"],
		{ cwd: dir, encoding: 'utf8' },
	);
	return { ok: check.status === 0, stderr: check.stderr };
}

/**
 * Copies sqlite3's compiled module from a completed install in the cache with the same sqlite3
 * version into `dir`; returns that install's folder, or null when none has one.
 * @param {string} root @param {string} dir
 */
function reuseSqliteBuild(root, dir) {
	const BUILT = path.join('node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node');
	const versionIn = (/** @type {string} */ d) => {
		try {
			return JSON.parse(
				fs.readFileSync(path.join(d, 'node_modules', 'sqlite3', 'package.json'), 'utf8'),
			).version;
		} catch {
			return undefined;
		}
	};
	const wanted = versionIn(dir);
	if (!wanted) return null;
	for (const name of fs.readdirSync(root)) {
		const other = path.join(root, name);
		if (other === dir || !fs.existsSync(path.join(other, '.complete'))) continue;
		if (versionIn(other) !== wanted || !fs.existsSync(path.join(other, BUILT))) continue;
		fs.mkdirSync(path.dirname(path.join(dir, BUILT)), { recursive: true });
		fs.copyFileSync(path.join(other, BUILT), path.join(dir, BUILT));
		return other;
	}
	return null;
}

/**
 * Install n8n (test/n8n-host, or KIE_N8N_VERSION) into the cache once; later calls return at once.
 * @param {{ log?: Log }} [opts]
 * @returns {Promise<{ n8nBin: string, nodeBin: string, installDir: string }>}
 */
async function ensureN8nInstalled({ log = defaultLog } = {}) {
	const nodeBin = findNodeBin();
	const root = cacheRoot();
	const spec = hostSpec();
	const installDir = path.join(root, spec.folder);
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
		const version = spec.version;
		const t0 = Date.now();
		fs.rmSync(tmp, { recursive: true, force: true });
		// Leftovers of interrupted installs (their owners are gone: we hold the lock).
		for (const f of fs.readdirSync(root)) {
			if (f.startsWith(`${path.basename(installDir)}.tmp-`))
				fs.rmSync(path.join(root, f), { recursive: true, force: true });
		}
		fs.mkdirSync(tmp, { recursive: true });
		if (spec.pinned) {
			fs.copyFileSync(path.join(HOST_DIR, 'package.json'), path.join(tmp, 'package.json'));
			fs.copyFileSync(
				path.join(HOST_DIR, 'package-lock.json'),
				path.join(tmp, 'package-lock.json'),
			);
		} else {
			// n8n 1.x's nodes depend on xlsx as a tarball from its vendor's own site, which this machine
			// cannot reach: the registry's last xlsx stands in (only the Spreadsheet File node uses it).
			const manifest = {
				name: `kie-n8n-host-${version}`,
				private: true,
				dependencies: { n8n: version },
				overrides: { xlsx: XLSX_FROM_REGISTRY },
			};
			fs.writeFileSync(path.join(tmp, 'package.json'), JSON.stringify(manifest, null, '\t') + '\n');
		}
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
			const seconds = Math.round((Date.now() - t0) / 1000);
			// sqlite3 is the one native module n8n needs at run time. It is an N-API module: a build of
			// the same sqlite3 version made for another n8n in the cache loads too, and saves compiling
			// it (1.5-4 min on 2 busy cores).
			const reusedFrom = reuseSqliteBuild(root, tmp);
			if (reusedFrom && loadsUnderNode24(nodeBin, tmp).ok) {
				log(`  packages installed (${seconds} s); sqlite3's build reused from ${reusedFrom}`);
			} else {
				log(`  packages installed (${seconds} s); building sqlite3 for Node 24…`);
				// Headers of any Node version work for an N-API module; use Node 24's when available.
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
			}
		} finally {
			clearInterval(ticker);
		}
		const check = loadsUnderNode24(nodeBin, tmp);
		if (!check.ok)
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

module.exports = { run, ensureN8nInstalled, cacheRoot, n8nVersion };
