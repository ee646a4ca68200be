import * as crypto from 'crypto';
import {
	ALEPH_OK,
	LUMA_OK,
	RUNWAY_OK,
	Sim,
	get,
	post,
	sleep,
	startReceiver,
	startSim,
	waitFor,
} from './helpers';

let sim: Sim;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let status: (i: number) => number;

beforeAll(async () => {
	sim = await startSim({ taskDurationMs: 150 });
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

const create = async (path: string, body: Record<string, unknown>, query = '?n=1') =>
	(await post(sim.baseUrl, path, { ...body, callBackUrl: `${receiver.url}/hook${query}` })).body
		.data.taskId as string;

describe('callback shapes', () => {
	it('Runway success: snake_case data, JSON content type, query string kept byte for byte', async () => {
		const query = '?token=a%2Fb&x=1&x=2&empty=';
		const taskId = await create('/api/v1/runway/generate', RUNWAY_OK, query);
		await waitFor(() => receiver.hits.length === 1);
		const hit = receiver.hits[0];
		expect(hit.url).toBe(`/hook${query}`);
		expect(hit.headers['content-type']).toBe('application/json');
		expect(hit.headers['x-webhook-signature']).toBeUndefined();
		expect(hit.body).toEqual({
			code: 200,
			msg: 'All generated successfully.',
			data: {
				task_id: taskId,
				video_id: expect.any(String),
				video_url: `${sim.baseUrl}/files/${taskId}.mp4`,
				image_url: `${sim.baseUrl}/files/${taskId}.png`,
			},
		});
		await waitFor(() => sim.callbacks.length === 1);
		expect(sim.callbacks[0]).toMatchObject({
			url: `${receiver.url}/hook${query}`,
			status: 200,
			attempt: 1,
			body: hit.body,
		});
	});

	it('Runway failure: all four data keys present and empty', async () => {
		const taskId = await create('/api/v1/runway/generate', { ...RUNWAY_OK, prompt: '[fail] x' });
		await waitFor(() => receiver.hits.length === 1);
		expect(receiver.hits[0].body).toEqual({
			code: 400,
			msg: expect.stringContaining('moderator'),
			data: { task_id: taskId, video_id: '', video_url: '', image_url: '' },
		});
	});

	it('Runway extend: success like generate, failure data holds only task_id', async () => {
		const parent = (await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.data.taskId;
		sim.completeTask(parent);
		const ok = await create('/api/v1/runway/extend', {
			taskId: parent,
			prompt: 'more',
			quality: '720p',
		});
		const bad = await create('/api/v1/runway/extend', {
			taskId: parent,
			prompt: 'more [fail]',
			quality: '720p',
		});
		await waitFor(() => receiver.hits.length === 2);
		const byId = (id: string) => receiver.hits.find((h) => h.body?.data.task_id === id)!.body;
		expect(byId(ok)).toMatchObject({
			code: 200,
			msg: 'All generated successfully.',
			data: { task_id: ok, video_url: `${sim.baseUrl}/files/${ok}.mp4` },
		});
		expect(byId(bad)).toEqual({ code: 400, msg: expect.any(String), data: { task_id: bad } });
	});

	it('Aleph (doc shape): top-level taskId, data.result_* on success, data null on failure', async () => {
		const ok = await create('/api/v1/aleph/generate', ALEPH_OK);
		const bad = await create('/api/v1/aleph/generate', { ...ALEPH_OK, prompt: '[fail]' });
		await waitFor(() => receiver.hits.length === 2);
		const byId = (id: string) => receiver.hits.find((h) => h.body?.taskId === id)!.body;
		expect(byId(ok)).toEqual({
			code: 200,
			msg: 'success',
			data: {
				result_video_url: `${sim.baseUrl}/files/${ok}.mp4`,
				result_image_url: `${sim.baseUrl}/files/${ok}.png`,
			},
			taskId: ok,
		});
		expect(byId(bad)).toEqual({
			code: 400,
			msg: expect.stringContaining('moderator'),
			data: null,
			taskId: bad,
		});
	});

	it('Aleph (openapi shape): Runway-like data.task_id', async () => {
		sim.setCallbackBehaviour({ mode: 'normal', shape: 'openapi' });
		const ok = await create('/api/v1/aleph/generate', ALEPH_OK);
		await waitFor(() => receiver.hits.length === 1);
		expect(receiver.hits[0].body).toEqual({
			code: 200,
			msg: 'All generated successfully.',
			data: {
				task_id: ok,
				video_id: expect.any(String),
				video_url: `${sim.baseUrl}/files/${ok}.mp4`,
				image_url: `${sim.baseUrl}/files/${ok}.png`,
			},
		});
	});

	it('Luma: code 200 with camelCase data on success, code 500 with {taskId, promptJson} on failure', async () => {
		const ok = await create('/api/v1/modify/generate', { ...LUMA_OK, watermark: 'w' });
		const bad = await create('/api/v1/modify/generate', { ...LUMA_OK, prompt: '[fail]' });
		await waitFor(() => receiver.hits.length === 2);
		const byId = (id: string) => receiver.hits.find((h) => h.body?.data.taskId === id)!.body;
		const promptJson = JSON.stringify({
			callBackUrl: `${receiver.url}/hook?n=1`,
			prompt: LUMA_OK.prompt,
			videoUrl: LUMA_OK.videoUrl,
			waterMark: 'w',
		});
		expect(byId(ok)).toEqual({
			code: 200,
			msg: 'Modify record generated successfully.',
			data: { taskId: ok, promptJson, resultUrls: [`${sim.baseUrl}/files/${ok}.mp4`] },
		});
		expect(byId(bad)).toEqual({
			code: 500,
			msg: 'Modify record generation failed.',
			data: { taskId: bad, promptJson: expect.stringContaining('[fail]') },
		});
	});
});

describe('signing', () => {
	it('signs every callback with base64(HMAC-SHA256(key, taskId.timestamp)) when hmacKey is set', async () => {
		sim.configure({ hmacKey: 'secret-key' });
		const runwayId = await create('/api/v1/runway/generate', RUNWAY_OK);
		const lumaId = await create('/api/v1/modify/generate', LUMA_OK);
		await waitFor(() => receiver.hits.length === 2);
		for (const hit of receiver.hits) {
			const id = hit.body?.data.task_id ?? hit.body?.data.taskId;
			expect([runwayId, lumaId]).toContain(id);
			const ts = String(hit.headers['x-webhook-timestamp']);
			expect(Math.abs(Number(ts) - Date.now() / 1000)).toBeLessThan(10);
			const expected = crypto
				.createHmac('sha256', 'secret-key')
				.update(`${id}.${ts}`)
				.digest('base64');
			expect(hit.headers['x-webhook-signature']).toBe(expected);
		}
	});
});

describe('delivery behaviour', () => {
	it('retries after non-2xx answers: 500, 500, 200 makes 3 attempts', async () => {
		status = (i) => (i < 2 ? 500 : 200);
		await create('/api/v1/runway/generate', RUNWAY_OK);
		await waitFor(() => sim.callbacks.length === 3);
		await sleep(100);
		expect(receiver.hits).toHaveLength(3);
		expect(sim.callbacks.map((c) => [c.attempt, c.status])).toEqual([
			[1, 500],
			[2, 500],
			[3, 200],
		]);
	});

	it('gives up after 3 failed retries; a Luma task then reports successFlag 4', async () => {
		status = () => 503;
		const taskId = await create('/api/v1/modify/generate', LUMA_OK);
		await waitFor(() => receiver.hits.length === 4);
		await sleep(150);
		expect(receiver.hits).toHaveLength(4);
		expect(
			(await get(sim.baseUrl, `/api/v1/modify/record-info?taskId=${taskId}`)).body.data.successFlag,
		).toBe(4);
	});

	it('records an unreachable receiver as an error and retries', async () => {
		await post(sim.baseUrl, '/api/v1/runway/generate', {
			...RUNWAY_OK,
			callBackUrl: 'http://127.0.0.1:9/closed',
		});
		await waitFor(() => sim.callbacks.length === 4);
		expect(
			sim.callbacks.every((c) => typeof c.status === 'string' && c.status.startsWith('error')),
		).toBe(true);
	});

	it('duplicate mode sends each callback `times` times', async () => {
		sim.setCallbackBehaviour({ mode: 'duplicate', times: 3 });
		const taskId = await create('/api/v1/runway/generate', RUNWAY_OK);
		await waitFor(() => receiver.hits.length === 3);
		await sleep(100);
		expect(receiver.hits).toHaveLength(3);
		expect(new Set(receiver.hits.map((h) => h.body?.data.task_id))).toEqual(new Set([taskId]));
	});

	it('lost mode sends nothing (for `times` tasks), then normal delivery resumes', async () => {
		sim.setCallbackBehaviour({ mode: 'lost', times: 1 });
		const lost = await create('/api/v1/runway/generate', RUNWAY_OK);
		await waitFor(() => sim.getTask(lost)!.state === 'success');
		const delivered = await create('/api/v1/runway/generate', RUNWAY_OK);
		await waitFor(() => receiver.hits.length === 1);
		await sleep(100);
		expect(receiver.hits.map((h) => h.body?.data.task_id)).toEqual([delivered]);
	});

	it('early mode sends the callback right after the create answer, with the task already terminal', async () => {
		sim.configure({ taskDurationMs: 60_000 });
		sim.setCallbackBehaviour({ mode: 'early' });
		const before = Date.now();
		const taskId = await create('/api/v1/runway/generate', RUNWAY_OK);
		await waitFor(() => receiver.hits.length === 1, 2000, 2);
		expect(receiver.hits[0].at - before).toBeLessThan(1000);
		expect(receiver.hits[0].body?.data.task_id).toBe(taskId);
		const record = (await get(sim.baseUrl, `/api/v1/runway/record-detail?taskId=${taskId}`)).body;
		expect(record.data.state).toBe('success');
	});

	it('callbackDelayMs delays the callback', async () => {
		sim.setCallbackBehaviour({ mode: 'normal', delayMs: 300 });
		const taskId = await create('/api/v1/runway/generate', RUNWAY_OK);
		sim.completeTask(taskId);
		const ended = Date.now();
		await waitFor(() => receiver.hits.length === 1);
		expect(receiver.hits[0].at - ended).toBeGreaterThanOrEqual(250);
	});

	it('completeTask / failTask end a task now and fire its callback once', async () => {
		sim.configure({ taskDurationMs: 60_000 });
		const a = await create('/api/v1/runway/generate', RUNWAY_OK);
		const b = await create('/api/v1/runway/generate', RUNWAY_OK);
		expect(sim.getTask(a)!.state).not.toBe('success');
		expect(sim.completeTask(a)).toBe(true);
		expect(sim.failTask(b, 'Custom failure')).toBe(true);
		expect(sim.completeTask(a)).toBe(false);
		await waitFor(() => receiver.hits.length === 2);
		await sleep(50);
		expect(receiver.hits).toHaveLength(2);
		expect(receiver.hits.find((h) => h.body?.data.task_id === b)!.body).toMatchObject({
			code: 400,
			msg: 'Custom failure',
		});
		expect(sim.getTask(b)).toMatchObject({ state: 'fail', failMsg: 'Custom failure' });
	});

	it('emits callback and request events', async () => {
		const events: string[] = [];
		const onReq = (r: Sim['requests'][number]) => events.push(`request ${r.path}`);
		const onCb = (c: Sim['callbacks'][number]) => events.push(`callback ${c.status}`);
		sim.on('request', onReq);
		sim.on('callback', onCb);
		await create('/api/v1/runway/generate', RUNWAY_OK);
		await waitFor(() => events.includes('callback 200'));
		sim.off('request', onReq);
		sim.off('callback', onCb);
		expect(events).toEqual(['request /api/v1/runway/generate', 'callback 200']);
	});
});
