// @ts-check
'use strict';

// The request pipeline of both hosts: body reading, the control API, the request log, injected
// faults, result files, then the API or upload routes.

const { faultReply, CREATE_PATHS } = require('./faults');
const { uploadError } = require('./uploads');
const { MSG } = require('./constants');
const { readJson, sendJson, sleep, bearerKey, redactHeaders } = require('./http-util');
const { handleApi } = require('./routes/api');
const { serveResultFile } = require('./routes/files');
const { handleControl } = require('./routes/control');

/** @typedef {import('./simulator').Simulator} Simulator */
/** @typedef {import('http').IncomingMessage} IncomingMessage */

const API_BODY_LIMIT = 10 * 1024 * 1024;
const UPLOAD_JSON_LIMIT = 256 * 1024 * 1024;

/**
 * One request to either host, answered; a body over its limit gets 413, anything unexpected 500.
 * @param {Simulator} sim @param {'api' | 'upload'} listener @param {IncomingMessage} req @param {import('http').ServerResponse} res
 */
async function handleRequest(sim, listener, req, res) {
	const connection = sim.sockets.get(req.socket);
	if (connection) {
		connection.served = true;
		connection.active++;
		res.once('close', () => connection.active--);
	}
	if (sim.stopping) res.setHeader('Connection', 'close');
	try {
		await route(sim, listener, req, res);
	} catch (caught) {
		const err = /** @type {Error & { tooLarge?: boolean }} */ (caught);
		if (err && err.tooLarge)
			return sendJson(
				res,
				413,
				listener === 'upload'
					? uploadError(413, err.message).body
					: { code: 413, msg: err.message, data: null },
			);
		sendJson(res, 500, { code: 500, msg: 'Server Error', data: null });
	}
}

/** @param {Simulator} sim @param {'api' | 'upload'} listener @param {IncomingMessage} req @param {import('http').ServerResponse} res */
async function route(sim, listener, req, res) {
	const url = new URL(req.url || '/', 'http://simulator.local');
	const path = url.pathname;
	const method = (req.method || 'GET').toUpperCase();

	if (listener === 'api' && path.startsWith('/__sim/')) {
		const { body } = method === 'POST' ? await readJson(req, API_BODY_LIMIT) : { body: null };
		return handleControl(sim, method, path, body, res);
	}

	const multipart = listener === 'upload' && path === '/api/file-stream-upload';
	let body = null;
	let invalidJson = false;
	if (!multipart && method !== 'GET' && method !== 'HEAD') {
		({ body, invalid: invalidJson } = await readJson(
			req,
			listener === 'upload' ? UPLOAD_JSON_LIMIT : API_BODY_LIMIT,
		));
	}
	logRequest(sim, listener, method, path, url.searchParams, req, body);

	const fault = sim.faults.take(method, path);
	if (fault && fault.kind === 'reset') {
		req.socket.destroy();
		return;
	}
	if (fault && fault.kind !== 'slow') {
		const { status, body: faultBody } = faultReply(fault, listener === 'upload');
		return sendJson(res, status, faultBody);
	}

	if ((method === 'GET' || method === 'HEAD') && path.startsWith('/files/')) {
		if (fault) await sleep(fault.delayMs || 0);
		return listener === 'api'
			? serveResultFile(sim, path, url.searchParams, req, res)
			: sim.uploads.serve(path, req, res);
	}

	/** @type {import('./http-util').Reply} */
	let reply;
	if (listener === 'api') {
		reply = await handleApi(sim, method, path, url.searchParams, req, body, invalidJson);
	} else {
		reply = await handleUpload(sim, method, path, req, body, invalidJson);
	}
	// 'slow': the work is done (a create call has made and billed its task), the answer is late.
	if (fault) await sleep(fault.delayMs || 0);
	sendJson(res, reply.status, reply.body);
	if (reply.afterWrite) {
		const after = reply.afterWrite;
		res.once('finish', () => after());
	}
}

/**
 * The upload host's routes (KIE's separate file host, own error shape).
 * @param {Simulator} sim @param {string} method @param {string} path @param {IncomingMessage} req @param {any} body @param {boolean} invalidJson
 * @returns {Promise<import('./http-util').Reply>}
 */
async function handleUpload(sim, method, path, req, body, invalidJson) {
	const known = [
		'/api/file-base64-upload',
		'/api/file-stream-upload',
		'/api/file-url-upload',
	].includes(path);
	if (!known) {
		req.resume();
		return uploadError(404, 'Not Found');
	}
	if (method !== 'POST') return uploadError(405, 'Method Not Allowed');
	const key = bearerKey(req);
	if (!key || !sim.options.apiKeys.includes(key)) {
		req.resume();
		return uploadError(401, MSG.uploadNoAuth);
	}
	if (invalidJson) return uploadError(400, 'Request body is not valid JSON');
	return sim.uploads.handle(path, req, body);
}

/**
 * Records a request (sim.requests, the per-route counts) and emits 'request'.
 * @param {Simulator} sim @param {'api' | 'upload'} listener @param {string} method @param {string} path
 * @param {URLSearchParams} query @param {IncomingMessage} req @param {any} body
 */
function logRequest(sim, listener, method, path, query, req, body) {
	let logged = body;
	// A base64 upload can be tens of MB: keep the log small.
	if (
		body &&
		typeof body === 'object' &&
		typeof body.base64Data === 'string' &&
		body.base64Data.length > 256
	) {
		logged = {
			...body,
			base64Data: `${body.base64Data.slice(0, 64)}…(${body.base64Data.length} chars)`,
		};
	}
	/** @type {import('./simulator').RequestRecord} */
	const record = {
		listener,
		method,
		path,
		query: Object.fromEntries(query),
		headers: redactHeaders(req.headers),
		body: logged,
		at: Date.now(),
	};
	sim.requests.push(record);
	const key = `${method} ${path}`;
	sim.counts.set(key, (sim.counts.get(key) || 0) + 1);
	if (method === 'POST' && CREATE_PATHS.has(path)) sim.createCount++;
	sim.emit('request', record);
}

module.exports = { handleRequest };
