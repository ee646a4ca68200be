// @ts-check
'use strict';

// Result file links: plain, or signed like KIE's download-url links (20 minutes, simulated time),
// and KIE's 14-day media retention (24 h for Market results, §11).

const crypto = require('crypto');
const {
	MEDIA_RETENTION_MS,
	MARKET_RESULT_RETENTION_MS,
	DOWNLOAD_URL_TTL_S,
} = require('./constants');

/** @typedef {import('./simulator').Simulator} Simulator */
/** @typedef {import('./tasks').Task} Task */

/** @param {Simulator} sim @param {Task} task */
function resultUrls(sim, task) {
	const link = (/** @type {string} */ path) =>
		sim.options.signedResultLinks ? signedLink(sim, path) : `${sim.baseUrl}${path}`;
	return {
		videoUrl: link(`/files/${task.taskId}.mp4`),
		imageUrl: link(`/files/${task.taskId}.png`),
	};
}

/** Older than KIE's media retention (simulated time). @param {Simulator} sim @param {Task} task */
function isExpired(sim, task) {
	const retention = task.model === 'market' ? MARKET_RESULT_RETENTION_MS : MEDIA_RETENTION_MS;
	return sim.clock.now() - task.createdAt > retention;
}

/**
 * download-url: a 20-minute signed link, only for result files this simulator generated.
 * @param {Simulator} sim @param {string} url @returns {string | null}
 */
function presignResultUrl(sim, url) {
	let parsed;
	try {
		parsed = new URL(url);
	} catch {
		return null;
	}
	const ours = new URL(sim.baseUrl);
	const loopback = ['127.0.0.1', 'localhost', '[::1]', ours.hostname];
	if (parsed.port !== ours.port || !loopback.includes(parsed.hostname)) return null;
	const m = /^\/files\/([^/]+)\.(mp4|png)$/.exec(parsed.pathname);
	const task = m ? sim.taskStore.get(m[1]) : undefined;
	if (!task || sim.taskStore.phase(task) !== 'success') return null;
	return signedLink(sim, parsed.pathname);
}

/** A link to one of our result files that works for 20 minutes from now (simulated). @param {Simulator} sim @param {string} path */
function signedLink(sim, path) {
	const date = String(Math.floor(sim.clock.now()));
	const sig = linkSignature(sim, path, date);
	return `${sim.baseUrl}${path}?X-Amz-Date=${date}&X-Amz-Expires=${DOWNLOAD_URL_TTL_S}&X-Amz-Signature=${sig}`;
}

/** @param {Simulator} sim @param {string} path @param {URLSearchParams} query */
function checkPresigned(sim, path, query) {
	const date = query.get('X-Amz-Date') || '';
	const expected = Buffer.from(linkSignature(sim, path, date));
	const given = Buffer.from(query.get('X-Amz-Signature') || '');
	if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return false;
	return sim.clock.now() - Number(date) <= DOWNLOAD_URL_TTL_S * 1000;
}

/** @param {Simulator} sim @param {string} path @param {string} date */
function linkSignature(sim, path, date) {
	return crypto.createHmac('sha256', sim.linkSecret).update(`${path}|${date}`).digest('hex');
}

module.exports = { resultUrls, isExpired, presignResultUrl, checkPresigned };
