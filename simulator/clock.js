// @ts-check
'use strict';

/**
 * Simulated time. Task durations, the recordInfo-null window and retention periods run on this clock,
 * so a benchmark can run a "10 minute" task in seconds (timeScale) and a test can jump 14 days ahead
 * (advance). Network-facing delays (fault delays, callback timeouts/retries, the rate-limit window)
 * stay on the wall clock, because the code under test measures them with real timers.
 */
class SimClock {
	/** @param {number} timeScale simulated ms per wall ms */
	constructor(timeScale) {
		this.timeScale = timeScale > 0 ? timeScale : 1;
		this.realStart = Date.now();
		this.offsetMs = 0;
	}

	/** Current simulated epoch ms (equals Date.now() at timeScale 1 without advance). */
	now() {
		return this.realStart + (Date.now() - this.realStart) * this.timeScale + this.offsetMs;
	}

	/** @param {number} ms simulated ms to jump forward */
	advance(ms) {
		this.offsetMs += Math.max(0, ms);
	}

	/** Wall-clock delay until a simulated instant (clamped to what setTimeout accepts). @param {number} simAt */
	wallDelayUntil(simAt) {
		const wall = (simAt - this.now()) / this.timeScale;
		return Math.min(Math.max(0, Math.ceil(wall)), 2 ** 31 - 1);
	}

	reset() {
		this.realStart = Date.now();
		this.offsetMs = 0;
	}
}

module.exports = { SimClock };
