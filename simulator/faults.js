// @ts-check
'use strict';

const { FAULT_MESSAGES } = require('./constants');

/**
 * @typedef {'http429' | 'code429' | 'code455' | 'code500' | 'http500' | 'code408' | 'reset' | 'slow'
 *   | 'code402' | 'code401' | 'code422' | 'code451' | 'code501' | 'code505'} FaultKind
 * @typedef {object} FaultSpec
 * @property {string} [method] e.g. 'POST'; any method when omitted
 * @property {string} [path] exact path, a prefix ending in '*', or 'create' (every create call: legacy generate/extend/modify, Veo, Market createTask); any when omitted
 * @property {FaultKind} kind
 * @property {number} [times] how many matching requests it hits (default 1)
 * @property {number} [delayMs] 'slow': wall ms before the normal answer
 * @property {number} [code] override the body code
 * @property {string} [msg] override the body message
 */

const KINDS = new Set([
	'http429',
	'code429',
	'code455',
	'code500',
	'http500',
	'code408',
	'reset',
	'slow',
	'code402',
	'code401',
	'code422',
	'code451',
	'code501',
	'code505',
]);

const CREATE_PATHS = new Set([
	'/api/v1/runway/generate',
	'/api/v1/runway/extend',
	'/api/v1/aleph/generate',
	'/api/v1/modify/generate',
	'/api/v1/veo/generate',
	'/api/v1/jobs/createTask',
]);

/** Injected faults, matched in the order they were injected; each hits `times` requests. */
class FaultQueue {
	constructor() {
		/** @type {(FaultSpec & { remaining: number })[]} */
		this.faults = [];
	}

	/** @param {FaultSpec} spec */
	add(spec) {
		if (!spec || !KINDS.has(spec.kind)) throw new Error(`Unknown fault kind: ${spec && spec.kind}`);
		this.faults.push({
			...spec,
			remaining: spec.times === undefined ? 1 : Math.max(0, Number(spec.times)),
		});
	}

	/** Takes the first fault matching a request, if any. @param {string} method @param {string} path */
	take(method, path) {
		const i = this.faults.findIndex((f) => f.remaining > 0 && matches(f, method, path));
		if (i < 0) return null;
		const fault = this.faults[i];
		fault.remaining--;
		if (fault.remaining <= 0) this.faults.splice(i, 1);
		return fault;
	}

	clear() {
		this.faults = [];
	}

	list() {
		return this.faults.map((f) => ({ ...f }));
	}
}

/** @param {FaultSpec} f @param {string} method @param {string} path */
function matches(f, method, path) {
	if (f.method && f.method.toUpperCase() !== method.toUpperCase()) return false;
	if (!f.path) return true;
	if (f.path === 'create') return CREATE_PATHS.has(path);
	if (f.path.endsWith('*')) return path.startsWith(f.path.slice(0, -1));
	return f.path === path;
}

/**
 * HTTP status and body a code-style fault answers with (not 'reset'/'slow').
 * @param {FaultSpec} f @param {boolean} uploadHost the upload API adds `success:false`
 */
function faultReply(f, uploadHost) {
	const kindCode = Number(f.kind.replace(/\D/g, ''));
	const code = f.code ?? kindCode;
	const msg = f.msg ?? FAULT_MESSAGES[/** @type {401} */ (code)] ?? 'Server Error';
	const status = f.kind.startsWith('http') ? kindCode : 200;
	const body = uploadHost ? { success: false, code, msg, data: null } : { code, msg, data: null };
	return { status, body };
}

module.exports = { FaultQueue, faultReply, CREATE_PATHS };
