import { createHash } from 'node:crypto';

import type { INodeExecutionData } from 'n8n-workflow';

import {
	KIE,
	kieEngine,
	runKie,
	requestsTo,
	startSimulator,
	FAST_POLL,
	type Simulator,
} from './kie-helpers';

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator();
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => sim.reset());

function videoItem(bytes: number): INodeExecutionData {
	const data = Buffer.alloc(bytes);
	for (let i = 0; i < bytes; i++) data[i] = (i * 31) % 251;
	return {
		json: {},
		binary: {
			clip: { data: data.toString('base64'), mimeType: 'video/mp4', fileName: 'clip.mp4' },
		},
	};
}

describe('aleph', () => {
	test('generate from a URL: exact body, polled through record-info to the result', async () => {
		const run = await runKie(kieEngine(sim), {
			resource: 'aleph',
			operation: 'generate',
			prompt: 'Make it a watercolor painting',
			videoSource: 'url',
			videoUrl: 'https://example.com/in.mp4',
			referenceImageSource: 'url',
			referenceImageUrl: 'https://example.com/style.png',
			additionalFields: { aspectRatio: '21:9', seed: 42, uploadCn: true, waterMark: 'studio' },
			...FAST_POLL,
		});
		expect(run.status).toBe('success');
		expect(requestsTo(sim, 'POST', '/api/v1/aleph/generate')[0].body).toEqual({
			prompt: 'Make it a watercolor painting',
			videoUrl: 'https://example.com/in.mp4',
			referenceImage: 'https://example.com/style.png',
			aspectRatio: '21:9',
			seed: 42,
			uploadCn: true,
			waterMark: 'studio',
		});
		expect(requestsTo(sim, 'GET', '/api/v1/aleph/record-info').length).toBeGreaterThan(0);
		expect(run.output('KIE')[0].json).toMatchObject({
			model: 'aleph',
			status: 'succeeded',
			error: null,
		});
		expect(run.output('KIE')[0].json.createdAt).toMatch(/Z$/);
	});

	test('generate from a binary: uploaded by stream first, its URL sent to Aleph', async () => {
		const item = videoItem(300_000);
		const run = await runKie(
			kieEngine(sim),
			{
				resource: 'aleph',
				operation: 'generate',
				prompt: 'Neon style',
				videoSource: 'binary',
				videoBinaryProperty: 'clip',
				completion: 'submit',
			},
			[item],
		);
		expect(run.status).toBe('success');
		const [upload] = requestsTo(sim, 'POST', '/api/file-stream-upload');
		expect(upload).toBeDefined();
		const [create] = requestsTo(sim, 'POST', '/api/v1/aleph/generate');
		expect(create.body.videoUrl).toMatch(
			new RegExp(`^${sim.uploadBaseUrl}/files/n8n/kie-video/[0-9a-f]{8}-clip\\.mp4$`),
		);
		const served = Buffer.from(await (await fetch(create.body.videoUrl)).arrayBuffer());
		const sent = Buffer.from(item.binary!.clip.data, 'base64');
		expect(createHash('sha256').update(served).digest('hex')).toBe(
			createHash('sha256').update(sent).digest('hex'),
		);
	});

	test("get reads one task; a failed task carries KIE's message", async () => {
		const engine = kieEngine(sim);
		const created = await runKie(engine, {
			resource: 'aleph',
			operation: 'generate',
			prompt: 'x [fail]',
			videoSource: 'url',
			videoUrl: 'https://example.com/a.mp4',
			completion: 'submit',
		});
		const taskId = created.output('KIE')[0].json.taskId as string;
		sim.failTask(taskId, 'Your prompt was caught by our AI moderator.');
		const run = await runKie(engine, { resource: 'aleph', operation: 'get', taskId });
		expect(run.output('KIE')[0].json).toMatchObject({
			taskId,
			model: 'aleph',
			status: 'failed',
			error: { message: 'Your prompt was caught by our AI moderator.' },
		});
	});
});

describe('luma', () => {
	test('modify sends both watermark spellings and reads the epoch-ms record', async () => {
		const run = await runKie(kieEngine(sim), {
			resource: 'luma',
			operation: 'modify',
			prompt: 'Turn day into night',
			videoSource: 'url',
			videoUrl: 'https://example.com/day.mp4',
			watermark: 'acme',
			...FAST_POLL,
		});
		expect(run.status).toBe('success');
		expect(requestsTo(sim, 'POST', '/api/v1/modify/generate')[0].body).toEqual({
			prompt: 'Turn day into night',
			videoUrl: 'https://example.com/day.mp4',
			watermark: 'acme',
			waterMark: 'acme',
		});
		const [item] = run.output('KIE');
		expect(item.json).toMatchObject({ model: 'luma', status: 'succeeded' });
		expect(item.json.taskId).toMatch(/^[0-9a-f]{32}$/);
		expect(item.json.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		expect((item.json.videoUrls as string[]).length).toBeGreaterThan(0);
	});

	test('CALLBACK_FAILED (successFlag 4) still counts as a finished video', async () => {
		const run = await runKie(kieEngine(sim), {
			resource: 'luma',
			operation: 'modify',
			prompt: 'Rain [callback-failed]',
			videoSource: 'url',
			videoUrl: 'https://example.com/day.mp4',
			...FAST_POLL,
		});
		expect(run.status).toBe('success');
		expect(run.output('KIE')[0].json).toMatchObject({
			status: 'succeeded',
			raw: { successFlag: 4 },
		});
	});
});

describe('file', () => {
	test('upload a binary: streamed multipart, unique name, URL out', async () => {
		const item = videoItem(1_000_000);
		const run = await runKie(
			kieEngine(sim),
			{
				resource: 'file',
				operation: 'upload',
				source: 'binary',
				binaryPropertyName: 'clip',
				uploadPath: '/my/folder/',
			},
			[item],
		);
		expect(run.status).toBe('success');
		const out = run.output('KIE')[0].json;
		expect(out.url).toMatch(new RegExp(`/files/my/folder/[0-9a-f]{8}-clip\\.mp4$`));
		expect(out.fileSize).toBe(1_000_000);
		const served = Buffer.from(await (await fetch(out.url as string)).arrayBuffer());
		expect(served.equals(Buffer.from(item.binary!.clip.data, 'base64'))).toBe(true);
	});

	test('upload from a URL lets KIE fetch it', async () => {
		const engine = kieEngine(sim);
		const done = await runKie(engine, {
			resource: 'runway',
			operation: 'generate',
			prompt: 'Sky',
			...FAST_POLL,
		});
		const videoUrl = done.output('KIE')[0].json.videoUrl as string;
		const run = await runKie(engine, {
			resource: 'file',
			operation: 'upload',
			source: 'url',
			fileUrl: videoUrl,
		});
		expect(run.status).toBe('success');
		const [request] = requestsTo(sim, 'POST', '/api/file-url-upload');
		expect(request.body).toMatchObject({ fileUrl: videoUrl, uploadPath: 'n8n/kie-video' });
		expect(request.body.fileName).toMatch(/^[0-9a-f]{8}-[\w-]+\.mp4$/);
		const copy = Buffer.from(
			await (await fetch(run.output('KIE')[0].json.url as string)).arrayBuffer(),
		);
		const original = Buffer.from(await (await fetch(videoUrl)).arrayBuffer());
		expect(copy.equals(original)).toBe(true);
	});

	test("a binary held in n8n's binary store is streamed to the upload (download -> Aleph)", async () => {
		const engine = kieEngine(sim);
		const run = await engine.run({
			nodes: [
				// Version 1 (Legacy endpoints), as the rest of this file; the Market API has its own file.
				{
					name: 'Generate',
					type: KIE,
					typeVersion: 1,
					parameters: {
						resource: 'runway',
						operation: 'generate',
						prompt: 'Dunes',
						...FAST_POLL,
						completionOptions: { ...FAST_POLL.completionOptions, downloadResult: true },
					},
				},
				{
					name: 'Restyle',
					type: KIE,
					typeVersion: 1,
					parameters: {
						resource: 'aleph',
						operation: 'generate',
						prompt: 'Pencil sketch',
						videoSource: 'binary',
						videoBinaryProperty: 'data',
						completion: 'submit',
					},
				},
			],
		});
		expect(run.status).toBe('success');
		const generated = run.output('Generate')[0];
		expect(generated.binary?.data.id).toBeDefined();
		const [create] = requestsTo(sim, 'POST', '/api/v1/aleph/generate');
		const uploaded = Buffer.from(await (await fetch(create.body.videoUrl)).arrayBuffer());
		const original = Buffer.from(
			await (await fetch(generated.json.videoUrl as string)).arrayBuffer(),
		);
		expect(uploaded.equals(original)).toBe(true);
	});

	test('getDownloadUrl: a 20-minute link for a KIE file; other URLs are refused with 422', async () => {
		const engine = kieEngine(sim);
		const done = await runKie(engine, {
			resource: 'runway',
			operation: 'generate',
			prompt: 'Sea',
			...FAST_POLL,
		});
		const videoUrl = done.output('KIE')[0].json.videoUrl as string;
		const run = await runKie(engine, {
			resource: 'file',
			operation: 'getDownloadUrl',
			url: videoUrl,
		});
		expect(run.status).toBe('success');
		const link = run.output('KIE')[0].json;
		expect(link.downloadUrl).toEqual(expect.stringContaining('X-Amz-Expires=1200'));
		expect((await fetch(link.downloadUrl as string)).status).toBe(200);
		const refused = await runKie(engine, {
			resource: 'file',
			operation: 'getDownloadUrl',
			url: 'https://example.com/other.mp4',
		});
		expect(refused.status).toBe('error');
		expect(refused.error?.message).toContain('(code 422)');
	});
});
