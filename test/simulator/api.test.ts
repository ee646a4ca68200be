// KIE's API host as the simulator serves it: auth, Runway generate and extend.
import {
	ALEPH_OK,
	AUTH,
	finishTask,
	get,
	type KieData,
	post,
	RUNWAY_OK,
	runwayTask,
	Sim,
	sleep,
	startSim,
	UUID_V4,
	waitFor,
} from './helpers';

let sim: Sim;
beforeAll(async () => {
	sim = await startSim({ apiKeys: ['sim-key', 'other-key'] });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const runway = (body?: Record<string, unknown>) => runwayTask(sim, body);
const finished = (path: string, taskId: string) => finishTask(sim, path, taskId);

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
		let data: KieData | undefined;
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
			Math.abs(Date.parse(data?.generateTime.replace(' ', 'T') + 'Z') - Date.now()),
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
