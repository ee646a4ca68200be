// @ts-check
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const https = require('https');
const crypto = require('crypto');
const { pipeline } = require('stream/promises');
const { MSG, UPLOAD_RETENTION_MS, URL_UPLOAD_TIMEOUT_MS } = require('./constants');
const { mimeFromName, extFromMime } = require('./media');
const { parseMultipart, MultipartError } = require('./multipart');
const { isHttpUrl } = require('./http-util');

/**
 * @typedef {object} StoredUpload
 * @property {string} filePath uploadPath/fileName
 * @property {string} diskPath
 * @property {number} size
 * @property {string} mimeType
 * @property {number} uploadedAt simulated epoch ms
 */

/** @typedef {import('./http-util').Reply} Reply */

/** Upload-host error body (§8): HTTP status = code, because the upload API's spec keys its responses by HTTP status. */
/** @param {number} code @param {string} msg @returns {Reply} */
const uploadError = (code, msg) => ({ status: code, body: { success: false, code, msg } });

/**
 * The file-upload host (§8): three upload styles, files kept in a temp dir (removed on close) and
 * served back at their downloadUrl. Same uploadPath + fileName overwrites, as on KIE.
 */
class UploadStore {
	/** @param {import('./clock').SimClock} clock */
	constructor(clock) {
		this.clock = clock;
		this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kie-sim-'));
		/** @type {Map<string, StoredUpload>} */
		this.files = new Map();
		this.baseUrl = '';
	}

	/**
	 * Handles a POST on the upload host. Auth has been checked by the caller.
	 * @param {string} route @param {import('http').IncomingMessage} req @param {any} body parsed JSON (null for multipart)
	 * @returns {Promise<Reply>}
	 */
	async handle(route, req, body) {
		if (route === '/api/file-base64-upload') return this.base64Upload(body);
		if (route === '/api/file-stream-upload') return this.streamUpload(req);
		if (route === '/api/file-url-upload') return this.urlUpload(body);
		return uploadError(404, 'Not Found');
	}

	/** @param {any} body */
	async base64Upload(body) {
		if (!body || typeof body !== 'object')
			return uploadError(400, 'Missing required parameter: base64Data');
		if (!body.base64Data) return uploadError(400, 'Missing required parameter: base64Data');
		const target = this.target(body.uploadPath, body.fileName);
		if ('error' in target) return target.error;
		let data = String(body.base64Data);
		let mime = null;
		const dataUrl = /^data:([^;,]*)(?:;[^,]*)?;base64,/i.exec(data);
		if (dataUrl) {
			mime = dataUrl[1] || null;
			data = data.slice(dataUrl[0].length);
		}
		data = data.replace(/\s+/g, '');
		if (!data || !/^[A-Za-z0-9+/]+={0,2}$/.test(data) || data.length % 4 === 1) {
			return uploadError(400, 'Base64 decoding failed: Invalid Base64 format');
		}
		const bytes = Buffer.from(data, 'base64');
		const tmp = this.tempPath();
		await fs.promises.writeFile(tmp, bytes);
		return this.store(tmp, bytes.length, target, mime);
	}

	/** @param {import('http').IncomingMessage} req */
	async streamUpload(req) {
		let parsed;
		try {
			parsed = await parseMultipart(req, String(req.headers['content-type'] || ''), this.dir);
		} catch (err) {
			if (err instanceof MultipartError)
				return uploadError(400, `Invalid multipart body: ${err.message}`);
			throw err;
		}
		const file = parsed.files.file;
		const drop = () =>
			Object.values(parsed.files).forEach((f) => fs.rm(f.diskPath, { force: true }, () => {}));
		if (!file) {
			drop();
			return uploadError(400, 'Missing required parameter: file');
		}
		const target = this.target(
			parsed.fields.uploadPath,
			parsed.fields.fileName || file.filename || undefined,
		);
		if ('error' in target) {
			drop();
			return target.error;
		}
		for (const [name, f] of Object.entries(parsed.files))
			if (name !== 'file') fs.rm(f.diskPath, { force: true }, () => {});
		return this.store(file.diskPath, file.size, target, file.contentType || null);
	}

	/** @param {any} body */
	async urlUpload(body) {
		if (!body || typeof body !== 'object' || !body.fileUrl)
			return uploadError(400, 'Missing required parameter: fileUrl');
		if (!isHttpUrl(body.fileUrl))
			return uploadError(400, 'Invalid fileUrl: only http and https URLs are supported');
		let urlName = new URL(body.fileUrl).pathname.split('/').pop() || '';
		try {
			urlName = decodeURIComponent(urlName);
		} catch {
			/* keep the raw name */
		}
		const target = this.target(
			body.uploadPath,
			body.fileName || (urlName.includes('.') ? urlName : undefined),
		);
		if ('error' in target) return target.error;
		const tmp = this.tempPath();
		try {
			const { size, contentType } = await downloadToFile(body.fileUrl, tmp, URL_UPLOAD_TIMEOUT_MS);
			return this.store(tmp, size, target, contentType);
		} catch (err) {
			fs.rm(tmp, { force: true }, () => {});
			return uploadError(500, `File download failed: ${/** @type {Error} */ (err).message}`);
		}
	}

	/**
	 * Checks uploadPath/fileName; fileName is optional (a random one is generated later).
	 * @param {unknown} uploadPath @param {unknown} fileName
	 * @returns {{ error: Reply } | { uploadPath: string, fileName: string | null }}
	 */
	target(uploadPath, fileName) {
		if (typeof uploadPath !== 'string' || uploadPath.trim() === '')
			return { error: uploadError(400, 'Missing required parameter: uploadPath') };
		// KIE asks for no leading/trailing slashes; we trim them rather than fail.
		const clean = uploadPath.trim().replace(/^\/+|\/+$/g, '');
		if (clean.split('/').some((seg) => seg === '' || seg === '.' || seg === '..'))
			return { error: uploadError(400, 'Invalid uploadPath') };
		if (fileName !== undefined && fileName !== null && fileName !== '') {
			if (
				typeof fileName !== 'string' ||
				/[/\\]/.test(fileName) ||
				fileName === '.' ||
				fileName === '..'
			)
				return { error: uploadError(400, 'Invalid fileName') };
			return { uploadPath: clean, fileName };
		}
		return { uploadPath: clean, fileName: null };
	}

	/**
	 * @param {string} tmp file holding the bytes @param {number} size
	 * @param {{ uploadPath: string, fileName: string | null }} target @param {string | null} mimeHint
	 * @returns {Promise<Reply>}
	 */
	async store(tmp, size, target, mimeHint) {
		const hint = mimeHint ? mimeHint.split(';')[0].trim() : null;
		const fileName = target.fileName || `${crypto.randomUUID()}.${extFromMime(hint)}`;
		const mimeType = mimeFromName(fileName) || hint || 'application/octet-stream';
		const filePath = `${target.uploadPath}/${fileName}`;
		const previous = this.files.get(filePath);
		if (previous) fs.rm(previous.diskPath, { force: true }, () => {});
		const uploadedAt = this.clock.now();
		this.files.set(filePath, { filePath, diskPath: tmp, size, mimeType, uploadedAt });
		return {
			status: 200,
			body: {
				success: true,
				code: 200,
				msg: MSG.uploadSuccess,
				data: {
					fileName,
					filePath,
					downloadUrl: this.downloadUrl(filePath),
					fileSize: size,
					mimeType,
					uploadedAt: new Date(uploadedAt).toISOString(),
				},
			},
		};
	}

	/** @param {string} filePath */
	downloadUrl(filePath) {
		return `${this.baseUrl}/files/${filePath.split('/').map(encodeURIComponent).join('/')}`;
	}

	tempPath() {
		return path.join(this.dir, `upload-${crypto.randomUUID()}`);
	}

	/**
	 * GET/HEAD /files/<filePath> on the upload host; expired after 3 simulated days.
	 * @param {string} urlPath @param {import('http').IncomingMessage} req @param {import('http').ServerResponse} res
	 */
	serve(urlPath, req, res) {
		let filePath;
		try {
			filePath = urlPath.slice('/files/'.length).split('/').map(decodeURIComponent).join('/');
		} catch {
			filePath = '';
		}
		const file = this.files.get(filePath);
		if (!file || this.clock.now() - file.uploadedAt > UPLOAD_RETENTION_MS) {
			res.writeHead(404, { 'Content-Type': 'text/plain' });
			res.end('Not Found');
			return;
		}
		res.writeHead(200, { 'Content-Type': file.mimeType, 'Content-Length': String(file.size) });
		if (req.method === 'HEAD') {
			res.end();
			return;
		}
		pipeline(fs.createReadStream(file.diskPath), res).catch(() => res.destroy());
	}

	clear() {
		for (const f of this.files.values()) fs.rm(f.diskPath, { force: true }, () => {});
		this.files.clear();
	}

	close() {
		this.files.clear();
		fs.rmSync(this.dir, { recursive: true, force: true });
	}
}

/**
 * Downloads a URL to a file (redirects followed), failing after `timeoutMs` in total.
 * @param {string} url @param {string} dest @param {number} timeoutMs
 * @returns {Promise<{ size: number, contentType: string | null }>}
 */
function downloadToFile(url, dest, timeoutMs) {
	return new Promise((resolve, reject) => {
		/** @type {http.ClientRequest | null} */
		let current = null;
		const timer = setTimeout(() => {
			current?.destroy(new Error(`timed out after ${timeoutMs / 1000} s`));
		}, timeoutMs);
		const fail = (/** @type {Error} */ err) => {
			clearTimeout(timer);
			reject(err);
		};
		/** @param {string} target @param {number} redirects */
		const get = (target, redirects) => {
			const lib = target.startsWith('https:') ? https : http;
			current = lib.get(target, (res) => {
				const status = res.statusCode || 0;
				if (status >= 300 && status < 400 && res.headers.location && redirects < 5) {
					res.resume();
					get(new URL(res.headers.location, target).toString(), redirects + 1);
					return;
				}
				if (status < 200 || status >= 300) {
					res.resume();
					fail(new Error(`HTTP ${status}`));
					return;
				}
				let size = 0;
				res.on('data', (c) => (size += c.length));
				pipeline(res, fs.createWriteStream(dest)).then(
					() => {
						clearTimeout(timer);
						resolve({ size, contentType: res.headers['content-type'] || null });
					},
					(err) => fail(err),
				);
			});
			current.on('error', fail);
		};
		get(url, 0);
	});
}

module.exports = { UploadStore, uploadError };
