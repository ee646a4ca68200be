// @ts-check
'use strict';

// Result media on the API host: /files/<taskId>.mp4 (video) and /files/<taskId>.png (thumbnail).
// Public like KIE's CDN links (no key), 404 once the task is older than the 14-day retention,
// 403 for a download-url link past its 20 minutes.

const { pipeline } = require('stream/promises');
const { THUMBNAIL_PNG, CLIP_VIDEO_BYTES, videoStream, parseRange } = require('../media');

/** @typedef {import('../simulator').Simulator} Simulator */

/**
 * @param {Simulator} sim @param {string} path @param {URLSearchParams} query
 * @param {import('http').IncomingMessage} req @param {import('http').ServerResponse} res
 */
function serveResultFile(sim, path, query, req, res) {
	const m = /^\/files\/([^/]+)\.(mp4|png)$/.exec(path);
	const task = m ? sim.taskStore.get(m[1]) : undefined;
	if (!m || !task || sim.taskStore.phase(task) !== 'success' || sim.isExpired(task))
		return plain(res, 404, 'Not Found');
	if (query.has('X-Amz-Signature') && !sim.checkPresigned(path, query))
		return plain(res, 403, 'Request has expired');

	if (m[2] === 'png') {
		res.writeHead(200, {
			'Content-Type': 'image/png',
			'Content-Length': String(THUMBNAIL_PNG.length),
		});
		res.end(req.method === 'HEAD' ? undefined : THUMBNAIL_PNG);
		return;
	}
	const size = sim.options.videoSizeBytes ?? CLIP_VIDEO_BYTES;
	const range = parseRange(
		typeof req.headers.range === 'string' ? req.headers.range : undefined,
		size,
	);
	if (range === 'invalid') {
		res.writeHead(416, { 'Content-Range': `bytes */${size}` });
		res.end();
		return;
	}
	const start = range ? range.start : 0;
	const end = range ? range.end : size - 1;
	/** @type {Record<string, string>} */
	const headers = {
		'Content-Type': 'video/mp4',
		'Content-Length': String(end - start + 1),
		'Accept-Ranges': 'bytes',
	};
	if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
	res.writeHead(range ? 206 : 200, headers);
	if (req.method === 'HEAD' || size === 0) {
		res.end();
		return;
	}
	pipeline(videoStream(task.taskId, size, start, end), res).catch(() => res.destroy());
}

/** @param {import('http').ServerResponse} res @param {number} status @param {string} text */
function plain(res, status, text) {
	res.writeHead(status, {
		'Content-Type': 'text/plain',
		'Content-Length': String(Buffer.byteLength(text)),
	});
	res.end(text);
}

module.exports = { serveResultFile, plain };
