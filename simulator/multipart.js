// @ts-check
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { once } = require('events');

/**
 * @typedef {object} MultipartFile
 * @property {string} diskPath where the part was written
 * @property {number} size
 * @property {string} filename the client's filename ('' if none)
 * @property {string} contentType the part's Content-Type ('' if none)
 */

const FIELD_LIMIT = 1024 * 1024;
const HEADER_LIMIT = 16 * 1024;

class MultipartError extends Error {}

/**
 * Streaming multipart/form-data parser: file parts go straight to disk with backpressure, so a
 * 100+ MB upload never sits in memory. Only the last few bytes (a possible partial boundary) are
 * held back between chunks.
 * @param {AsyncIterable<Buffer>} source the request
 * @param {string} contentType the request's Content-Type header
 * @param {string} dir directory for file parts
 * @returns {Promise<{ fields: Record<string, string>, files: Record<string, MultipartFile> }>}
 */
async function parseMultipart(source, contentType, dir) {
	const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType || '');
	if (!/^multipart\/form-data/i.test(contentType || '') || !m)
		throw new MultipartError('Content-Type must be multipart/form-data with a boundary');
	const delimiter = Buffer.from(`\r\n--${m[1] || m[2]}`);
	/** @type {Record<string, string>} */
	const fields = {};
	/** @type {Record<string, MultipartFile>} */
	const files = {};
	/** @type {{ name: string, file: MultipartFile | null, stream: fs.WriteStream | null, chunks: Buffer[], size: number } | null} */
	let part = null;
	let state = 'preamble';
	// A leading CRLF lets the very first boundary match the same "\r\n--boundary" delimiter.
	/** @type {Buffer} */
	let buf = Buffer.from('\r\n');

	/** @param {Buffer} data */
	const write = async (data) => {
		if (!part || data.length === 0) return;
		part.size += data.length;
		if (part.stream) {
			if (!part.stream.write(data)) await once(part.stream, 'drain');
		} else {
			if (part.size > FIELD_LIMIT) throw new MultipartError(`Field ${part.name} is too large`);
			part.chunks.push(Buffer.from(data));
		}
	};
	const finishPart = async () => {
		if (!part) return;
		if (part.stream && part.file) {
			const stream = part.stream;
			await new Promise((resolve, reject) =>
				stream.end((/** @type {any} */ err) => (err ? reject(err) : resolve(undefined))),
			);
			part.file.size = part.size;
			files[part.name] = part.file;
		} else if (!part.stream) {
			fields[part.name] = Buffer.concat(part.chunks).toString('utf8');
		}
		part = null;
	};

	try {
		for await (const chunk of source) {
			// After the closing boundary, drain the epilogue (breaking out would destroy the socket).
			if (state === 'done') continue;
			buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
			for (;;) {
				if (state === 'preamble') {
					const i = buf.indexOf(delimiter);
					if (i < 0) {
						buf = buf.subarray(Math.max(0, buf.length - delimiter.length));
						break;
					}
					buf = buf.subarray(i + delimiter.length);
					state = 'after-delimiter';
				}
				if (state === 'after-delimiter') {
					if (buf.length < 2) break;
					if (buf[0] === 0x2d && buf[1] === 0x2d) {
						state = 'done';
						break;
					}
					const eol = buf.indexOf('\r\n');
					if (eol < 0) break;
					buf = buf.subarray(eol + 2);
					state = 'headers';
				}
				if (state === 'headers') {
					const end = buf.subarray(0, 2).toString() === '\r\n' ? 0 : buf.indexOf('\r\n\r\n');
					if (end < 0) {
						if (buf.length > HEADER_LIMIT) throw new MultipartError('Part headers too large');
						break;
					}
					const headerText = buf.subarray(0, end).toString('utf8');
					buf = buf.subarray(end === 0 ? 2 : end + 4);
					part = openPart(headerText, dir);
					state = 'body';
				}
				if (state === 'body') {
					const i = buf.indexOf(delimiter);
					if (i >= 0) {
						await write(buf.subarray(0, i));
						await finishPart();
						buf = buf.subarray(i + delimiter.length);
						state = 'after-delimiter';
						continue;
					}
					const keep = delimiter.length - 1;
					if (buf.length > keep) {
						await write(buf.subarray(0, buf.length - keep));
						buf = Buffer.from(buf.subarray(buf.length - keep));
					}
					break;
				}
				break;
			}
		}
		if (state !== 'done') throw new MultipartError('Incomplete multipart body');
		return { fields, files };
	} catch (err) {
		const open = /** @type {any} */ (part);
		if (open && open.stream) open.stream.destroy();
		for (const f of Object.values(files)) fs.rm(f.diskPath, { force: true }, () => {});
		if (open && open.file) fs.rm(open.file.diskPath, { force: true }, () => {});
		throw err;
	}
}

/** @param {string} headerText @param {string} dir */
function openPart(headerText, dir) {
	/** @type {Record<string, string>} */
	const headers = {};
	for (const line of headerText.split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon > 0)
			headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	const disposition = headers['content-disposition'] || '';
	const name =
		/\bname="([^"]*)"/i.exec(disposition)?.[1] ??
		/\bname=([^;]+)/i.exec(disposition)?.[1]?.trim() ??
		'';
	const filenameMatch =
		/\bfilename\*=UTF-8''([^;]+)/i.exec(disposition) || /\bfilename="([^"]*)"/i.exec(disposition);
	if (!filenameMatch) return { name, file: null, stream: null, chunks: [], size: 0 };
	let filename = filenameMatch[1];
	try {
		filename = decodeURIComponent(filename);
	} catch {
		/* keep raw */
	}
	const diskPath = path.join(dir, `part-${crypto.randomUUID()}`);
	return {
		name,
		file: { diskPath, size: 0, filename, contentType: headers['content-type'] || '' },
		stream: fs.createWriteStream(diskPath),
		chunks: [],
		size: 0,
	};
}

module.exports = { parseMultipart, MultipartError };
