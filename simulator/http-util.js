// @ts-check
'use strict';

/** A handler's answer, written by the server after faults (e.g. 'slow') had their say. */
/**
 * @typedef {object} Reply
 * @property {number} status HTTP status
 * @property {any} body JSON-serialisable body
 * @property {() => void} [afterWrite] run once the response is fully written (early callbacks)
 */

/** KIE envelope, HTTP 200 unless told otherwise (KIE puts the error in the body code, §0). */
/**
 * @param {number} code @param {string} msg @param {any} [data] @param {number} [status]
 * @returns {Reply}
 */
function kie(code, msg, data = null, status = 200) {
	return { status, body: { code, msg, data } };
}

/**
 * Reads a request body up to `limit` bytes.
 * @param {import('http').IncomingMessage} req @param {number} limit
 * @returns {Promise<Buffer>}
 */
async function readBody(req, limit) {
	/** @type {Buffer[]} */
	const chunks = [];
	let size = 0;
	// Keep draining past the limit: leaving the loop early would destroy the socket before we can answer.
	for await (const chunk of req) {
		size += chunk.length;
		if (size <= limit) chunks.push(chunk);
	}
	if (size > limit) throw Object.assign(new Error('Request body too large'), { tooLarge: true });
	return Buffer.concat(chunks);
}

/**
 * Parses a JSON body; `invalid` is true when there was a body that is not JSON.
 * @param {import('http').IncomingMessage} req @param {number} limit
 * @returns {Promise<{ body: any, invalid: boolean }>}
 */
async function readJson(req, limit) {
	const raw = await readBody(req, limit);
	if (raw.length === 0) return { body: null, invalid: false };
	try {
		return { body: JSON.parse(raw.toString('utf8')), invalid: false };
	} catch {
		return { body: null, invalid: true };
	}
}

/** @param {import('http').ServerResponse} res @param {number} status @param {any} body @param {Record<string,string>} [headers] */
function sendJson(res, status, body, headers = {}) {
	if (res.headersSent || res.destroyed) return;
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': Buffer.byteLength(text),
		...headers,
	});
	res.end(text);
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Bearer key from the Authorization header, or null. @param {import('http').IncomingMessage} req */
function bearerKey(req) {
	const m = /^Bearer\s+(.+)$/i.exec(String(req.headers.authorization || '').trim());
	return m ? m[1].trim() : null;
}

/** Headers as logged: the key never lands in the request log. @param {import('http').IncomingHttpHeaders} headers */
function redactHeaders(headers) {
	/** @type {Record<string, any>} */
	const out = { ...headers };
	if (out.authorization) out.authorization = 'Bearer [redacted]';
	return out;
}

/** @param {unknown} v */
const isNonEmptyString = (v) => typeof v === 'string' && v.trim().length > 0;

/** @param {unknown} v */
function isHttpUrl(v) {
	if (typeof v !== 'string') return false;
	try {
		const u = new URL(v);
		return u.protocol === 'http:' || u.protocol === 'https:';
	} catch {
		return false;
	}
}

module.exports = {
	kie,
	readBody,
	readJson,
	sendJson,
	sleep,
	bearerKey,
	redactHeaders,
	isNonEmptyString,
	isHttpUrl,
};
