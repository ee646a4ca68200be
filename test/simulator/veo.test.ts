import * as crypto from 'crypto';
import { signCallback } from '../../simulator';
import { RUNWAY_OK, get, post, waitFor } from './helpers';
import { KLING_TEXT, useMarketSimulator } from './market-setup';

// Veo 3.1's legacy endpoints (docs/kie-api.md §11 "Veo 3.1") over real HTTP on 127.0.0.1: generate and
// its validation, record-info over a task's life, successFlag 0/1/2/3, the callback per code, its
// signature, the create rate limit it shares with the other creates, and the retire switch.

const ctx = useMarketSimulator();

describe('Veo 3.1 (legacy /api/v1/veo/generate + record-info)', () => {
	const VEO = '/api/v1/veo/generate';
	const veoRecord = async (taskId: string) =>
		(await get(ctx.sim.baseUrl, `/api/v1/veo/record-info?taskId=${taskId}`)).body;

	it('successFlag 0 while generating, then 1 with response.resultUrls; its callback carries data.info', async () => {
		const body = {
			prompt: 'A lighthouse',
			model: 'veo3_fast',
			generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO',
			imageUrls: ['https://example.com/a.png'],
			aspectRatio: '9:16',
			callBackUrl: `${ctx.receiver.url}/veo`,
		};
		const res = await post(ctx.sim.baseUrl, VEO, body);
		expect(res.body).toEqual({ code: 200, msg: 'success', data: { taskId: expect.any(String) } });
		const taskId = res.body.data.taskId;
		expect(await veoRecord(taskId)).toMatchObject({ code: 422, msg: 'recordInfo is null' });
		ctx.sim.advanceTime(50_000);
		expect((await veoRecord(taskId)).data).toMatchObject({
			taskId,
			successFlag: 0,
			response: null,
		});
		ctx.sim.advanceTime(50_000);
		const { data } = await veoRecord(taskId);
		expect(data).toMatchObject({
			taskId,
			successFlag: 1,
			errorCode: null,
			errorMessage: '',
			response: { taskId, resultUrls: [`${ctx.sim.baseUrl}/files/${taskId}.mp4`] },
			completeTime: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
			fallbackFlag: false,
		});
		expect(JSON.parse(data.paramJson)).toMatchObject({
			prompt: 'A lighthouse',
			model: 'veo3_fast',
		});
		await waitFor(() => ctx.receiver.hits.length === 1);
		expect(ctx.receiver.hits[0].body).toEqual({
			code: 200,
			msg: 'Veo3.1 video generated successfully.',
			data: {
				taskId,
				info: {
					resultUrls: [`${ctx.sim.baseUrl}/files/${taskId}.mp4`],
					originUrls: [],
					resolution: '720p',
				},
				fallbackFlag: false,
			},
		});
		expect(ctx.sim.credits).toBe(10000 - 60);
	});

	it('a [fail] prompt ends in successFlag 3 with errorCode/errorMessage and a failure callback', async () => {
		const { taskId } = (
			await post(ctx.sim.baseUrl, VEO, {
				prompt: '[fail] storm',
				callBackUrl: `${ctx.receiver.url}/veo`,
			})
		).body.data;
		ctx.sim.advanceTime(100_000);
		expect((await veoRecord(taskId)).data).toMatchObject({
			successFlag: 3,
			errorCode: 400,
			errorMessage: 'Your prompt was caught by our AI moderator.',
			response: null,
		});
		await waitFor(() => ctx.receiver.hits.length === 1);
		expect(ctx.receiver.hits[0].body).toMatchObject({ code: 400, data: { taskId } });
	});

	it('validates model, generationType, images and the reference rules', async () => {
		const bad = async (body: Record<string, unknown>) =>
			(await post(ctx.sim.baseUrl, VEO, body)).body;
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
		expect(ctx.sim.tasksCreated()).toBe(0);
	});

	const veo = (body: Record<string, unknown>) => post(ctx.sim.baseUrl, VEO, body);
	const veoOk = async (body: Record<string, unknown>) => {
		const res = await veo(body);
		expect(res.body).toMatchObject({ code: 200, data: { taskId: expect.any(String) } });
		return res.body.data.taskId as string;
	};

	it('refuses each documented field with a 422 naming it, and creates nothing', async () => {
		const msgOf = async (body: Record<string, unknown>) => (await veo(body)).body;
		const cases: [Record<string, unknown>, RegExp][] = [
			[{ prompt: 'p', generationType: 'IMAGE_2_VIDEO' }, /^generationType must be one of/],
			[{ prompt: 'p', aspect_ratio: '4:3' }, /^aspect_ratio must be one of 16:9, 9:16, Auto/],
			[{ prompt: 'p', aspectRatio: '1:1' }, /^aspectRatio must be one of 16:9, 9:16, Auto/],
			[{ prompt: 'p', resolution: '2k' }, /^resolution must be one of 720p, 1080p, 4k/],
			[{ prompt: 'p', seeds: 100000 }, /^seeds must be an integer from 10000 to 99999/],
			[{ prompt: 'p', seeds: 12345.5 }, /^seeds must be an integer/],
			[{ prompt: 'p', seeds: '12345' }, /^seeds must be an integer/],
			[{ prompt: 'p', enableTranslation: 'yes' }, /^enableTranslation must be a boolean/],
			[{ prompt: 'p', enableFallback: 1 }, /^enableFallback must be a boolean/],
			[{ prompt: 'p', imageUrls: ['not a url'] }, /^imageUrls must be an array of http/],
			[
				{ prompt: 'p', generationType: 'TEXT_2_VIDEO', imageUrls: ['https://e.com/a.png'] },
				/^imageUrls is not taken with generationType TEXT_2_VIDEO/,
			],
			[
				{
					prompt: 'p',
					generationType: 'FIRST_AND_LAST_FRAMES_2_VIDEO',
					imageUrls: ['https://e.com/a.png', 'https://e.com/b.png', 'https://e.com/c.png'],
				},
				/needs 1 to 2 imageUrls \(got 3\)/,
			],
			[
				{
					prompt: 'p',
					generationType: 'REFERENCE_2_VIDEO',
					imageUrls: ['a', 'b', 'c', 'd'].map((n) => `https://e.com/${n}.png`),
				},
				/needs 1 to 3 imageUrls \(got 4\)/,
			],
			[{ prompt: 'p', generationType: 'REFERENCE_2_VIDEO' }, /needs 1 to 3 imageUrls \(got 0\)/],
			[
				// The generate page's snake_case field is checked like the camelCase one.
				{
					prompt: 'p',
					generationType: 'REFERENCE_2_VIDEO',
					aspect_ratio: 'Auto',
					imageUrls: ['https://e.com/a.png'],
				},
				/takes aspect_ratio 16:9 or 9:16, not Auto/,
			],
			[{ prompt: 'p', watermark: 5 }, /^watermark must be a string/],
			[{ prompt: 'p', callBackUrl: 'not a url' }, /^callBackUrl must be a valid http/],
			[{ prompt: '   ' }, /^prompt is required$/],
		];
		for (const [body, msg] of cases) {
			const answer = await msgOf(body);
			expect({ body, code: answer.code, msg: answer.msg }).toEqual({
				body,
				code: 422,
				msg: expect.stringMatching(msg),
			});
		}
		expect(ctx.sim.tasksCreated()).toBe(0);
		expect(ctx.sim.credits).toBe(10000);
	});

	it('accepts every tier, REFERENCE_2_VIDEO with Fast and Lite, and bills each tier', async () => {
		const reference = {
			prompt: 'p',
			generationType: 'REFERENCE_2_VIDEO',
			aspect_ratio: '9:16',
			imageUrls: ['https://e.com/a.png', 'https://e.com/b.png', 'https://e.com/c.png'],
		};
		await veoOk({ ...reference, model: 'veo3_fast' });
		await veoOk({ ...reference, model: 'veo3_lite' });
		await veoOk({
			prompt: 'p',
			model: 'veo3',
			resolution: '4k',
			seeds: 10000,
			enableFallback: false,
		});
		await veoOk({ prompt: 'p' }); // model defaults to veo3_fast
		expect(ctx.sim.credits).toBe(10000 - 60 - 30 - 250 - 60);
		ctx.sim.configure({ credits: 100 });
		expect((await veo({ prompt: 'p', model: 'veo3' })).body).toEqual({
			code: 402,
			msg: 'Insufficient Credits',
			data: null,
		});
		expect(ctx.sim.tasksCreated()).toBe(4);
	});

	it('record-info: "recordInfo is null" for an unknown or too new task; the resolution asked for is reported', async () => {
		expect(await veoRecord('0123456789abcdef0123456789abcdef')).toEqual({
			code: 422,
			msg: 'recordInfo is null',
			data: null,
		});
		const taskId = await veoOk({
			prompt: 'p',
			resolution: '1080p',
			callBackUrl: `${ctx.receiver.url}/veo`,
		});
		expect(await veoRecord(taskId)).toEqual({ code: 422, msg: 'recordInfo is null', data: null });
		ctx.sim.advanceTime(100_000);
		const { data } = await veoRecord(taskId);
		expect(data.response).toEqual({
			taskId,
			resultUrls: [`${ctx.sim.baseUrl}/files/${taskId}.mp4`],
			originUrls: [],
			resolution: '1080p',
		});
		expect(data.createTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
		await waitFor(() => ctx.receiver.hits.length === 1);
		expect(ctx.receiver.hits[0].body?.data.info).toMatchObject({ resolution: '1080p' });
		// The result file is served.
		expect((await fetch(`${ctx.sim.baseUrl}/files/${taskId}.mp4`, { method: 'HEAD' })).status).toBe(
			200,
		);
	});

	it('successFlag 2 for a task failed before generating, 3 once generating; the callback carries the code', async () => {
		const early = await veoOk({ prompt: 'p', callBackUrl: `${ctx.receiver.url}/early` });
		const failed = await ctx.control(`tasks/${early}/fail`, { msg: 'Server Error', code: 500 });
		expect(failed).toMatchObject({ status: 200, body: { ok: true } });
		expect((await veoRecord(early)).data).toMatchObject({
			successFlag: 2,
			errorCode: 500,
			errorMessage: 'Server Error',
			response: null,
			completeTime: expect.any(String),
		});
		await waitFor(() => ctx.receiver.hits.length === 1);
		expect(ctx.receiver.hits[0].body).toEqual({
			code: 500,
			msg: 'Server Error',
			data: { taskId: early, fallbackFlag: false },
		});

		const late = await veoOk({ prompt: 'p', callBackUrl: `${ctx.receiver.url}/late` });
		ctx.sim.advanceTime(50_000);
		expect(ctx.sim.failTask(late, 'Generation Failed', 501)).toBe(true);
		expect((await veoRecord(late)).data).toMatchObject({
			successFlag: 3,
			errorCode: 501,
			errorMessage: 'Generation Failed',
		});
		await waitFor(() => ctx.receiver.hits.length === 2);
		expect(ctx.receiver.hits[1].body).toEqual({
			code: 501,
			msg: 'Generation Failed',
			data: { taskId: late, fallbackFlag: false },
		});
	});

	it('signs its callback with data.taskId like the other callbacks', async () => {
		ctx.sim.configure({ hmacKey: 'veo-secret' });
		const taskId = await veoOk({ prompt: 'p', callBackUrl: `${ctx.receiver.url}/signed` });
		ctx.sim.completeTask(taskId);
		await waitFor(() => ctx.receiver.hits.length === 1);
		const { headers, body } = ctx.receiver.hits[0];
		const ts = String(headers['x-webhook-timestamp']);
		expect(body?.data.taskId).toBe(taskId);
		expect(headers['x-webhook-signature']).toBe(signCallback('veo-secret', taskId, ts));
		expect(headers['x-webhook-signature']).toBe(
			crypto.createHmac('sha256', 'veo-secret').update(`${taskId}.${ts}`).digest('base64'),
		);
	});

	it('shares the create rate limit with the legacy and Market creates (HTTP 429, nothing created)', async () => {
		ctx.sim.configure({ rateLimit: { max: 3, windowMs: 60_000 } });
		await ctx.createOk(KLING_TEXT);
		expect((await post(ctx.sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.code).toBe(200);
		await veoOk({ prompt: 'p' });
		const limited = await veo({ prompt: 'p' });
		expect(limited.status).toBe(429);
		expect(limited.body.code).toBe(429);
		expect((await ctx.create(KLING_TEXT)).status).toBe(429);
		expect(ctx.sim.tasksCreated()).toBe(3);
	});

	it('the retire switch removes generate (HTTP 404) while record-info still answers for its tasks', async () => {
		const taskId = await veoOk({ prompt: 'p' });
		ctx.sim.retire({ paths: [VEO] });
		expect(await veo({ prompt: 'p' })).toEqual({
			status: 404,
			body: { code: 404, msg: 'Not Found', data: null },
		});
		ctx.sim.advanceTime(100_000);
		expect((await veoRecord(taskId)).data).toMatchObject({ taskId, successFlag: 1 });
		ctx.sim.unretire({ paths: [VEO] });
		await veoOk({ prompt: 'p' });
		expect(ctx.sim.tasksCreated()).toBe(2);
	});
});
