// @ts-check
'use strict';
// Executions of a workflow: from a running n8n's REST API, or straight from a user folder's sqlite.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { delay } = require('./common');
const { ensureN8nInstalled } = require('./install');
const { restCall } = require('./rest');

/** @typedef {import('./server').N8nHandle} N8nHandle */

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

module.exports = { getExecutions, sqliteQuery, waitForExecution };
