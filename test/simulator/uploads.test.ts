import * as crypto from 'crypto';
import { expectedVideoSha256 } from '../../simulator';
import { AUTH, type KieBody, RUNWAY_OK, Sim, post, startSim } from './helpers';

let sim: Sim;
beforeAll(async () => {
	sim = await startSim({ videoSizeBytes: 3_000_000 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const SUCCESS = {
	success: true,
	code: 200,
	msg: 'File uploaded successfully',
	data: {
		fileName: expect.any(String),
		filePath: expect.any(String),
		downloadUrl: expect.any(String),
		fileSize: expect.any(Number),
		mimeType: expect.any(String),
		uploadedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
	},
};

async function fetchBytes(url: string) {
	const res = await fetch(url);
	return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('base64 upload', () => {
	it('stores pure base64 and data URLs and serves them back at downloadUrl on the upload host', async () => {
		const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
		const res = await post(sim.uploadBaseUrl, '/api/file-base64-upload', {
			base64Data: png.toString('base64'),
			uploadPath: '/images/user-uploads/',
			fileName: 'a.png',
		});
		expect(res).toEqual({ status: 200, body: SUCCESS });
		expect(res.body.data).toMatchObject({
			fileName: 'a.png',
			filePath: 'images/user-uploads/a.png',
			fileSize: png.length,
			mimeType: 'image/png',
		});
		expect(res.body.data.downloadUrl).toBe(`${sim.uploadBaseUrl}/files/images/user-uploads/a.png`);
		const { res: served, bytes } = await fetchBytes(res.body.data.downloadUrl);
		expect(served.headers.get('content-type')).toBe('image/png');
		expect(served.headers.get('content-length')).toBe(String(png.length));
		expect(bytes.equals(png)).toBe(true);

		const dataUrl = await post(sim.uploadBaseUrl, '/api/file-base64-upload', {
			base64Data: `data:image/jpeg;base64,${Buffer.from('jpegdata').toString('base64')}`,
			uploadPath: 'x',
		});
		expect(dataUrl.body.data).toMatchObject({
			mimeType: 'image/jpeg',
			fileSize: 8,
			fileName: expect.stringMatching(/\.jpg$/),
		});
		expect((await fetchBytes(dataUrl.body.data.downloadUrl)).bytes.toString()).toBe('jpegdata');
		expect(JSON.stringify(sim.requests)).not.toContain(
			Buffer.from('jpegdata').toString('base64').repeat(100),
		);
	});

	it('overwrites the same uploadPath + fileName', async () => {
		for (const text of ['one', 'two']) {
			await post(sim.uploadBaseUrl, '/api/file-base64-upload', {
				base64Data: Buffer.from(text).toString('base64'),
				uploadPath: 'p',
				fileName: 'f.txt',
			});
		}
		expect((await fetchBytes(`${sim.uploadBaseUrl}/files/p/f.txt`)).bytes.toString()).toBe('two');
	});

	it('answers KIE error bodies: missing uploadPath, bad base64, bad key', async () => {
		expect(
			await post(sim.uploadBaseUrl, '/api/file-base64-upload', { base64Data: 'aGk=' }),
		).toEqual({
			status: 400,
			body: { success: false, code: 400, msg: 'Missing required parameter: uploadPath' },
		});
		expect(
			(
				await post(sim.uploadBaseUrl, '/api/file-base64-upload', {
					base64Data: '***not base64***',
					uploadPath: 'a',
				})
			).body,
		).toEqual({
			success: false,
			code: 400,
			msg: 'Base64 decoding failed: Invalid Base64 format',
		});
		expect(
			await post(
				sim.uploadBaseUrl,
				'/api/file-base64-upload',
				{ base64Data: 'aGk=', uploadPath: 'a' },
				{ ...AUTH, Authorization: 'Bearer bad' },
			),
		).toEqual({
			status: 401,
			body: { success: false, code: 401, msg: 'Authentication failed: Invalid API Key' },
		});
		expect((await fetch(`${sim.uploadBaseUrl}/files/a/missing.png`)).status).toBe(404);
		// The upload host has no /v1 routes.
		expect(
			(await post(sim.baseUrl, '/api/file-base64-upload', { base64Data: 'aGk=', uploadPath: 'a' }))
				.status,
		).toBe(404);
	});
});

describe('stream upload', () => {
	it('streams a ~50 MB multipart file to disk and serves identical bytes', async () => {
		const big = crypto.randomBytes(50 * 1024 * 1024);
		const form = new FormData();
		form.append('uploadPath', 'videos');
		form.append('file', new Blob([big], { type: 'video/mp4' }), 'clip.mp4');
		const res = await fetch(`${sim.uploadBaseUrl}/api/file-stream-upload`, {
			method: 'POST',
			headers: { Authorization: AUTH.Authorization },
			body: form,
		});
		const body = (await res.json()) as KieBody;
		expect(body).toEqual(SUCCESS);
		expect(body.data).toMatchObject({
			fileName: 'clip.mp4',
			filePath: 'videos/clip.mp4',
			fileSize: big.length,
			mimeType: 'video/mp4',
		});
		const served = await fetch(body.data.downloadUrl);
		expect(served.headers.get('content-length')).toBe(String(big.length));
		expect(served.headers.get('content-type')).toBe('video/mp4');
		const hash = crypto
			.createHash('sha256')
			.update(Buffer.from(await served.arrayBuffer()))
			.digest('hex');
		expect(hash).toBe(crypto.createHash('sha256').update(big).digest('hex'));
	}, 60_000); // 100 MB through two loopback hops: past jest's 5 s default on a busy 2-core machine

	it('uses fileName over the part name, and reports a missing file or uploadPath', async () => {
		const form = new FormData();
		form.append('file', new Blob(['hello']), 'orig.bin');
		form.append('uploadPath', 'docs');
		form.append('fileName', 'renamed.txt');
		const ok = (await (
			await fetch(`${sim.uploadBaseUrl}/api/file-stream-upload`, {
				method: 'POST',
				headers: { Authorization: AUTH.Authorization },
				body: form,
			})
		).json()) as KieBody;
		expect(ok.data).toMatchObject({ fileName: 'renamed.txt', mimeType: 'text/plain', fileSize: 5 });

		const noPath = new FormData();
		noPath.append('file', new Blob(['x']), 'a.txt');
		const r1 = await fetch(`${sim.uploadBaseUrl}/api/file-stream-upload`, {
			method: 'POST',
			headers: { Authorization: AUTH.Authorization },
			body: noPath,
		});
		expect(await r1.json()).toEqual({
			success: false,
			code: 400,
			msg: 'Missing required parameter: uploadPath',
		});

		const noFile = new FormData();
		noFile.append('uploadPath', 'a');
		const r2 = await fetch(`${sim.uploadBaseUrl}/api/file-stream-upload`, {
			method: 'POST',
			headers: { Authorization: AUTH.Authorization },
			body: noFile,
		});
		expect(((await r2.json()) as KieBody).msg).toBe('Missing required parameter: file');
	});
});

describe('URL upload', () => {
	it('fetches a loopback URL (here a simulator result video) and stores it', async () => {
		const { taskId } = (await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.data;
		sim.completeTask(taskId);
		const res = await post(sim.uploadBaseUrl, '/api/file-url-upload', {
			fileUrl: `${sim.baseUrl}/files/${taskId}.mp4`,
			uploadPath: 'from-url',
		});
		expect(res.body).toEqual(SUCCESS);
		expect(res.body.data).toMatchObject({
			fileName: `${taskId}.mp4`,
			fileSize: 3_000_000,
			mimeType: 'video/mp4',
		});
		const { bytes } = await fetchBytes(res.body.data.downloadUrl);
		expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(
			expectedVideoSha256(taskId, 3_000_000),
		);
	});

	it('reports a missing/invalid fileUrl and a failed download', async () => {
		expect(
			(await post(sim.uploadBaseUrl, '/api/file-url-upload', { uploadPath: 'a' })).body.msg,
		).toBe('Missing required parameter: fileUrl');
		expect(
			(
				await post(sim.uploadBaseUrl, '/api/file-url-upload', {
					fileUrl: 'ftp://x/y',
					uploadPath: 'a',
				})
			).body.code,
		).toBe(400);
		expect(
			(
				await post(sim.uploadBaseUrl, '/api/file-url-upload', {
					fileUrl: `${sim.baseUrl}/files/none.mp4`,
				})
			).body.msg,
		).toBe('Missing required parameter: uploadPath');
		const failed = await post(sim.uploadBaseUrl, '/api/file-url-upload', {
			fileUrl: `${sim.baseUrl}/files/none.mp4`,
			uploadPath: 'a',
		});
		expect(failed.body).toEqual({
			success: false,
			code: 500,
			msg: expect.stringContaining('HTTP 404'),
		});
	});
});
