// @ts-check
'use strict';

// KIE.ai simulator: a faithful local stand-in for KIE's API host and upload host
// (see docs/kie-api.md), so workflows can be tried without spending credits.

const { Simulator, DEFAULTS } = require('./simulator');
const { expectedVideoBytes, expectedVideoSha256, CLIP_VIDEO_BYTES } = require('./media');
const { signCallback } = require('./callbacks');

/**
 * Starts a simulator on two local listeners (API and upload host).
 * @param {Partial<import('./simulator').SimulatorOptions>} [options]
 * @returns {Promise<Simulator>}
 */
async function createSimulator(options = {}) {
	const sim = new Simulator(options);
	try {
		return await sim.listen();
	} catch (err) {
		await sim.close().catch(() => {});
		throw err;
	}
}

module.exports = {
	createSimulator,
	Simulator,
	DEFAULTS,
	expectedVideoBytes,
	expectedVideoSha256,
	CLIP_VIDEO_BYTES,
	signCallback,
};
