import { expectedVideoBytes } from '../../simulator';
import {
	AUTH,
	ALEPH_OK,
	LUMA_OK,
	RUNWAY_OK,
	Sim,
	get,
	post,
	sleep,
	startSim,
	waitFor,
} from './helpers';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DAY = 24 * 60 * 60 * 1000;

let sim: Sim;
beforeAll(async () => {
	sim = await startSim({ apiKeys: ['sim-key', 'other-key'] });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

async function runway(body: Record<string, unknown> = RUNWAY_OK) {
	return post(sim.baseUrl, '/api/v1/runway/generate', body);
}

async function finished(path: string, taskId: string) {
	sim.completeTask(taskId);
	return (await get(sim.baseUrl, `${path}?taskId=${taskId}`)).body.data;
}

describe('auth', () => {
	it('answers a missing or wrong Bearer key with HTTP 200 and body code 401, creating nothing', async () => {
		for (const headers of [
			{ 'Content-Type': 'application/json' },
			{ ...AUTH, Authorization: 'Bearer wrong' },
		]) {
			const res = await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK, headers);
			expect(res).toEqual({
				status: 200,
				body: { code: 401, msg: 'You do not have access permissions', data: null },
			});
		}
		const credit = await get(sim.baseUrl, '/api/v1/chat/credit', { Authorization: 'Bearer nope' });
		expect(credit.body.code).toBe(401);
		expect(sim.tasksCreated()).toBe(0);
		expect(sim.credits).toBe(10000);
	});

	it('never logs the key', async () => {
		await get(sim.baseUrl, '/api/v1/chat/credit');
		expect(JSON.stringify(sim.requests)).not.toContain('sim-key');
		expect(sim.requests[0].headers.authorization).toBe('Bearer [redacted]');
	});
});

describe('Runway generate', () => {
	it('creates a task with a UUID v4 id and bills 12 / 30 / 30 credits per tier', async () => {
		const a = await runway();
		expect(a).toEqual({
			status: 200,
			body: { code: 200, msg: 'success', data: { taskId: expect.stringMatching(UUID_V4) } },
		});
		expect(sim.credits).toBe(10000 - 12);
		await runway({ ...RUNWAY_OK, duration: 10 });
		expect(sim.credits).toBe(10000 - 12 - 30);
		await runway({ ...RUNWAY_OK, quality: '1080p' });
		expect(sim.credits).toBe(10000 - 12 - 30 - 30);
		expect(sim.tasksCreated()).toBe(3);
		expect(sim.getTask(a.body.data.taskId)).toMatchObject({
			model: 'runway',
			params: { prompt: RUNWAY_OK.prompt },
			callBackUrl: null,
		});
	});

	it.each([
		[{ ...RUNWAY_OK, prompt: undefined }, 'prompt'],
		[{ ...RUNWAY_OK, prompt: 'x'.repeat(1801) }, 'prompt'],
		[{ ...RUNWAY_OK, duration: 8 }, 'duration'],
		[{ ...RUNWAY_OK, duration: undefined }, 'duration'],
		[{ ...RUNWAY_OK, quality: '4k' }, 'quality'],
		[{ ...RUNWAY_OK, quality: undefined }, 'quality'],
		[{ ...RUNWAY_OK, duration: 10, quality: '1080p' }, '1080p'],
		[{ ...RUNWAY_OK, aspectRatio: undefined }, 'aspectRatio'],
		[{ ...RUNWAY_OK, aspectRatio: '21:9' }, 'aspectRatio'],
		[{ ...RUNWAY_OK, imageUrl: 'not a url' }, 'imageUrl'],
		[{ ...RUNWAY_OK, callBackUrl: 'ftp://x' }, 'callBackUrl'],
	])('rejects %j with code 422 naming %s, without billing', async (body, field) => {
		const res = await runway(body);
		expect(res.status).toBe(200);
		expect(res.body.code).toBe(422);
		expect(res.body.msg).toContain(field);
		expect(sim.tasksCreated()).toBe(0);
		expect(sim.credits).toBe(10000);
	});

	it('accepts image-to-video without aspectRatio and 1800-character prompts', async () => {
		expect(
			(
				await runway({
					prompt: 'p'.repeat(1800),
					duration: 5,
					quality: '720p',
					imageUrl: 'https://e.com/a.png',
				})
			).body.code,
		).toBe(200);
	});

	it('answers recordInfo is null right after creation, then walks wait/queueing/generating to success', async () => {
		sim.configure({ taskDurationMs: 1200, recordNullMs: 300 });
		const { taskId } = (await runway({ ...RUNWAY_OK, imageUrl: 'https://e.com/a.png' })).body.data;
		const first = await get(sim.baseUrl, `/api/v1/runway/record-detail?taskId=${taskId}`);
		expect(first).toEqual({
			status: 200,
			body: { code: 422, msg: 'recordInfo is null', data: null },
		});
		const seen: string[] = [];
		let data: any;
		await waitFor(
			async () => {
				const r = await get(sim.baseUrl, `/api/v1/runway/record-detail?taskId=${taskId}`);
				if (r.body.code !== 200) return false;
				data = r.body.data;
				if (seen[seen.length - 1] !== data.state) seen.push(data.state);
				if (data.state !== 'success') expect(data.videoInfo).toBeUndefined();
				return data.state === 'success';
			},
			3000,
			10,
		);
		const order = ['wait', 'queueing', 'generating', 'success'];
		expect(seen.map((s) => order.indexOf(s))).toEqual(
			[...seen.map((s) => order.indexOf(s))].sort(),
		);
		expect(seen).toContain('generating');
		expect(data).toEqual({
			taskId,
			parentTaskId: '',
			generateParam: {
				prompt: RUNWAY_OK.prompt,
				imageUrl: 'https://e.com/a.png',
				expandPrompt: false,
			},
			state: 'success',
			generateTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
			videoInfo: {
				videoId: expect.stringMatching(UUID_V4),
				taskId,
				videoUrl: `${sim.baseUrl}/files/${taskId}.mp4`,
				imageUrl: `${sim.baseUrl}/files/${taskId}.png`,
			},
			expireFlag: 0,
		});
		expect(
			Math.abs(Date.parse(data.generateTime.replace(' ', 'T') + 'Z') - Date.now()),
		).toBeLessThan(5000);
	});

	it('fails a prompt containing [fail] with a moderation message and no videoInfo', async () => {
		const { taskId } = (await runway({ ...RUNWAY_OK, prompt: 'a cat [fail]' })).body.data;
		await sleep(350);
		const { data } = (await get(sim.baseUrl, `/api/v1/runway/record-detail?taskId=${taskId}`)).body;
		expect(data).toMatchObject({
			state: 'fail',
			failCode: 400,
			failMsg: expect.stringContaining('moderator'),
		});
		expect(data.videoInfo).toBeUndefined();
	});

	it("answers recordInfo is null for unknown ids and for another model's task", async () => {
		const { taskId } = (await post(sim.baseUrl, '/api/v1/aleph/generate', ALEPH_OK)).body.data;
		sim.completeTask(taskId);
		for (const id of ['nope', taskId]) {
			expect((await get(sim.baseUrl, `/api/v1/runway/record-detail?taskId=${id}`)).body).toEqual({
				code: 422,
				msg: 'recordInfo is null',
				data: null,
			});
		}
		expect((await get(sim.baseUrl, '/api/v1/runway/record-detail')).body.code).toBe(422);
	});
});

describe('Runway extend', () => {
	it('extends only a successful Runway task; the child carries parentTaskId and the parent frame', async () => {
		expect(
			(
				await post(sim.baseUrl, '/api/v1/runway/extend', {
					taskId: 'missing',
					prompt: 'more',
					quality: '720p',
				})
			).body,
		).toMatchObject({ code: 422, msg: expect.stringContaining('taskId') });
		const parent = (await runway()).body.data.taskId;
		const early = await post(sim.baseUrl, '/api/v1/runway/extend', {
			taskId: parent,
			prompt: 'more',
			quality: '720p',
		});
		expect(early.body.code).toBe(422);
		expect(
			(await post(sim.baseUrl, '/api/v1/runway/extend', { taskId: parent, quality: '720p' })).body
				.msg,
		).toContain('prompt');
		expect(
			(await post(sim.baseUrl, '/api/v1/runway/extend', { taskId: parent, prompt: 'x' })).body.msg,
		).toContain('quality');
		sim.completeTask(parent);
		const before = sim.credits;
		const res = await post(sim.baseUrl, '/api/v1/runway/extend', {
			taskId: parent,
			prompt: 'more',
			quality: '1080p',
		});
		expect(res.body).toEqual({
			code: 200,
			msg: 'success',
			data: { taskId: expect.stringMatching(UUID_V4) },
		});
		expect(before - sim.credits).toBe(30);
		const child = await finished('/api/v1/runway/record-detail', res.body.data.taskId);
		expect(child).toMatchObject({
			parentTaskId: parent,
			state: 'success',
			generateParam: { prompt: 'more', imageUrl: `${sim.baseUrl}/files/${parent}.png` },
		});
	});
});

describe('Runway Aleph', () => {
	it.each([
		[{ ...ALEPH_OK, prompt: '' }, 'prompt'],
		[{ prompt: 'x' }, 'videoUrl'],
		[{ ...ALEPH_OK, aspectRatio: '2:1' }, 'aspectRatio'],
		[{ ...ALEPH_OK, seed: 1.5 }, 'seed'],
		[{ ...ALEPH_OK, referenceImage: 'nope' }, 'referenceImage'],
		[{ ...ALEPH_OK, uploadCn: 'yes' }, 'uploadCn'],
	])('rejects %j with 422 naming %s', async (body, field) => {
		const res = await post(sim.baseUrl, '/api/v1/aleph/generate', body);
		expect(res.body).toMatchObject({ code: 422, msg: expect.stringContaining(field) });
		expect(sim.tasksCreated()).toBe(0);
	});

	it('reports processing then success on record-info (and the record-detail alias), billing 110', async () => {
		const body = {
			...ALEPH_OK,
			aspectRatio: '21:9',
			seed: 7,
			uploadCn: false,
			waterMark: 'hi',
			referenceImage: 'https://e.com/r.png',
		};
		sim.configure({ taskDurationMs: 10_000 });
		const { taskId } = (await post(sim.baseUrl, '/api/v1/aleph/generate', body)).body.data;
		expect(taskId).toMatch(UUID_V4);
		expect(sim.credits).toBe(10000 - 110);
		await sleep(60);
		const processing = (await get(sim.baseUrl, `/api/v1/aleph/record-info?taskId=${taskId}`)).body
			.data;
		expect(processing).toEqual({
			taskId,
			paramJson: JSON.stringify(body),
			response: null,
			completeTime: null,
			createTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
			successFlag: 0,
			errorCode: 0,
			errorMessage: '',
		});
		const done = await finished('/api/v1/aleph/record-info', taskId);
		expect(done).toMatchObject({
			successFlag: 1,
			completeTime: expect.stringMatching(/Z$/),
			response: {
				taskId,
				resultVideoUrl: `${sim.baseUrl}/files/${taskId}.mp4`,
				resultImageUrl: `${sim.baseUrl}/files/${taskId}.png`,
			},
		});
		expect(
			(await get(sim.baseUrl, `/api/v1/aleph/record-detail?taskId=${taskId}`)).body.data,
		).toEqual(done);
	});

	it('reports a failure as successFlag 0 with an error message', async () => {
		const { taskId } = (
			await post(sim.baseUrl, '/api/v1/aleph/generate', { ...ALEPH_OK, prompt: '[fail] snow' })
		).body.data;
		await sleep(350);
		const data = (await get(sim.baseUrl, `/api/v1/aleph/record-info?taskId=${taskId}`)).body.data;
		expect(data).toMatchObject({
			successFlag: 0,
			response: null,
			errorCode: 400,
			errorMessage: expect.stringContaining('moderator'),
		});
		expect(data.completeTime).not.toBeNull();
	});
});

describe('Luma Modify', () => {
	it('uses 32-hex ids, stores watermark as waterMark, epoch-ms times, and response only when done', async () => {
		expect(
			(await post(sim.baseUrl, '/api/v1/modify/generate', { prompt: 'x' })).body,
		).toMatchObject({ code: 422, msg: expect.stringContaining('videoUrl') });
		sim.configure({ taskDurationMs: 10_000 });
		const cb = 'https://hooks.example.com/kie?x=1';
		const { taskId } = (
			await post(sim.baseUrl, '/api/v1/modify/generate', {
				...LUMA_OK,
				watermark: 'wm',
				callBackUrl: cb,
			})
		).body.data;
		expect(taskId).toMatch(/^[0-9a-f]{32}$/);
		expect(sim.credits).toBe(10000 - 60);
		await sleep(60);
		const processing = (await get(sim.baseUrl, `/api/v1/modify/record-info?taskId=${taskId}`)).body
			.data;
		expect(processing).toEqual({
			taskId,
			paramJson: JSON.stringify({
				callBackUrl: cb,
				prompt: LUMA_OK.prompt,
				videoUrl: LUMA_OK.videoUrl,
				waterMark: 'wm',
			}),
			completeTime: null,
			successFlag: 0,
			createTime: expect.any(Number),
			errorCode: null,
			errorMessage: null,
		});
		expect(Math.abs(processing.createTime - Date.now())).toBeLessThan(5000);
		sim.setCallbackBehaviour({ mode: 'lost', times: 0 }); // keep the callback from leaving for a fake host
		const done = await finished('/api/v1/modify/record-info', taskId);
		expect(done).toMatchObject({
			successFlag: expect.any(Number),
			completeTime: expect.any(Number),
			response: {
				taskId,
				originUrls: [LUMA_OK.videoUrl],
				resultUrls: [`${sim.baseUrl}/files/${taskId}.mp4`],
			},
		});
	});

	it('accepts waterMark too, and reports failure as successFlag 3', async () => {
		const { taskId } = (
			await post(sim.baseUrl, '/api/v1/modify/generate', {
				...LUMA_OK,
				prompt: 'x [fail]',
				waterMark: 'W',
			})
		).body.data;
		sim.failTask(taskId, 'Generate failed');
		const data = (await get(sim.baseUrl, `/api/v1/modify/record-info?taskId=${taskId}`)).body.data;
		expect(JSON.parse(data.paramJson).waterMark).toBe('W');
		expect(data).toMatchObject({ successFlag: 3, errorCode: 400, errorMessage: 'Generate failed' });
		expect(data.response).toBeUndefined();
	});

	it('ends in successFlag 4 (CALLBACK_FAILED) for a [callback-failed] prompt', async () => {
		const { taskId } = (
			await post(sim.baseUrl, '/api/v1/modify/generate', {
				...LUMA_OK,
				prompt: 'x [callback-failed]',
				callBackUrl: 'http://127.0.0.1:9/none',
			})
		).body.data;
		const data = await finished('/api/v1/modify/record-info', taskId);
		expect(data.successFlag).toBe(4);
		expect(data.response.resultUrls).toHaveLength(1);
		await sleep(30);
		expect(sim.callbacks).toHaveLength(0);
	});
});

describe('credits', () => {
	it('returns the balance as an integer and refuses a task it cannot pay with 402', async () => {
		expect((await get(sim.baseUrl, '/api/v1/chat/credit')).body).toEqual({
			code: 200,
			msg: 'success',
			data: 10000,
		});
		sim.configure({ credits: 11 });
		const res = await runway();
		expect(res.body).toEqual({ code: 402, msg: 'Insufficient Credits', data: null });
		expect(sim.tasksCreated()).toBe(0);
		expect((await get(sim.baseUrl, '/api/v1/chat/credit')).body.data).toBe(11);
		sim.configure({ credits: 12 });
		expect((await runway()).body.code).toBe(200);
		expect(sim.credits).toBe(0);
	});
});

describe('rate limit', () => {
	it('rejects the create call over the per-key window with HTTP 429, unbilled, and lets it pass after the window', async () => {
		sim.configure({ rateLimit: { max: 3, windowMs: 1000 } });
		for (let i = 0; i < 3; i++) expect((await runway()).body.code).toBe(200);
		const over = await runway();
		expect(over.status).toBe(429);
		expect(over.body).toMatchObject({ code: 429, data: null });
		expect(sim.tasksCreated()).toBe(3);
		expect(sim.credits).toBe(10000 - 36);
		expect(sim.count('create')).toBe(4);
		// Status calls are not create calls, and another key has its own window.
		expect((await get(sim.baseUrl, '/api/v1/chat/credit')).body.code).toBe(200);
		expect(
			(
				await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK, {
					...AUTH,
					Authorization: 'Bearer other-key',
				})
			).body.code,
		).toBe(200);
		await sleep(1020);
		expect((await runway()).body.code).toBe(200);
	});

	it("uses KIE's 20 per 10 s by default: the 21st is rejected", async () => {
		const codes: number[] = [];
		for (let i = 0; i < 21; i++) codes.push((await runway()).status);
		expect(codes.slice(0, 20).every((c) => c === 200)).toBe(true);
		expect(codes[20]).toBe(429);
		expect(sim.tasksCreated()).toBe(20);
	});
});

describe('result files and download-url', () => {
	it('serves deterministic video bytes (GET, HEAD, Range) and a PNG thumbnail', async () => {
		const { taskId } = (await runway()).body.data;
		expect((await fetch(`${sim.baseUrl}/files/${taskId}.mp4`)).status).toBe(404); // not done yet
		sim.completeTask(taskId);
		const res = await fetch(`${sim.baseUrl}/files/${taskId}.mp4`);
		expect(res.headers.get('content-type')).toBe('video/mp4');
		expect(res.headers.get('content-length')).toBe('200000');
		const bytes = Buffer.from(await res.arrayBuffer());
		expect(bytes.equals(expectedVideoBytes(taskId, 200_000))).toBe(true);
		expect(bytes.subarray(4, 8).toString()).toBe('ftyp');
		expect(expectedVideoBytes('other', 1000).equals(bytes.subarray(0, 1000))).toBe(false);
		const head = await fetch(`${sim.baseUrl}/files/${taskId}.mp4`, { method: 'HEAD' });
		expect(head.status).toBe(200);
		expect(head.headers.get('content-length')).toBe('200000');
		const part = await fetch(`${sim.baseUrl}/files/${taskId}.mp4`, {
			headers: { Range: 'bytes=70000-70009' },
		});
		expect(part.status).toBe(206);
		expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(70000, 70010))).toBe(true);
		const png = await fetch(`${sim.baseUrl}/files/${taskId}.png`);
		expect(png.headers.get('content-type')).toBe('image/png');
		expect(
			Buffer.from(await png.arrayBuffer())
				.subarray(1, 4)
				.toString(),
		).toBe('PNG');
	});

	it('expires result URLs after 14 simulated days (404, expireFlag 1)', async () => {
		const { taskId } = (await runway()).body.data;
		sim.completeTask(taskId);
		sim.advanceTime(13 * DAY);
		expect((await fetch(`${sim.baseUrl}/files/${taskId}.mp4`, { method: 'HEAD' })).status).toBe(
			200,
		);
		sim.advanceTime(2 * DAY);
		expect((await fetch(`${sim.baseUrl}/files/${taskId}.mp4`)).status).toBe(404);
		expect(
			(await get(sim.baseUrl, `/api/v1/runway/record-detail?taskId=${taskId}`)).body.data
				.expireFlag,
		).toBe(1);
	});

	it('download-url returns a 20-minute string link for generated files only', async () => {
		const { taskId } = (await runway()).body.data;
		sim.completeTask(taskId);
		const res = await post(sim.baseUrl, '/api/v1/common/download-url', {
			url: `${sim.baseUrl}/files/${taskId}.mp4`,
		});
		expect(res.body).toEqual({
			code: 200,
			msg: 'success',
			data: expect.stringContaining(`${sim.baseUrl}/files/${taskId}.mp4?`),
		});
		const link = res.body.data as string;
		expect(link).toContain('X-Amz-Expires=1200');
		const dl = await fetch(link);
		expect(dl.status).toBe(200);
		expect(Buffer.from(await dl.arrayBuffer()).equals(expectedVideoBytes(taskId, 200_000))).toBe(
			true,
		);
		expect(
			(await fetch(link.replace(/Signature=[0-9a-f]+/, 'Signature=deadbeef'), { method: 'HEAD' }))
				.status,
		).toBe(403);
		sim.advanceTime(21 * 60 * 1000);
		expect((await fetch(link, { method: 'HEAD' })).status).toBe(403);
		for (const url of [
			'https://example.com/x.mp4',
			`${sim.baseUrl}/files/unknown.mp4`,
			'not a url',
		]) {
			expect((await post(sim.baseUrl, '/api/v1/common/download-url', { url })).body.code).toBe(422);
		}
		expect((await post(sim.baseUrl, '/api/v1/common/download-url', {})).body.code).toBe(422);
	});
});
