// KIE's API host as the simulator serves it: Aleph, Luma, credits, the create limit, result files
// and download-url.
import { expectedVideoBytes } from '../../simulator';
import {
	ALEPH_OK,
	AUTH,
	DAY,
	finishTask,
	get,
	LUMA_OK,
	post,
	RUNWAY_OK,
	runwayTask,
	Sim,
	sleep,
	startSim,
	UUID_V4,
} from './helpers';

let sim: Sim;
beforeAll(async () => {
	sim = await startSim({ apiKeys: ['sim-key', 'other-key'] });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const runway = (body?: Record<string, unknown>) => runwayTask(sim, body);
const finished = (path: string, taskId: string) => finishTask(sim, path, taskId);

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
		const link = String(res.body.data);
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
