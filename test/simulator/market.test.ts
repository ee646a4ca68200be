import * as crypto from 'crypto';
import { expectedVideoBytes } from '../../simulator';
import { DAY, RUNWAY_OK, Sim, get, post, startReceiver, startSim, waitFor } from './helpers';

// KIE's Market API (docs/kie-api.md §11), Veo 3.1's legacy endpoints and the retire switches, over
// real HTTP on 127.0.0.1.

let sim: Sim;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let status: (i: number) => number;

beforeAll(async () => {
	// Long tasks: the tests move the simulated clock themselves (or end tasks with completeTask).
	sim = await startSim({ taskDurationMs: 100_000 });
	receiver = await startReceiver((i) => status(i));
});
afterAll(async () => {
	await sim.close();
	await receiver.close();
});
beforeEach(() => {
	sim.reset();
	receiver.hits.length = 0;
	status = () => 200;
});

const CREATE = '/api/v1/jobs/createTask';
const RECORD = '/api/v1/jobs/recordInfo';
const KLING_TEXT = {
	model: 'kling-2.6/text-to-video',
	input: { prompt: 'A fox in snow', sound: false, aspect_ratio: '16:9', duration: '5' },
};

const create = (body: unknown) => post(sim.baseUrl, CREATE, body);
const record = async (taskId: string) =>
	(await get(sim.baseUrl, `${RECORD}?taskId=${taskId}`)).body;
const createOk = async (body: Record<string, unknown> = KLING_TEXT) => {
	const res = await create(body);
	expect(res.body).toEqual({ code: 200, msg: 'success', data: { taskId: expect.any(String) } });
	return res.body.data.taskId as string;
};
const control = async (route: string, body: unknown) => {
	const res = await fetch(`${sim.baseUrl}/__sim/${route}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	return { status: res.status, body: (await res.json()) as any };
};

describe('createTask', () => {
	it('answers {code:200, msg:"success", data:{taskId}} and bills the task', async () => {
		const taskId = await createOk();
		expect(sim.tasksCreated()).toBe(1);
		expect(sim.getTask(taskId)).toMatchObject({
			model: 'market',
			marketModel: 'kling-2.6/text-to-video',
			params: KLING_TEXT,
		});
		expect(sim.credits).toBe(10000 - 40);
	});

	it('needs the Bearer key (401 in the body) and refuses non-JSON bodies, like the legacy creates', async () => {
		const noKey = await post(sim.baseUrl, CREATE, KLING_TEXT, {
			'Content-Type': 'application/json',
		});
		expect(noKey).toEqual({
			status: 200,
			body: { code: 401, msg: 'You do not have access permissions', data: null },
		});
		const res = await fetch(sim.baseUrl + CREATE, {
			method: 'POST',
			headers: { Authorization: 'Bearer sim-key', 'Content-Type': 'application/json' },
			body: '{nope',
		});
		expect(((await res.json()) as any).code).toBe(422);
		sim.configure({ credits: 1 });
		expect((await create(KLING_TEXT)).body).toMatchObject({
			code: 402,
			msg: 'Insufficient Credits',
		});
		expect(sim.tasksCreated()).toBe(0);
	});

	it('shares one 20-per-10-s window per key with the legacy creates', async () => {
		for (let i = 0; i < 10; i++) {
			expect((await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.code).toBe(200);
			expect((await create(KLING_TEXT)).body.code).toBe(200);
		}
		const market = await create(KLING_TEXT);
		const legacy = await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK);
		for (const res of [market, legacy]) {
			expect(res.status).toBe(429);
			expect(res.body.code).toBe(429);
		}
		expect(sim.tasksCreated()).toBe(20);
		expect(sim.count('create')).toBe(22);
	});

	it.each([
		['http429', 429, 429],
		['code429', 200, 429],
		['code455', 200, 455],
		['code500', 200, 500],
		['code408', 200, 408],
	])(
		'fault %s on "create" hits createTask too (HTTP %i, code %i), no task',
		async (kind, http, code) => {
			sim.injectFault({ path: 'create', kind: kind as any });
			const res = await create(KLING_TEXT);
			expect(res.status).toBe(http);
			expect(res.body.code).toBe(code);
			expect(sim.tasksCreated()).toBe(0);
			expect((await create(KLING_TEXT)).body.code).toBe(200);
		},
	);

	it('fault "reset" drops the connection; "slow" answers late with the task made', async () => {
		sim.injectFault({ path: 'create', kind: 'reset' });
		await expect(create(KLING_TEXT)).rejects.toThrow();
		expect(sim.tasksCreated()).toBe(0);
		sim.injectFault({ path: CREATE, kind: 'slow', delayMs: 150 });
		const started = Date.now();
		await createOk();
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
	});

	it('an unknown model id is a 422 naming it; a missing model or input is a 422 too', async () => {
		expect((await create({ model: 'veo-3-1', input: { prompt: 'x' } })).body).toEqual({
			code: 422,
			msg: 'The model veo-3-1 is not supported',
			data: null,
		});
		expect((await create({ input: {} })).body).toMatchObject({
			code: 422,
			msg: 'model is required',
		});
		expect((await create({ model: KLING_TEXT.model })).body).toMatchObject({
			code: 422,
			msg: 'input is required and must be an object',
		});
		expect((await create({ ...KLING_TEXT, callBackUrl: 'not a url' })).body.code).toBe(422);
		expect(sim.tasksCreated()).toBe(0);
	});

	it('the control API adds model ids that take any input object ("any other Market model")', async () => {
		expect(await control('market/models', { ids: ['sora-2-text-to-video'] })).toMatchObject({
			status: 200,
			body: { ok: true, extraMarketModels: ['sora-2-text-to-video'] },
		});
		const taskId = await createOk({ model: 'sora-2-text-to-video', input: { anything: [1, 2] } });
		expect(sim.getTask(taskId)).toMatchObject({ marketModel: 'sora-2-text-to-video' });
		expect((await create({ model: 'sora-2-text-to-video', input: 'text' })).body.code).toBe(422);
		sim.reset();
		expect((await create({ model: 'sora-2-text-to-video', input: {} })).body.code).toBe(422);
	});
});

describe('validation per model (a 422 naming the field and the rule)', () => {
	const image = 'https://example.com/a.png';
	const video = 'https://example.com/a.mp4';
	const cases: Array<[string, Record<string, unknown>, Record<string, unknown>, RegExp]> = [
		// [model, a valid input, a change that breaks it, the message expected]
		[
			'runway',
			{ prompt: 'p', duration: 5, quality: '720p', aspect_ratio: '16:9' },
			{ quality: '4k' },
			/^input\.quality must be one of "720p", "1080p" \(got "4k"\)$/,
		],
		[
			'runway',
			{ prompt: 'p', duration: '10', quality: '720p', image_url: image },
			{ quality: '1080p' },
			/1080p is only available with duration 5/,
		],
		[
			'runway/gen4-aleph',
			{ prompt: 'p', video_url: video },
			{ video_url: 'x' },
			/input\.video_url must be a valid http\(s\) URL/,
		],
		[
			'runway/gen4-aleph',
			{ prompt: 'p', video_url: video, aspect_ratio: '21:9' },
			{ prompt: undefined },
			/^input\.prompt is required$/,
		],
		[
			'kling-2.6/text-to-video',
			KLING_TEXT.input,
			{ duration: 5 },
			/input\.duration must be one of "5", "10" \(got 5\)/,
		],
		[
			'kling-2.6/image-to-video',
			{ prompt: 'p', image_urls: [image], sound: true, duration: '10' },
			{ image_urls: [image, image] },
			/exactly 1 item/,
		],
		[
			'kling-3.0/video',
			{
				prompt: 'p',
				sound: false,
				duration: '5',
				aspect_ratio: '16:9',
				mode: 'pro',
				multi_shots: false,
			},
			{ prompt: '' },
			/prompt is required when multi_shots is false/,
		],
		[
			'kling-3.0/video',
			{
				multi_prompt: [{ prompt: 'a', duration: 3 }],
				sound: false,
				duration: '5',
				aspect_ratio: '16:9',
				mode: '4K',
				multi_shots: true,
			},
			{ multi_prompt: [{ prompt: 'a', duration: 13 }] },
			/multi_prompt\[0\]\.duration/,
		],
		[
			'hailuo/02-text-to-video-pro',
			{ prompt: 'p' },
			{ prompt_optimizer: 'yes' },
			/input\.prompt_optimizer must be a boolean/,
		],
		[
			'hailuo/02-image-to-video-pro',
			{ prompt: 'p', image_url: image, end_image_url: '' },
			{ image_url: undefined },
			/input\.image_url is required/,
		],
		[
			'hailuo/02-image-to-video-standard',
			{ prompt: 'p', image_url: image, duration: '6', resolution: '512P' },
			{ resolution: '1080P' },
			/input\.resolution must be one of/,
		],
		[
			'hailuo/2-3-image-to-video-standard',
			{ prompt: 'p', image_url: image, duration: '10', resolution: '768P' },
			{ resolution: '1080P' },
			/duration 10 is not available with resolution 1080P/,
		],
		[
			'bytedance/seedance-1.5-pro',
			{ prompt: 'ppp', aspect_ratio: '1:1', duration: 8 },
			{ duration: '8' },
			/input\.duration must be one of 4, 8, 12 \(got "8"\)/,
		],
		[
			'bytedance/seedance-2',
			{ prompt: 'ppp', aspect_ratio: 'adaptive', first_frame_url: 'asset://abc', duration: -1 },
			{ reference_image_urls: [image] },
			/cannot be combined/,
		],
		[
			'bytedance/seedance-2',
			{ prompt: 'ppp', aspect_ratio: '16:9', resolution: '4k' },
			{ prompt: 'pp' },
			/input\.prompt must be at least 3 characters/,
		],
		[
			'wan/2-6-text-to-video',
			{ prompt: 'p', duration: '5', resolution: '1080p' },
			{ prompt: 'x'.repeat(5001) },
			/cannot exceed 5000 characters/,
		],
		[
			'wan/2-6-image-to-video',
			{ prompt: 'pp', image_urls: [image], duration: '15' },
			{ duration: '20' },
			/input\.duration must be one of "5", "10", "15"/,
		],
		[
			'wan/2-6-video-to-video',
			{ prompt: 'p', video_urls: [video, video, video] },
			{ video_urls: [] },
			/input\.video_urls must hold 1 to 3 items \(got 0\)/,
		],
		[
			'wan/2-7-text-to-video',
			{ prompt: 'p', ratio: '4:3', duration: 15, seed: 0 },
			{ duration: 16 },
			/input\.duration must be from 2 to 15/,
		],
		[
			'wan/2-7-image-to-video',
			{ prompt: 'p', first_clip_url: video },
			{ first_clip_url: undefined, last_frame_url: image },
			/first_frame_url or first_clip_url is required/,
		],
		[
			'grok-imagine/text-to-video',
			{ prompt: 'p', aspect_ratio: '2:3', mode: 'normal', duration: '30', resolution: '480p' },
			{ mode: 'wild' },
			/input\.mode must be one of "fun", "normal", "spicy"/,
		],
		[
			'grok-imagine/image-to-video',
			{ image_urls: [image], mode: 'fun' },
			{ mode: 'spicy' },
			/spicy is not available with an external image/,
		],
		[
			'grok-imagine/image-to-video',
			{ task_id: 'abc', index: 5 },
			{ image_urls: [image] },
			/either image_urls or task_id, not both/,
		],
	];

	it.each(cases)(
		'%s: valid input accepted, broken one refused',
		async (model, input, change, message) => {
			await createOk({ model, input });
			const broken: Record<string, unknown> = { ...input, ...change };
			for (const [k, v] of Object.entries(change)) if (v === undefined) delete broken[k];
			const res = await create({ model, input: broken });
			expect(res.status).toBe(200);
			expect(res.body.code).toBe(422);
			expect(res.body.msg).toMatch(message);
			expect(res.body.data).toBeNull();
			expect(sim.tasksCreated()).toBe(1);
		},
	);

	it('runway/extend-ai-video needs task_id to name a succeeded Runway task (legacy or Market)', async () => {
		const extend = (task_id: string) =>
			create({
				model: 'runway/extend-ai-video',
				input: { task_id, prompt: 'more', quality: '720p' },
			});
		expect((await extend('nope')).body).toMatchObject({
			code: 422,
			msg: 'input.task_id nope is not a Runway task',
		});
		const legacy = (await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.data.taskId;
		expect((await extend(legacy)).body.msg).toMatch(/has not generated a video successfully/);
		sim.completeTask(legacy);
		const fromLegacy = (await extend(legacy)).body.data.taskId;
		const marketRunway = await createOk({
			model: 'runway',
			input: { prompt: 'p', duration: 5, quality: '1080p', image_url: 'https://example.com/a.png' },
		});
		sim.completeTask(marketRunway);
		await createOk({
			model: 'runway/extend-ai-video',
			input: { task_id: marketRunway, prompt: 'more', quality: '720p' },
		});
		expect(sim.getTask(fromLegacy)).toMatchObject({ parentTaskId: legacy, credits: 12 });
		const kling = await createOk();
		sim.completeTask(kling);
		expect((await extend(kling)).body.code).toBe(422);
	});
});

describe('recordInfo', () => {
	it('"recordInfo is null" right after creation, then waiting -> queuing -> generating -> success', async () => {
		const taskId = await createOk({ ...KLING_TEXT, callBackUrl: `${receiver.url}/cb?x=1` });
		expect(await record(taskId)).toEqual({ code: 422, msg: 'recordInfo is null', data: null });
		const states: string[] = [];
		for (const step of [5_000, 10_000, 30_000, 60_000]) {
			sim.advanceTime(step);
			const { code, data } = await record(taskId);
			expect(code).toBe(200);
			states.push(data.state);
		}
		expect(states).toEqual(['waiting', 'queuing', 'generating', 'success']);

		const { data } = await record(taskId);
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
			callBackUrl: `${receiver.url}/cb?x=1`,
		});
		const result = JSON.parse(data.resultJson);
		expect(result).toEqual({ resultUrls: [`${sim.baseUrl}/files/${taskId}.mp4`] });
		const file = await fetch(result.resultUrls[0]);
		expect(file.status).toBe(200);
		expect(Buffer.from(await file.arrayBuffer()).equals(expectedVideoBytes(taskId, 200_000))).toBe(
			true,
		);
	});

	it('while running: completeTime null, progress, updateTime at the phase start', async () => {
		const taskId = await createOk();
		sim.advanceTime(50_000);
		const { data } = await record(taskId);
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
		expect(await record('0123456789abcdef0123456789abcdef')).toEqual({
			code: 404,
			msg: 'Task not found',
			data: null,
		});
		const legacy = (await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.data.taskId;
		expect((await record(legacy)).code).toBe(404);
		expect((await get(sim.baseUrl, RECORD)).body.code).toBe(422);
		expect((await get(sim.baseUrl, RECORD, {})).body.code).toBe(401);
	});

	it('the message switch makes /api/v1/jobs/* answers say `message` instead of `msg`', async () => {
		expect(await control('config', { marketMessageKey: 'message' })).toMatchObject({ status: 200 });
		const res = await create(KLING_TEXT);
		expect(res.body).toEqual({
			code: 200,
			message: 'success',
			data: { taskId: expect.any(String) },
		});
		sim.completeTask(res.body.data.taskId);
		const answer = await record(res.body.data.taskId);
		expect(answer).toMatchObject({ code: 200, message: 'success', data: { state: 'success' } });
		expect(answer).not.toHaveProperty('msg');
		expect(await record('unknown')).toEqual({ code: 404, message: 'Task not found', data: null });
		// Legacy endpoints keep `msg`.
		expect((await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.msg).toBe(
			'success',
		);
	});

	it('result URLs expire after 24 h of simulated time; signed links like the legacy ones', async () => {
		sim.configure({ signedResultLinks: true });
		const taskId = await createOk();
		sim.completeTask(taskId);
		const [link] = JSON.parse((await record(taskId)).data.resultJson).resultUrls;
		expect(link).toMatch(
			new RegExp(`/files/${taskId}\\.mp4\\?X-Amz-Date=\\d+&X-Amz-Expires=1200&X-Amz-Signature=`),
		);
		expect((await fetch(link)).status).toBe(200);
		sim.advanceTime(DAY - 200_000);
		const fresh = JSON.parse((await record(taskId)).data.resultJson).resultUrls[0];
		expect((await fetch(fresh)).status).toBe(200);
		sim.advanceTime(200_000 + 1);
		expect((await fetch(`${sim.baseUrl}/files/${taskId}.mp4`)).status).toBe(404);
		// A legacy task of the same age is still served (14 days).
		const legacy = (await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.data.taskId;
		sim.completeTask(legacy);
		sim.advanceTime(DAY + 1);
		expect((await fetch(`${sim.baseUrl}/files/${legacy}.mp4`)).status).toBe(200);
	});
});

describe('failures and Market callbacks', () => {
	it('a [fail] prompt ends in state fail with failCode/failMsg, and a 501 callback', async () => {
		const taskId = await createOk({
			...KLING_TEXT,
			input: { ...KLING_TEXT.input, prompt: 'a [fail] fox' },
			callBackUrl: `${receiver.url}/cb`,
		});
		sim.advanceTime(100_000);
		const { data } = await record(taskId);
		expect(data).toMatchObject({
			state: 'fail',
			resultJson: '',
			failCode: '400',
			failMsg: 'Your prompt was caught by our AI moderator.',
		});
		await waitFor(() => receiver.hits.length === 1);
		expect(receiver.hits[0].body).toEqual({
			code: 501,
			msg: 'Your prompt was caught by our AI moderator.',
			data: { ...data, progress: 0 },
		});
	});

	it('failTask (control API) fails a Market task with its message', async () => {
		const taskId = await createOk({ ...KLING_TEXT, callBackUrl: `${receiver.url}/cb` });
		expect(await control(`tasks/${taskId}/fail`, { msg: 'Upstream broke' })).toMatchObject({
			body: { ok: true, task: { state: 'fail', failMsg: 'Upstream broke' } },
		});
		expect((await record(taskId)).data).toMatchObject({ state: 'fail', failMsg: 'Upstream broke' });
		await waitFor(() => receiver.hits.length === 1);
		expect(receiver.hits[0].body).toMatchObject({ code: 501, data: { taskId, state: 'fail' } });
	});

	it('success callback: {code:200, msg, data: the recordInfo data}, signed as §6e with data.taskId', async () => {
		sim.configure({ hmacKey: 'market-secret' });
		const taskId = await createOk({ ...KLING_TEXT, callBackUrl: `${receiver.url}/cb?t=1` });
		sim.completeTask(taskId);
		await waitFor(() => receiver.hits.length === 1);
		const hit = receiver.hits[0];
		expect(hit.url).toBe('/cb?t=1');
		expect(hit.body).toEqual({ code: 200, msg: 'success', data: (await record(taskId)).data });
		expect(JSON.parse(hit.body.data.resultJson).resultUrls).toEqual([
			`${sim.baseUrl}/files/${taskId}.mp4`,
		]);
		const ts = String(hit.headers['x-webhook-timestamp']);
		expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(60);
		const expected = crypto
			.createHmac('sha256', 'market-secret')
			.update(`${hit.body.data.taskId}.${ts}`)
			.digest('base64');
		const given = Buffer.from(String(hit.headers['x-webhook-signature']));
		expect(given.length).toBe(Buffer.from(expected).length);
		expect(crypto.timingSafeEqual(given, Buffer.from(expected))).toBe(true);
	});

	it('retries, duplicates, lost and early callbacks apply to Market tasks', async () => {
		status = (i) => (i === 0 ? 500 : 200);
		const retried = await createOk({ ...KLING_TEXT, callBackUrl: `${receiver.url}/a` });
		sim.completeTask(retried);
		await waitFor(() => receiver.hits.length === 2);
		expect(sim.callbacks.map((c) => [c.status, c.attempt])).toEqual([
			[500, 1],
			[200, 2],
		]);

		status = () => 200;
		receiver.hits.length = 0;
		sim.setCallbackBehaviour({ mode: 'duplicate', times: 2 });
		const duplicated = await createOk({ ...KLING_TEXT, callBackUrl: `${receiver.url}/b` });
		sim.completeTask(duplicated);
		await waitFor(() => receiver.hits.length === 2);
		expect(receiver.hits.every((h) => h.body.data.taskId === duplicated)).toBe(true);

		receiver.hits.length = 0;
		sim.setCallbackBehaviour({ mode: 'lost', times: 1 });
		const lost = await createOk({ ...KLING_TEXT, callBackUrl: `${receiver.url}/c` });
		sim.completeTask(lost);

		sim.setCallbackBehaviour({ mode: 'early', times: 1 });
		const early = await createOk({ ...KLING_TEXT, callBackUrl: `${receiver.url}/d` });
		await waitFor(() => receiver.hits.length === 1);
		expect(receiver.hits[0].url).toBe('/d');
		expect(receiver.hits[0].body).toMatchObject({
			code: 200,
			data: { taskId: early, state: 'success' },
		});
		expect(sim.getTask(lost)).toMatchObject({ callbackFailed: true });
	});
});

describe('retire switches (no task created)', () => {
	it.each([
		['/api/v1/runway/generate', RUNWAY_OK],
		['/api/v1/aleph/generate', { prompt: 'p', videoUrl: 'https://example.com/a.mp4' }],
		['/api/v1/modify/generate', { prompt: 'p', videoUrl: 'https://example.com/a.mp4' }],
		['/api/v1/veo/generate', { prompt: 'p' }],
	])('a retired %s answers HTTP 404 {code:404, msg:"Not Found"}', async (path, body) => {
		expect(await control('retire', { paths: [path] })).toMatchObject({
			status: 200,
			body: { ok: true, retired: { paths: [path], models: [] } },
		});
		const res = await post(sim.baseUrl, path, body);
		expect(res).toEqual({ status: 404, body: { code: 404, msg: 'Not Found', data: null } });
		expect(sim.tasksCreated()).toBe(0);
		// The Market route still works, and unretire brings the endpoint back.
		await createOk();
		await control('unretire', { paths: [path] });
		expect((await post(sim.baseUrl, path, body)).body.code).toBe(200);
		expect(sim.tasksCreated()).toBe(2);
	});

	it('a retired extend endpoint too; an unknown path cannot be retired', async () => {
		sim.retire({ paths: ['/api/v1/runway/extend'] });
		const res = await post(sim.baseUrl, '/api/v1/runway/extend', {
			taskId: 'x',
			prompt: 'p',
			quality: '720p',
		});
		expect(res.status).toBe(404);
		expect((await control('retire', { paths: ['/api/v1/nope'] })).status).toBe(400);
	});

	it('a discontinued Market model answers body code 422 "The model <id> is discontinued"', async () => {
		await control('retire', { models: ['runway/gen4-aleph'] });
		const res = await create({
			model: 'runway/gen4-aleph',
			input: { prompt: 'p', video_url: 'https://example.com/a.mp4' },
		});
		expect(res).toEqual({
			status: 200,
			body: { code: 422, msg: 'The model runway/gen4-aleph is discontinued', data: null },
		});
		expect(sim.tasksCreated()).toBe(0);
		expect(sim.credits).toBe(10000);
		sim.reset();
		expect(
			(
				await create({
					model: 'runway/gen4-aleph',
					input: { prompt: 'p', video_url: 'https://example.com/a.mp4' },
				})
			).body.code,
		).toBe(200);
	});
});

describe('Veo 3.1 (legacy /api/v1/veo/generate + record-info)', () => {
	const VEO = '/api/v1/veo/generate';
	const veoRecord = async (taskId: string) =>
		(await get(sim.baseUrl, `/api/v1/veo/record-info?taskId=${taskId}`)).body;

	it('successFlag 0 while generating, then 1 with response.resultUrls; its callback carries data.info', async () => {
		const body = {
			prompt: 'A lighthouse',
			model: 'veo3_fast',
			generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO',
			imageUrls: ['https://example.com/a.png'],
			aspectRatio: '9:16',
			callBackUrl: `${receiver.url}/veo`,
		};
		const res = await post(sim.baseUrl, VEO, body);
		expect(res.body).toEqual({ code: 200, msg: 'success', data: { taskId: expect.any(String) } });
		const taskId = res.body.data.taskId;
		expect(await veoRecord(taskId)).toMatchObject({ code: 422, msg: 'recordInfo is null' });
		sim.advanceTime(50_000);
		expect((await veoRecord(taskId)).data).toMatchObject({
			taskId,
			successFlag: 0,
			response: null,
		});
		sim.advanceTime(50_000);
		const { data } = await veoRecord(taskId);
		expect(data).toMatchObject({
			taskId,
			successFlag: 1,
			errorCode: null,
			errorMessage: '',
			response: { taskId, resultUrls: [`${sim.baseUrl}/files/${taskId}.mp4`] },
			completeTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
			fallbackFlag: false,
		});
		expect(JSON.parse(data.paramJson)).toMatchObject({
			prompt: 'A lighthouse',
			model: 'veo3_fast',
		});
		await waitFor(() => receiver.hits.length === 1);
		expect(receiver.hits[0].body).toEqual({
			code: 200,
			msg: 'Veo3 video generated successfully.',
			data: {
				taskId,
				info: {
					resultUrls: [`${sim.baseUrl}/files/${taskId}.mp4`],
					originUrls: [],
					resolution: '720p',
				},
				fallbackFlag: false,
			},
		});
		expect(sim.credits).toBe(10000 - 60);
	});

	it('a [fail] prompt ends in successFlag 3 with errorCode/errorMessage and a failure callback', async () => {
		const { taskId } = (
			await post(sim.baseUrl, VEO, { prompt: '[fail] storm', callBackUrl: `${receiver.url}/veo` })
		).body.data;
		sim.advanceTime(100_000);
		expect((await veoRecord(taskId)).data).toMatchObject({
			successFlag: 3,
			errorCode: 400,
			errorMessage: 'Your prompt was caught by our AI moderator.',
			response: null,
		});
		await waitFor(() => receiver.hits.length === 1);
		expect(receiver.hits[0].body).toMatchObject({ code: 400, data: { taskId } });
	});

	it('validates model, generationType, images and the reference rules', async () => {
		const bad = async (body: Record<string, unknown>) => (await post(sim.baseUrl, VEO, body)).body;
		expect(await bad({ prompt: 'p', model: 'veo2' })).toMatchObject({
			code: 422,
			msg: expect.stringMatching(/^model must be one of veo3, veo3_fast, veo3_lite/),
		});
		expect(
			(
				await bad({
					prompt: 'p',
					generationType: 'REFERENCE_2_VIDEO',
					model: 'veo3',
					imageUrls: ['https://e.com/a.png'],
				})
			).msg,
		).toMatch(/not available with model veo3/);
		expect(
			(
				await bad({
					prompt: 'p',
					generationType: 'REFERENCE_2_VIDEO',
					aspectRatio: 'Auto',
					imageUrls: ['https://e.com/a.png'],
				})
			).msg,
		).toMatch(/not Auto/);
		expect(
			(await bad({ prompt: 'p', generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO' })).msg,
		).toMatch(/needs 1 to 2 imageUrls/);
		expect((await bad({ prompt: 'p', seeds: 5 })).msg).toMatch(
			/seeds must be an integer from 10000 to 99999/,
		);
		expect((await bad({ model: 'veo3' })).msg).toBe('prompt is required');
		expect(sim.tasksCreated()).toBe(0);
	});
});
