// @ts-check
'use strict';
// The package under test, installed into a user folder the way n8n installs community packages.
const { spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { defaultLog } = require('./common');

/** @typedef {import('./common').Log} Log */

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

module.exports = { installPackageInto };
