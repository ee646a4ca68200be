import type { FaultKind } from '../../simulator/faults';
import { RUNWAY_OK, post, type KieBody } from './helpers';
import { CREATE, KLING_TEXT, useMarketSimulator } from './market-setup';

// KIE's Market API (docs/kie-api.md §11) over real HTTP on 127.0.0.1: createTask, and its validation
// per model. Records, callbacks, retire switches and Veo: market-records.test.ts.

const ctx = useMarketSimulator();

describe('createTask', () => {
	it('answers {code:200, msg:"success", data:{taskId}} and bills the task', async () => {
		const taskId = await ctx.createOk();
		expect(ctx.sim.tasksCreated()).toBe(1);
		expect(ctx.sim.getTask(taskId)).toMatchObject({
			model: 'market',
			marketModel: 'kling-2.6/text-to-video',
			params: KLING_TEXT,
		});
		expect(ctx.sim.credits).toBe(10000 - 40);
	});

	it('needs the Bearer key (401 in the body) and refuses non-JSON bodies, like the legacy creates', async () => {
		const noKey = await post(ctx.sim.baseUrl, CREATE, KLING_TEXT, {
			'Content-Type': 'application/json',
		});
		expect(noKey).toEqual({
			status: 200,
			body: { code: 401, msg: 'You do not have access permissions', data: null },
		});
		const res = await fetch(ctx.sim.baseUrl + CREATE, {
			method: 'POST',
			headers: { Authorization: 'Bearer sim-key', 'Content-Type': 'application/json' },
			body: '{nope',
		});
		expect(((await res.json()) as KieBody).code).toBe(422);
		ctx.sim.configure({ credits: 1 });
		expect((await ctx.create(KLING_TEXT)).body).toMatchObject({
			code: 402,
			msg: 'Insufficient Credits',
		});
		expect(ctx.sim.tasksCreated()).toBe(0);
	});

	it('shares one 20-per-10-s window per key with the legacy creates', async () => {
		for (let i = 0; i < 10; i++) {
			expect((await post(ctx.sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.code).toBe(
				200,
			);
			expect((await ctx.create(KLING_TEXT)).body.code).toBe(200);
		}
		const market = await ctx.create(KLING_TEXT);
		const legacy = await post(ctx.sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK);
		for (const res of [market, legacy]) {
			expect(res.status).toBe(429);
			expect(res.body.code).toBe(429);
		}
		expect(ctx.sim.tasksCreated()).toBe(20);
		expect(ctx.sim.count('create')).toBe(22);
	});

	it.each<[FaultKind, number, number]>([
		['http429', 429, 429],
		['code429', 200, 429],
		['code455', 200, 455],
		['code500', 200, 500],
		['code408', 200, 408],
	])(
		'fault %s on "create" hits createTask too (HTTP %i, code %i), no task',
		async (kind, http, code) => {
			ctx.sim.injectFault({ path: 'create', kind });
			const res = await ctx.create(KLING_TEXT);
			expect(res.status).toBe(http);
			expect(res.body.code).toBe(code);
			expect(ctx.sim.tasksCreated()).toBe(0);
			expect((await ctx.create(KLING_TEXT)).body.code).toBe(200);
		},
	);

	it('fault "reset" drops the connection; "slow" answers late with the task made', async () => {
		ctx.sim.injectFault({ path: 'create', kind: 'reset' });
		await expect(ctx.create(KLING_TEXT)).rejects.toThrow();
		expect(ctx.sim.tasksCreated()).toBe(0);
		ctx.sim.injectFault({ path: CREATE, kind: 'slow', delayMs: 150 });
		const started = Date.now();
		await ctx.createOk();
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
	});

	it('an unknown model id is a 422 naming it; a missing model or input is a 422 too', async () => {
		expect((await ctx.create({ model: 'veo-3-1', input: { prompt: 'x' } })).body).toEqual({
			code: 422,
			msg: 'The model veo-3-1 is not supported',
			data: null,
		});
		expect((await ctx.create({ input: {} })).body).toMatchObject({
			code: 422,
			msg: 'model is required',
		});
		expect((await ctx.create({ model: KLING_TEXT.model })).body).toMatchObject({
			code: 422,
			msg: 'input is required and must be an object',
		});
		expect((await ctx.create({ ...KLING_TEXT, callBackUrl: 'not a url' })).body.code).toBe(422);
		expect(ctx.sim.tasksCreated()).toBe(0);
	});

	it('the control API adds model ids that take any input object ("any other Market model")', async () => {
		expect(await ctx.control('market/models', { ids: ['sora-2-text-to-video'] })).toMatchObject({
			status: 200,
			body: { ok: true, extraMarketModels: ['sora-2-text-to-video'] },
		});
		const taskId = await ctx.createOk({
			model: 'sora-2-text-to-video',
			input: { anything: [1, 2] },
		});
		expect(ctx.sim.getTask(taskId)).toMatchObject({ marketModel: 'sora-2-text-to-video' });
		expect((await ctx.create({ model: 'sora-2-text-to-video', input: 'text' })).body.code).toBe(
			422,
		);
		ctx.sim.reset();
		expect((await ctx.create({ model: 'sora-2-text-to-video', input: {} })).body.code).toBe(422);
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
			await ctx.createOk({ model, input });
			const broken: Record<string, unknown> = { ...input, ...change };
			for (const [k, v] of Object.entries(change)) if (v === undefined) delete broken[k];
			const res = await ctx.create({ model, input: broken });
			expect(res.status).toBe(200);
			expect(res.body.code).toBe(422);
			expect(res.body.msg).toMatch(message);
			expect(res.body.data).toBeNull();
			expect(ctx.sim.tasksCreated()).toBe(1);
		},
	);

	it('runway/extend-ai-video needs task_id to name a succeeded Runway task (legacy or Market)', async () => {
		const extend = (task_id: string) =>
			ctx.create({
				model: 'runway/extend-ai-video',
				input: { task_id, prompt: 'more', quality: '720p' },
			});
		expect((await extend('nope')).body).toMatchObject({
			code: 422,
			msg: 'input.task_id nope is not a Runway task',
		});
		const legacy = (await post(ctx.sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.data
			.taskId;
		expect((await extend(legacy)).body.msg).toMatch(/has not generated a video successfully/);
		ctx.sim.completeTask(legacy);
		const fromLegacy = (await extend(legacy)).body.data.taskId;
		const marketRunway = await ctx.createOk({
			model: 'runway',
			input: { prompt: 'p', duration: 5, quality: '1080p', image_url: 'https://example.com/a.png' },
		});
		ctx.sim.completeTask(marketRunway);
		await ctx.createOk({
			model: 'runway/extend-ai-video',
			input: { task_id: marketRunway, prompt: 'more', quality: '720p' },
		});
		expect(ctx.sim.getTask(fromLegacy)).toMatchObject({ parentTaskId: legacy, credits: 12 });
		const kling = await ctx.createOk();
		ctx.sim.completeTask(kling);
		expect((await extend(kling)).body.code).toBe(422);
	});
});
