import * as crypto from 'crypto';
import { expectedVideoBytes } from '../../simulator';
import { DAY, RUNWAY_OK, get, post, waitFor } from './helpers';
import { RECORD, KLING_TEXT, useMarketSimulator } from './market-setup';

// KIE's Market API (docs/kie-api.md §11) over real HTTP on 127.0.0.1: recordInfo, failures and Market
// callbacks and the retire switches. createTask: market.test.ts; Veo 3.1's legacy endpoints: veo.test.ts.

const ctx = useMarketSimulator();

describe('recordInfo', () => {
	it('"recordInfo is null" right after creation, then waiting -> queuing -> generating -> success', async () => {
		const taskId = await ctx.createOk({ ...KLING_TEXT, callBackUrl: `${ctx.receiver.url}/cb?x=1` });
		expect(await ctx.record(taskId)).toEqual({ code: 422, msg: 'recordInfo is null', data: null });
		const states: string[] = [];
		for (const step of [5_000, 10_000, 30_000, 60_000]) {
			ctx.sim.advanceTime(step);
			const { code, data } = await ctx.record(taskId);
			expect(code).toBe(200);
			states.push(data.state);
		}
		expect(states).toEqual(['waiting', 'queuing', 'generating', 'success']);

		const { data } = await ctx.record(taskId);
		expect(data).toEqual({
			taskId,
			model: 'kling-2.6/text-to-video',
			state: 'success',
			param: expect.any(String),
			resultJson: expect.any(String),
			failCode: '',
			failMsg: '',
			costTime: data.completeTime - data.createTime,
			completeTime: expect.any(Number),
			createTime: expect.any(Number),
			updateTime: data.completeTime,
			progress: 100,
			creditsConsumed: 40,
		});
		// Ended when first read after the clock passed its 100 s (plus the wall ms the test took).
		expect(data.costTime).toBeGreaterThanOrEqual(100_000);
		expect(JSON.parse(data.param)).toEqual({
			...KLING_TEXT,
			callBackUrl: `${ctx.receiver.url}/cb?x=1`,
		});
		const result = JSON.parse(data.resultJson);
		expect(result).toEqual({ resultUrls: [`${ctx.sim.baseUrl}/files/${taskId}.mp4`] });
		const file = await fetch(result.resultUrls[0]);
		expect(file.status).toBe(200);
		expect(Buffer.from(await file.arrayBuffer()).equals(expectedVideoBytes(taskId, 200_000))).toBe(
			true,
		);
	});

	it('while running: completeTime null, progress, updateTime at the phase start', async () => {
		const taskId = await ctx.createOk();
		ctx.sim.advanceTime(50_000);
		const { data } = await ctx.record(taskId);
		expect(data).toMatchObject({
			state: 'generating',
			resultJson: '',
			completeTime: null,
			costTime: 0,
		});
		expect(data.progress).toBeGreaterThanOrEqual(50);
		expect(data.progress).toBeLessThan(100);
		expect(data.updateTime).toBe(data.createTime + 25_000);
	});

	it('an unknown task id (or a legacy task) is body code 404', async () => {
		expect(await ctx.record('0123456789abcdef0123456789abcdef')).toEqual({
			code: 404,
			msg: 'Task not found',
			data: null,
		});
		const legacy = (await post(ctx.sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.data
			.taskId;
		expect((await ctx.record(legacy)).code).toBe(404);
		expect((await get(ctx.sim.baseUrl, RECORD)).body.code).toBe(422);
		expect((await get(ctx.sim.baseUrl, RECORD, {})).body.code).toBe(401);
	});

	it('the message switch makes /api/v1/jobs/* answers say `message` instead of `msg`', async () => {
		expect(await ctx.control('config', { marketMessageKey: 'message' })).toMatchObject({
			status: 200,
		});
		const res = await ctx.create(KLING_TEXT);
		expect(res.body).toEqual({
			code: 200,
			message: 'success',
			data: { taskId: expect.any(String) },
		});
		ctx.sim.completeTask(res.body.data.taskId);
		const answer = await ctx.record(res.body.data.taskId);
		expect(answer).toMatchObject({ code: 200, message: 'success', data: { state: 'success' } });
		expect(answer).not.toHaveProperty('msg');
		expect(await ctx.record('unknown')).toEqual({
			code: 404,
			message: 'Task not found',
			data: null,
		});
		// Legacy endpoints keep `msg`.
		expect((await post(ctx.sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.msg).toBe(
			'success',
		);
	});

	it('result URLs expire after 24 h of simulated time; signed links like the legacy ones', async () => {
		ctx.sim.configure({ signedResultLinks: true });
		const taskId = await ctx.createOk();
		ctx.sim.completeTask(taskId);
		const [link] = JSON.parse((await ctx.record(taskId)).data.resultJson).resultUrls;
		expect(link).toMatch(
			new RegExp(`/files/${taskId}\\.mp4\\?X-Amz-Date=\\d+&X-Amz-Expires=1200&X-Amz-Signature=`),
		);
		expect((await fetch(link)).status).toBe(200);
		ctx.sim.advanceTime(DAY - 200_000);
		const fresh = JSON.parse((await ctx.record(taskId)).data.resultJson).resultUrls[0];
		expect((await fetch(fresh)).status).toBe(200);
		ctx.sim.advanceTime(200_000 + 1);
		expect((await fetch(`${ctx.sim.baseUrl}/files/${taskId}.mp4`)).status).toBe(404);
		// A legacy task of the same age is still served (14 days).
		const legacy = (await post(ctx.sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.data
			.taskId;
		ctx.sim.completeTask(legacy);
		ctx.sim.advanceTime(DAY + 1);
		expect((await fetch(`${ctx.sim.baseUrl}/files/${legacy}.mp4`)).status).toBe(200);
	});
});

describe('failures and Market callbacks', () => {
	it('a [fail] prompt ends in state fail with failCode/failMsg, and a 501 callback', async () => {
		const taskId = await ctx.createOk({
			...KLING_TEXT,
			input: { ...KLING_TEXT.input, prompt: 'a [fail] fox' },
			callBackUrl: `${ctx.receiver.url}/cb`,
		});
		ctx.sim.advanceTime(100_000);
		const { data } = await ctx.record(taskId);
		expect(data).toMatchObject({
			state: 'fail',
			resultJson: '',
			failCode: '400',
			failMsg: 'Your prompt was caught by our AI moderator.',
		});
		await waitFor(() => ctx.receiver.hits.length === 1);
		expect(ctx.receiver.hits[0].body).toEqual({
			code: 501,
			msg: 'Your prompt was caught by our AI moderator.',
			data: { ...data, progress: 0 },
		});
	});

	it('failTask (control API) fails a Market task with its message', async () => {
		const taskId = await ctx.createOk({ ...KLING_TEXT, callBackUrl: `${ctx.receiver.url}/cb` });
		expect(await ctx.control(`tasks/${taskId}/fail`, { msg: 'Upstream broke' })).toMatchObject({
			body: { ok: true, task: { state: 'fail', failMsg: 'Upstream broke' } },
		});
		expect((await ctx.record(taskId)).data).toMatchObject({
			state: 'fail',
			failMsg: 'Upstream broke',
		});
		await waitFor(() => ctx.receiver.hits.length === 1);
		expect(ctx.receiver.hits[0].body).toMatchObject({ code: 501, data: { taskId, state: 'fail' } });
	});

	it('success callback: {code:200, msg, data: the recordInfo data}, signed as §6e with data.taskId', async () => {
		ctx.sim.configure({ hmacKey: 'market-secret' });
		const taskId = await ctx.createOk({ ...KLING_TEXT, callBackUrl: `${ctx.receiver.url}/cb?t=1` });
		ctx.sim.completeTask(taskId);
		await waitFor(() => ctx.receiver.hits.length === 1);
		const hit = ctx.receiver.hits[0];
		expect(hit.url).toBe('/cb?t=1');
		expect(hit.body).toEqual({ code: 200, msg: 'success', data: (await ctx.record(taskId)).data });
		expect(JSON.parse(hit.body!.data.resultJson).resultUrls).toEqual([
			`${ctx.sim.baseUrl}/files/${taskId}.mp4`,
		]);
		const ts = String(hit.headers['x-webhook-timestamp']);
		expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
		const expected = crypto
			.createHmac('sha256', 'market-secret')
			.update(`${hit.body!.data.taskId}.${ts}`)
			.digest('base64');
		const given = Buffer.from(String(hit.headers['x-webhook-signature']));
		expect(given.length).toBe(Buffer.from(expected).length);
		expect(crypto.timingSafeEqual(given, Buffer.from(expected))).toBe(true);
	});

	it('retries, duplicates, lost and early callbacks apply to Market tasks', async () => {
		ctx.status = (i) => (i === 0 ? 500 : 200);
		const retried = await ctx.createOk({ ...KLING_TEXT, callBackUrl: `${ctx.receiver.url}/a` });
		ctx.sim.completeTask(retried);
		await waitFor(() => ctx.receiver.hits.length === 2);
		expect(ctx.sim.callbacks.map((c) => [c.status, c.attempt])).toEqual([
			[500, 1],
			[200, 2],
		]);

		ctx.status = () => 200;
		ctx.receiver.hits.length = 0;
		ctx.sim.setCallbackBehaviour({ mode: 'duplicate', times: 2 });
		const duplicated = await ctx.createOk({ ...KLING_TEXT, callBackUrl: `${ctx.receiver.url}/b` });
		ctx.sim.completeTask(duplicated);
		await waitFor(() => ctx.receiver.hits.length === 2);
		expect(ctx.receiver.hits.every((h) => h.body!.data.taskId === duplicated)).toBe(true);

		ctx.receiver.hits.length = 0;
		ctx.sim.setCallbackBehaviour({ mode: 'lost', times: 1 });
		const lost = await ctx.createOk({ ...KLING_TEXT, callBackUrl: `${ctx.receiver.url}/c` });
		ctx.sim.completeTask(lost);

		ctx.sim.setCallbackBehaviour({ mode: 'early', times: 1 });
		const early = await ctx.createOk({ ...KLING_TEXT, callBackUrl: `${ctx.receiver.url}/d` });
		await waitFor(() => ctx.receiver.hits.length === 1);
		expect(ctx.receiver.hits[0].url).toBe('/d');
		expect(ctx.receiver.hits[0].body).toMatchObject({
			code: 200,
			data: { taskId: early, state: 'success' },
		});
		expect(ctx.sim.getTask(lost)).toMatchObject({ callbackFailed: true });
	});
});

describe('retire switches (no task created)', () => {
	it.each([
		['/api/v1/runway/generate', RUNWAY_OK],
		['/api/v1/aleph/generate', { prompt: 'p', videoUrl: 'https://example.com/a.mp4' }],
		['/api/v1/modify/generate', { prompt: 'p', videoUrl: 'https://example.com/a.mp4' }],
		['/api/v1/veo/generate', { prompt: 'p' }],
	])('a retired %s answers HTTP 404 {code:404, msg:"Not Found"}', async (path, body) => {
		expect(await ctx.control('retire', { paths: [path] })).toMatchObject({
			status: 200,
			body: { ok: true, retired: { paths: [path], models: [] } },
		});
		const res = await post(ctx.sim.baseUrl, path, body);
		expect(res).toEqual({ status: 404, body: { code: 404, msg: 'Not Found', data: null } });
		expect(ctx.sim.tasksCreated()).toBe(0);
		// The Market route still works, and unretire brings the endpoint back.
		await ctx.createOk();
		await ctx.control('unretire', { paths: [path] });
		expect((await post(ctx.sim.baseUrl, path, body)).body.code).toBe(200);
		expect(ctx.sim.tasksCreated()).toBe(2);
	});

	it('a retired extend endpoint too; an unknown path cannot be retired', async () => {
		ctx.sim.retire({ paths: ['/api/v1/runway/extend'] });
		const res = await post(ctx.sim.baseUrl, '/api/v1/runway/extend', {
			taskId: 'x',
			prompt: 'p',
			quality: '720p',
		});
		expect(res.status).toBe(404);
		expect((await ctx.control('retire', { paths: ['/api/v1/nope'] })).status).toBe(400);
	});

	it('a discontinued Market model answers body code 422 "The model <id> is discontinued"', async () => {
		await ctx.control('retire', { models: ['runway/gen4-aleph'] });
		const res = await ctx.create({
			model: 'runway/gen4-aleph',
			input: { prompt: 'p', video_url: 'https://example.com/a.mp4' },
		});
		expect(res).toEqual({
			status: 200,
			body: { code: 422, msg: 'The model runway/gen4-aleph is discontinued', data: null },
		});
		expect(ctx.sim.tasksCreated()).toBe(0);
		expect(ctx.sim.credits).toBe(10000);
		ctx.sim.reset();
		expect(
			(
				await ctx.create({
					model: 'runway/gen4-aleph',
					input: { prompt: 'p', video_url: 'https://example.com/a.mp4' },
				})
			).body.code,
		).toBe(200);
	});
});
