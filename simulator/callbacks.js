// @ts-check
'use strict';

const crypto = require('crypto');
const http = require('http');
const https = require('https');
const { CALLBACK_TIMEOUT_MS, CALLBACK_MAX_ATTEMPTS } = require('./constants');

/**
 * @typedef {'normal' | 'duplicate' | 'lost' | 'early'} CallbackMode
 * @typedef {object} CallbackBehaviour
 * @property {CallbackMode} mode
 * @property {number} [times] duplicate: copies per callback (default 2); lost/early: how many tasks it applies to (default: all)
 * @property {number} [delayMs] wall ms before each callback is sent
 * @property {'doc' | 'openapi'} [shape] Aleph callback shape (§6c)
 *
 * @typedef {object} CallbackRecord
 * @property {string} url
 * @property {any} body
 * @property {Record<string, string>} headers
 * @property {number | string} status HTTP status of the receiver's answer, or an error text
 * @property {number} attempt 1-based attempt number within one delivery
 * @property {number} copy 1-based copy number (duplicate mode)
 * @property {string} taskId
 * @property {number} sentAt wall epoch ms when the attempt was sent
 * @property {number} at wall epoch ms when its answer (or error) arrived
 */

/**
 * base64(HMAC-SHA256(key, taskId + "." + timestamp)), exactly KIE's webhook signature (§6e).
 * @param {string} key @param {string} taskId @param {number | string} timestamp unix seconds
 */
function signCallback(key, taskId, timestamp) {
	return crypto.createHmac('sha256', key).update(`${taskId}.${timestamp}`).digest('base64');
}

/**
 * Delivers task callbacks like KIE does: POST JSON, 15 s timeout, retried after non-2xx answers or
 * errors until 3 retries failed, optionally signed. The callBackUrl is sent byte-for-byte (no URL
 * normalisation), because receivers put tokens in its query string.
 */
class CallbackSender {
	/**
	 * @param {{ timeoutMs?: number, retryDelayMs?: number, onRecord: (r: CallbackRecord) => void, hmacKey: () => string | undefined }} opts
	 */
	constructor(opts) {
		this.opts = opts;
		/** @type {Set<http.ClientRequest>} */
		this.inFlight = new Set();
		/** @type {Set<NodeJS.Timeout>} */
		this.timers = new Set();
		this.closed = false;
		/** Bumped by abortAll so deliveries started before a reset stop recording. */
		this.generation = 0;
	}

	/**
	 * Sends `copies` deliveries of one callback, one after the other. Resolves true when at least one
	 * delivery was answered 2xx.
	 * @param {string} url @param {string} taskId @param {any} body @param {{ copies?: number, delayMs?: number }} [opts]
	 */
	async deliver(url, taskId, body, opts = {}) {
		const gen = this.generation;
		if (opts.delayMs) await this.wait(opts.delayMs);
		let delivered = false;
		for (let copy = 1; copy <= (opts.copies || 1) && this.live(gen); copy++) {
			if (await this.deliverOnce(url, taskId, body, copy, gen)) delivered = true;
		}
		return delivered;
	}

	/** @param {number} gen */
	live(gen) {
		return !this.closed && gen === this.generation;
	}

	/** @param {string} url @param {string} taskId @param {any} body @param {number} copy @param {number} gen */
	async deliverOnce(url, taskId, body, copy, gen) {
		const text = JSON.stringify(body);
		for (let attempt = 1; attempt <= CALLBACK_MAX_ATTEMPTS && this.live(gen); attempt++) {
			/** @type {Record<string, string>} */
			const headers = {
				'Content-Type': 'application/json',
				'User-Agent': 'kie-simulator-callback/1.0',
			};
			const key = this.opts.hmacKey();
			if (key) {
				// Wall-clock seconds: receivers check the skew against their own clock.
				const ts = String(Math.floor(Date.now() / 1000));
				headers['X-Webhook-Timestamp'] = ts;
				headers['X-Webhook-Signature'] = signCallback(key, taskId, ts);
			}
			const sentAt = Date.now();
			const status = await this.post(url, text, headers);
			if (!this.live(gen)) return false;
			this.opts.onRecord({
				url,
				body,
				headers,
				status,
				attempt,
				copy,
				taskId,
				sentAt,
				at: Date.now(),
			});
			if (typeof status === 'number' && status >= 200 && status < 300) return true;
			if (attempt < CALLBACK_MAX_ATTEMPTS) await this.wait(this.opts.retryDelayMs ?? 1000);
		}
		return false;
	}

	/**
	 * One POST; resolves with the HTTP status or an error text (never rejects).
	 * @param {string} rawUrl @param {string} text @param {Record<string, string>} headers
	 * @returns {Promise<number | string>}
	 */
	post(rawUrl, text, headers) {
		return new Promise((resolve) => {
			let parsed;
			try {
				parsed = new URL(rawUrl);
			} catch {
				resolve('error: invalid callBackUrl');
				return;
			}
			// Path and query exactly as given (new URL() would re-encode some characters).
			const raw = /^[a-z]+:\/\/[^/?#]*([^#]*)/i.exec(rawUrl)?.[1] || '/';
			const path = raw.startsWith('/') ? raw : '/' + raw;
			const lib = parsed.protocol === 'https:' ? https : http;
			const req = lib.request({
				method: 'POST',
				hostname: parsed.hostname.replace(/^\[|\]$/g, ''),
				port: parsed.port || undefined,
				path,
				headers: { ...headers, 'Content-Length': String(Buffer.byteLength(text)) },
			});
			this.inFlight.add(req);
			const done = (/** @type {number | string} */ v) => {
				this.inFlight.delete(req);
				resolve(v);
			};
			req.setTimeout(this.opts.timeoutMs ?? CALLBACK_TIMEOUT_MS, () =>
				req.destroy(new Error('timeout')),
			);
			req.on('response', (res) => {
				res.resume();
				res.on('end', () => done(res.statusCode || 0));
				res.on('error', () => done(res.statusCode || 0));
			});
			req.on('error', (err) => done(`error: ${err.message}`));
			req.end(text);
		});
	}

	/** @param {number} ms */
	async wait(ms) {
		await new Promise((resolve) => {
			const t = setTimeout(() => {
				this.timers.delete(t);
				resolve(undefined);
			}, ms);
			this.timers.add(t);
		});
	}

	/** Stops all pending deliveries (reset/close). */
	abortAll() {
		this.generation++;
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		for (const req of this.inFlight) req.destroy();
		this.inFlight.clear();
	}

	close() {
		this.closed = true;
		this.abortAll();
	}
}

module.exports = { CallbackSender, signCallback };
