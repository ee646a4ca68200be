// @ts-check
'use strict';
// What every part of the n8n host shares: where things are, the default log, the owner account.
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const HOST_DIR = path.join(REPO_ROOT, 'test', 'n8n-host');

/** @typedef {(line: string) => void} Log */
/** @type {Log} */
const defaultLog = (line) => {
	process.stderr.write(`[n8n-host] ${line}\n`);
};

const OWNER_EMAIL = process.env.N8N_OWNER_EMAIL || 'owner@example.com';
const OWNER_PASSWORD = process.env.N8N_OWNER_PASSWORD || 'KieVideo-Owner-1';

/** @param {number} ms */
const delay = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = { REPO_ROOT, HOST_DIR, defaultLog, OWNER_EMAIL, OWNER_PASSWORD, delay };
