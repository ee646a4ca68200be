// @ts-check
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Readable } = require('stream');

// Result videos are not stored: their bytes are a pure function of (taskId, size, offset), produced on
// demand in 64 KiB chunks. That lets the simulator serve a 512 MB "video" with flat memory, lets tests
// recompute the expected bytes, and makes byte ranges cheap (each chunk is generated independently).
//
// Every video that has room for it is a real, playable MP4 (so n8n's preview plays it): the committed
// clip (assets/result-video.mp4, see the README), with a per-task 'free' box after its 'ftyp' (results
// of different tasks differ from their first KB on) and, up to the requested size, one trailing 'free'
// box of pseudo-random bytes. Players skip 'free' boxes. A size too small for the clip gets the
// pseudo-random bytes behind an 'ftyp' only.

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

/** Bytes of the per-task 'free' box after the clip's 'ftyp' (its payload is generator bytes). */
const TASK_BOX_SIZE = 1024;

/** Top-level and nested boxes that contain the sample tables. */
const CONTAINER_BOXES = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl']);

/**
 * Adds `delta` to every chunk offset (stco/co64) in boxes [start, end) of `buf`, in place: the offsets
 * are absolute file positions, and inserting the task box moves the media data by its size.
 * @param {Buffer} buf @param {number} start @param {number} end @param {number} delta
 */
function shiftChunkOffsets(buf, start, end, delta) {
	for (let at = start; at + 8 <= end;) {
		let size = buf.readUInt32BE(at);
		let header = 8;
		if (size === 1) {
			size = Number(buf.readBigUInt64BE(at + 8));
			header = 16;
		} else if (size === 0) size = end - at;
		if (size < header) throw new Error(`Malformed MP4 box at ${at}`);
		const type = buf.toString('latin1', at + 4, at + 8);
		if (CONTAINER_BOXES.has(type)) shiftChunkOffsets(buf, at + header, at + size, delta);
		if (type === 'stco' || type === 'co64') {
			const count = buf.readUInt32BE(at + header + 4);
			for (let i = 0; i < count; i++) {
				if (type === 'stco') {
					const p = at + header + 8 + 4 * i;
					buf.writeUInt32BE(buf.readUInt32BE(p) + delta, p);
				} else {
					const p = at + header + 8 + 8 * i;
					buf.writeBigUInt64BE(buf.readBigUInt64BE(p) + BigInt(delta), p);
				}
			}
		}
		at += size;
	}
}

/** A box header: 8 bytes, or 16 (64-bit size) past 4 GiB. @param {string} type @param {number} size */
function boxHeader(type, size) {
	if (size <= 0xffffffff) {
		const h = Buffer.alloc(8);
		h.writeUInt32BE(size, 0);
		h.write(type, 4, 'latin1');
		return h;
	}
	const h = Buffer.alloc(16);
	h.writeUInt32BE(1, 0);
	h.write(type, 4, 'latin1');
	h.writeBigUInt64BE(BigInt(size), 8);
	return h;
}

/**
 * @typedef {{ offset: number, bytes: Buffer }} Region fixed bytes at a file offset
 * The clip's fixed regions (its 'ftyp', the task box's header, the rest with shifted chunk offsets),
 * and its length with the task box.
 */
const CLIP = (() => {
	const clip = fs.readFileSync(path.join(__dirname, 'assets', 'result-video.mp4'));
	if (clip.toString('latin1', 4, 8) !== 'ftyp')
		throw new Error('result-video.mp4 must start with ftyp');
	const ftypSize = clip.readUInt32BE(0);
	const rest = Buffer.from(clip.subarray(ftypSize));
	shiftChunkOffsets(rest, 0, rest.length, TASK_BOX_SIZE);
	/** @type {Region[]} */
	const regions = [
		{ offset: 0, bytes: clip.subarray(0, ftypSize) },
		{ offset: ftypSize, bytes: boxHeader('free', TASK_BOX_SIZE) },
		{ offset: ftypSize + TASK_BOX_SIZE, bytes: rest },
	];
	return { regions, length: clip.length + TASK_BOX_SIZE };
})();

/** Size of the result video when no size is set: the clip and its task box. */
const CLIP_VIDEO_BYTES = CLIP.length;

/**
 * The fixed regions of a video of `size` bytes, or null when the clip does not fit (then every byte
 * after the 'ftyp' is a generator byte, as before the clip existed).
 * @param {number} size @returns {Region[] | null}
 */
function layoutFor(size) {
	if (size === CLIP.length) return CLIP.regions;
	const padding = size - CLIP.length;
	// The smallest trailing box is its 8-byte header; 64-bit sizes need 16.
	if (padding < 16) return null;
	return [...CLIP.regions, { offset: CLIP.length, bytes: boxHeader('free', padding) }];
}

/**
 * Chunk `index` of a video: generator bytes with the layout's fixed regions over them.
 * @param {Uint32Array} seed @param {Region[] | null} regions @param {number} index @returns {Buffer}
 */
function videoChunk(seed, regions, index) {
	const buf = chunkBytes(seed, index);
	if (!regions) return buf;
	const from = index * CHUNK_SIZE;
	for (const { offset, bytes } of regions) {
		const start = Math.max(from, offset);
		const end = Math.min(from + CHUNK_SIZE, offset + bytes.length);
		if (start < end) bytes.copy(buf, start - from, start - offset, end - offset);
	}
	return buf;
}

/**
 * The exact bytes served for a task's result video. For tests: fine up to a few MB.
 * @param {string} taskId @param {number} [size] default: the clip alone (no size set)
 * @returns {Buffer}
 */
function expectedVideoBytes(taskId, size = CLIP_VIDEO_BYTES) {
	const seed = seedOf(taskId);
	const regions = layoutFor(size);
	const out = Buffer.allocUnsafe(size);
	for (let i = 0; i * CHUNK_SIZE < size; i++) {
		videoChunk(seed, regions, i).copy(
			out,
			i * CHUNK_SIZE,
			0,
			Math.min(CHUNK_SIZE, size - i * CHUNK_SIZE),
		);
	}
	return out;
}

/**
 * SHA-256 (hex) of the result video, computed in a streaming way.
 * @param {string} taskId @param {number} [size] default: the clip alone (no size set)
 */
function expectedVideoSha256(taskId, size = CLIP_VIDEO_BYTES) {
	const seed = seedOf(taskId);
	const regions = layoutFor(size);
	const hash = crypto.createHash('sha256');
	for (let i = 0; i * CHUNK_SIZE < size; i++) {
		const c = videoChunk(seed, regions, i);
		hash.update(c.subarray(0, Math.min(CHUNK_SIZE, size - i * CHUNK_SIZE)));
	}
	return hash.digest('hex');
}

/**
 * Streams bytes [start, end] (inclusive) of a task's video of `size` bytes, generated on demand
 * (pull-based: memory stays flat).
 * @param {string} taskId @param {number} size @param {number} start @param {number} end
 */
function videoStream(taskId, size, start, end) {
	const seed = seedOf(taskId);
	const regions = layoutFor(size);
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
			this.push(videoChunk(seed, regions, index).subarray(pos - base, to));
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
	CLIP_VIDEO_BYTES,
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
