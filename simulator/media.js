// @ts-check
'use strict';

const crypto = require('crypto');
const { Readable } = require('stream');

// Result videos are not stored: their bytes are a pure function of (taskId, offset), produced on demand
// in 64 KiB chunks. That lets the simulator serve a 512 MB "video" with flat memory, lets tests recompute
// the expected bytes, and makes byte ranges cheap (each chunk is generated independently).

const CHUNK_SIZE = 65536;

/** An ISO-BMFF 'ftyp' box so the file at least starts like an MP4 (sniffers, `file`). */
const FTYP = Buffer.from(
	'00000020667479706973736f6d00000200697373306d69736f32617663316d703431',
	'hex',
);
FTYP.write('isom', 8, 'latin1');
FTYP.write('isom', 16, 'latin1');

/** A 1x1 PNG used as every thumbnail. */
const THUMBNAIL_PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
	'base64',
);

/** @param {string} taskId @returns {Uint32Array} four seed words */
function seedOf(taskId) {
	const h = crypto.createHash('sha256').update(String(taskId)).digest();
	return new Uint32Array([
		h.readUInt32LE(0),
		h.readUInt32LE(4),
		h.readUInt32LE(8),
		h.readUInt32LE(12),
	]);
}

/**
 * Chunk `index` of the video for a seed: xorshift128 seeded by (seed, index), little-endian words.
 * @param {Uint32Array} seed @param {number} index @returns {Buffer}
 */
function chunkBytes(seed, index) {
	// A whole-chunk allocation is never taken from Buffer's pool, so the word view is aligned.
	// Words are in platform byte order, which is little-endian on every platform Node ships for.
	const buf = Buffer.allocUnsafeSlow(CHUNK_SIZE);
	const words = new Uint32Array(buf.buffer, buf.byteOffset, CHUNK_SIZE / 4);
	let x = (seed[0] ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
	let y = (seed[1] ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
	let z = (seed[2] ^ Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
	let w = (seed[3] ^ index) >>> 0 || 1;
	for (let i = 0; i < words.length; i++) {
		const t = (x ^ (x << 11)) >>> 0;
		x = y;
		y = z;
		z = w;
		w = (w ^ (w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
		words[i] = w;
	}
	if (index === 0) FTYP.copy(buf, 0);
	return buf;
}

/**
 * The exact bytes served for a task's result video. For tests: fine up to a few MB.
 * @param {string} taskId @param {number} size @returns {Buffer}
 */
function expectedVideoBytes(taskId, size) {
	const seed = seedOf(taskId);
	const out = Buffer.allocUnsafe(size);
	for (let i = 0; i * CHUNK_SIZE < size; i++) {
		chunkBytes(seed, i).copy(out, i * CHUNK_SIZE, 0, Math.min(CHUNK_SIZE, size - i * CHUNK_SIZE));
	}
	return out;
}

/** SHA-256 (hex) of the result video, computed in a streaming way. @param {string} taskId @param {number} size */
function expectedVideoSha256(taskId, size) {
	const seed = seedOf(taskId);
	const hash = crypto.createHash('sha256');
	for (let i = 0; i * CHUNK_SIZE < size; i++) {
		const c = chunkBytes(seed, i);
		hash.update(c.subarray(0, Math.min(CHUNK_SIZE, size - i * CHUNK_SIZE)));
	}
	return hash.digest('hex');
}

/**
 * Streams bytes [start, end] (inclusive) of a task's video, generated on demand (pull-based: memory stays flat).
 * @param {string} taskId @param {number} start @param {number} end
 */
function videoStream(taskId, start, end) {
	const seed = seedOf(taskId);
	let pos = start;
	return new Readable({
		highWaterMark: CHUNK_SIZE,
		read() {
			if (pos > end) {
				this.push(null);
				return;
			}
			const index = Math.floor(pos / CHUNK_SIZE);
			const base = index * CHUNK_SIZE;
			const to = Math.min(CHUNK_SIZE, end - base + 1);
			this.push(chunkBytes(seed, index).subarray(pos - base, to));
			pos = base + to;
		},
	});
}

/**
 * Parses a single `bytes=a-b` range against a size; null = whole file, 'invalid' = 416.
 * @param {string | undefined} header @param {number} size
 * @returns {{ start: number, end: number } | null | 'invalid'}
 */
function parseRange(header, size) {
	if (!header) return null;
	const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
	let start;
	let end;
	if (m[1] === '') {
		start = Math.max(0, size - Number(m[2]));
		end = size - 1;
	} else {
		start = Number(m[1]);
		end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
	}
	if (start > end || start >= size) return 'invalid';
	return { start, end };
}

/** "YYYY-MM-DD HH:mm:ss" in UTC, Runway's generateTime format (§2). @param {number} ms */
function runwayTime(ms) {
	return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** "2023-08-15T14:30:45Z", Aleph's format (§4b). @param {number} ms */
function isoSeconds(ms) {
	return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

const MIME_BY_EXT = /** @type {Record<string,string>} */ ({
	mp4: 'video/mp4',
	mov: 'video/quicktime',
	avi: 'video/x-msvideo',
	webm: 'video/webm',
	mkv: 'video/x-matroska',
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	webp: 'image/webp',
	bmp: 'image/bmp',
	svg: 'image/svg+xml',
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	ogg: 'audio/ogg',
	m4a: 'audio/mp4',
	txt: 'text/plain',
	json: 'application/json',
	pdf: 'application/pdf',
	zip: 'application/zip',
});

/** @param {string} name */
function mimeFromName(name) {
	const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
	return (ext && MIME_BY_EXT[ext]) || null;
}

/** @param {string | null | undefined} mime */
function extFromMime(mime) {
	const clean = String(mime || '')
		.split(';')[0]
		.trim()
		.toLowerCase();
	for (const [ext, m] of Object.entries(MIME_BY_EXT)) if (m === clean) return ext;
	return 'bin';
}

module.exports = {
	CHUNK_SIZE,
	THUMBNAIL_PNG,
	expectedVideoBytes,
	expectedVideoSha256,
	videoStream,
	parseRange,
	runwayTime,
	isoSeconds,
	mimeFromName,
	extFromMime,
};
