// @ts-check
'use strict';

/**
 * KIE's limit on new generation requests: N per sliding window per key, excess rejected (not queued).
 * Only accepted requests occupy the window, so a client that backs off gets through as soon as the
 * oldest accepted request leaves it. Wall clock, because clients pace themselves with real timers.
 */
class SlidingWindowLimiter {
	/** @param {{ max: number, windowMs: number }} opts */
	constructor(opts) {
		this.max = opts.max;
		this.windowMs = opts.windowMs;
		/** @type {Map<string, number[]>} */
		this.hits = new Map();
	}

	/** Records a request for `key` if allowed. @param {string} key @returns {boolean} */
	tryTake(key) {
		const now = Date.now();
		const list = (this.hits.get(key) || []).filter((t) => now - t < this.windowMs);
		if (list.length >= this.max) {
			this.hits.set(key, list);
			return false;
		}
		list.push(now);
		this.hits.set(key, list);
		return true;
	}

	clear() {
		this.hits.clear();
	}
}

module.exports = { SlidingWindowLimiter };
