import type { FaultKind } from '../../simulator/faults';
import { AUTH, type KieBody, RUNWAY_OK, Sim, get, post, startSim, waitFor } from './helpers';

let sim: Sim;
beforeAll(async () => {
	sim = await startSim();
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const GENERATE = '/api/v1/runway/generate';

describe('injected faults on a create call create nothing and bill nothing', () => {
	it.each<[FaultKind, number, number]>([
		['http429', 429, 429],
		['http500', 500, 500],
		['code429', 200, 429],
		['code455', 200, 455],
		['code500', 200, 500],
		['code408', 200, 408],
		['code402', 200, 402],
		['code401', 200, 401],
		['code422', 200, 422],
		['code451', 200, 451],
		['code501', 200, 501],
		['code505', 200, 505],
	])('%s answers HTTP %i with body code %i', async (kind, httpStatus, code) => {
		sim.injectFault({ method: 'POST', path: GENERATE, kind });
		const res = await post(sim.baseUrl, GENERATE, RUNWAY_OK);
		expect(res.status).toBe(httpStatus);
		expect(res.body).toEqual({ code, msg: expect.any(String), data: null });
		expect(res.body.msg.length).toBeGreaterThan(3);
		expect(sim.tasksCreated()).toBe(0);
		expect(sim.credits).toBe(10000);
		expect(sim.count(`POST ${GENERATE}`)).toBe(1);
		expect(sim.count('create')).toBe(1);
		// One-shot by default: the next call goes through.
		expect((await post(sim.baseUrl, GENERATE, RUNWAY_OK)).body.code).toBe(200);
		expect(sim.tasksCreated()).toBe(1);
	});

	it("code408 carries KIE's upstream message; code and msg can be overridden", async () => {
		sim.injectFault({ path: GENERATE, kind: 'code408' });
		expect((await post(sim.baseUrl, GENERATE, RUNWAY_OK)).body.msg).toContain(
			'Upstream is currently experiencing service issues',
		);
		sim.injectFault({ path: GENERATE, kind: 'code500', code: 503, msg: 'custom' });
		expect((await post(sim.baseUrl, GENERATE, RUNWAY_OK)).body).toEqual({
			code: 503,
			msg: 'custom',
			data: null,
		});
	});

	it('reset destroys the connection without an answer', async () => {
		sim.injectFault({ path: GENERATE, kind: 'reset' });
		await expect(post(sim.baseUrl, GENERATE, RUNWAY_OK)).rejects.toThrow();
		expect(sim.tasksCreated()).toBe(0);
		expect(sim.count(`POST ${GENERATE}`)).toBe(1);
	});

	it('slow creates (and bills) the task but answers only after delayMs', async () => {
		sim.injectFault({ path: GENERATE, kind: 'slow', delayMs: 400 });
		const started = Date.now();
		const pending = fetch(sim.baseUrl + GENERATE, {
			method: 'POST',
			headers: AUTH,
			body: JSON.stringify(RUNWAY_OK),
		});
		await waitFor(() => sim.tasksCreated() === 1, 2000, 5);
		// Before any answer the task exists and is billed: a client that times out here has still created a task.
		expect(Date.now() - started).toBeLessThan(400);
		expect(sim.credits).toBe(10000 - 12);
		const res = await pending;
		expect(Date.now() - started).toBeGreaterThanOrEqual(380);
		expect(((await res.json()) as KieBody).data.taskId).toBe(sim.tasks()[0].taskId);
	});
});

describe('fault matching', () => {
	it('hits `times` matching requests only, by method and path ("create" and prefixes too)', async () => {
		sim.injectFault({ method: 'GET', path: '/api/v1/chat/credit', kind: 'code455', times: 2 });
		expect((await post(sim.baseUrl, GENERATE, RUNWAY_OK)).body.code).toBe(200);
		expect((await get(sim.baseUrl, '/api/v1/chat/credit')).body.code).toBe(455);
		expect((await get(sim.baseUrl, '/api/v1/chat/credit')).body.code).toBe(455);
		expect((await get(sim.baseUrl, '/api/v1/chat/credit')).body.code).toBe(200);

		sim.injectFault({ path: 'create', kind: 'code500' });
		expect((await get(sim.baseUrl, '/api/v1/chat/credit')).body.code).toBe(200);
		expect(
			(
				await post(sim.baseUrl, '/api/v1/modify/generate', {
					prompt: 'x',
					videoUrl: 'https://e.com/a.mp4',
				})
			).body.code,
		).toBe(500);

		sim.injectFault({ path: '/api/v1/runway/*', kind: 'code505' });
		expect((await get(sim.baseUrl, '/api/v1/runway/record-detail?taskId=x')).body.code).toBe(505);
	});

	it('applies to status calls and to the upload host (with success:false)', async () => {
		sim.injectFault({ path: '/api/file-base64-upload', kind: 'code500' });
		const res = await post(sim.uploadBaseUrl, '/api/file-base64-upload', {
			base64Data: 'aGk=',
			uploadPath: 'a',
		});
		expect(res).toEqual({
			status: 200,
			body: { success: false, code: 500, msg: 'Server Error', data: null },
		});
		sim.injectFault({ path: '/api/file-base64-upload', kind: 'http429' });
		expect(
			(
				await post(sim.uploadBaseUrl, '/api/file-base64-upload', {
					base64Data: 'aGk=',
					uploadPath: 'a',
				})
			).status,
		).toBe(429);
	});

	it('rejects unknown fault kinds', () => {
		// @ts-expect-error: a kind outside FaultKind, as plain JS could pass one
		expect(() => sim.injectFault({ kind: 'nope' })).toThrow(/Unknown fault kind/);
	});
});
