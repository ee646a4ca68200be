import { spawn } from 'child_process';
import * as path from 'path';
import {
	type KieBody,
	RUNWAY_OK,
	Sim,
	get,
	post,
	startReceiver,
	startSim,
	waitFor,
} from './helpers';

let sim: Sim;
beforeAll(async () => {
	sim = await startSim({ taskDurationMs: 60_000 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const control = async (method: 'GET' | 'POST', route: string, body?: unknown) => {
	const res = await fetch(`${sim.baseUrl}/__sim/${route}`, {
		method,
		headers: { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: res.status, body: (await res.json()) as KieBody };
};

describe('HTTP control API (no auth)', () => {
	it('GET /__sim/state reports credits, counts, tasks and callbacks', async () => {
		const { taskId } = (await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.data;
		const { body } = await control('GET', 'state');
		expect(body).toMatchObject({
			baseUrl: sim.baseUrl,
			uploadBaseUrl: sim.uploadBaseUrl,
			credits: 10000 - 12,
			counts: {
				requests: 1,
				create: 1,
				tasksCreated: 1,
				byRoute: { 'POST /api/v1/runway/generate': 1 },
			},
			tasks: [{ taskId, model: 'runway', state: expect.any(String) }],
			callbacks: [],
		});
		// Control calls are not KIE traffic: they are not logged.
		expect(sim.requests).toHaveLength(1);
		expect((await control('GET', 'requests')).body).toEqual([
			expect.objectContaining({ method: 'POST', path: '/api/v1/runway/generate', body: RUNWAY_OK }),
		]);
	});

	it('POST /__sim/tasks/:id/complete and /fail force outcomes; unknown ids answer 404', async () => {
		const receiver = await startReceiver();
		try {
			const a = (
				await post(sim.baseUrl, '/api/v1/runway/generate', {
					...RUNWAY_OK,
					callBackUrl: `${receiver.url}/cb`,
				})
			).body.data.taskId;
			const b = (await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.data.taskId;
			expect((await control('POST', `tasks/${a}/complete`)).body).toMatchObject({
				ok: true,
				task: { state: 'success' },
			});
			expect((await control('POST', `tasks/${b}/fail`, { msg: 'Nope' })).body).toMatchObject({
				ok: true,
				task: { state: 'fail', failMsg: 'Nope' },
			});
			expect(
				(await get(sim.baseUrl, `/api/v1/runway/record-detail?taskId=${b}`)).body.data,
			).toMatchObject({ state: 'fail', failMsg: 'Nope' });
			await waitFor(() => receiver.hits.length === 1);
			expect((await control('GET', `tasks/${a}`)).body.state).toBe('success');
			expect((await control('POST', 'tasks/unknown/complete')).status).toBe(404);
		} finally {
			await receiver.close();
		}
	});

	it('POST /__sim/faults and /__sim/callbacks set faults and callback behaviour; bad input answers 400', async () => {
		expect(
			(await control('POST', 'faults', { path: '/api/v1/chat/credit', kind: 'code455' })).body.ok,
		).toBe(true);
		expect((await get(sim.baseUrl, '/api/v1/chat/credit')).body.code).toBe(455);
		expect((await control('POST', 'faults', { kind: 'bogus' })).status).toBe(400);
		expect(
			(await control('POST', 'callbacks', { mode: 'duplicate', times: 2 })).body.behaviour,
		).toMatchObject({ mode: 'duplicate', times: 2 });
		expect(sim.callbackBehaviour.mode).toBe('duplicate');
		expect((await control('POST', 'callbacks', { mode: 'sideways' })).status).toBe(400);
	});

	it('POST /__sim/config, /__sim/time and /__sim/reset', async () => {
		await control('POST', 'config', { credits: 5 });
		expect((await get(sim.baseUrl, '/api/v1/chat/credit')).body.data).toBe(5);
		const { taskId } = (
			await post(sim.baseUrl, '/api/v1/aleph/generate', {
				prompt: 'x',
				videoUrl: 'https://e.com/v.mp4',
			})
		).body;
		expect(taskId).toBeUndefined();
		await control('POST', 'config', { credits: 500 });
		const id = (
			await post(sim.baseUrl, '/api/v1/aleph/generate', {
				prompt: 'x',
				videoUrl: 'https://e.com/v.mp4',
			})
		).body.data.taskId;
		await control('POST', 'time', { advanceMs: 61_000 });
		expect(
			(await get(sim.baseUrl, `/api/v1/aleph/record-info?taskId=${id}`)).body.data.successFlag,
		).toBe(1);
		expect((await control('POST', 'reset')).body.ok).toBe(true);
		expect(sim.tasksCreated()).toBe(0);
		expect(sim.credits).toBe(10000);
		expect(sim.requests).toHaveLength(0);
		expect(sim.count('create')).toBe(0);
		expect((await control('GET', 'nothing-here')).status).toBe(404);
	});
});

describe('JS API reset', () => {
	it('clears tasks, faults, callbacks behaviour and counters and restores options', async () => {
		sim.configure({ credits: 20, rateLimit: { max: 1, windowMs: 60_000 } });
		sim.injectFault({ path: '/api/v1/chat/credit', kind: 'code500' });
		sim.setCallbackBehaviour({ mode: 'lost' });
		await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK);
		sim.reset();
		expect(sim.tasks()).toEqual([]);
		expect(sim.callbackBehaviour.mode).toBe('normal');
		expect((await get(sim.baseUrl, '/api/v1/chat/credit')).body).toEqual({
			code: 200,
			msg: 'success',
			data: 10000,
		});
		expect((await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.code).toBe(200);
		expect((await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.code).toBe(200);
		expect(sim.count('POST /api/v1/runway/generate')).toBe(2);
	});

	it('accepts per-model durations and a time scale', async () => {
		const fast = await startSim({
			taskDurationMs: { runway: 60_000, aleph: 100, luma: 60_000 },
			timeScale: 100,
			recordNullMs: 0,
		});
		try {
			const r = (await post(fast.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.data.taskId;
			const a = (
				await post(fast.baseUrl, '/api/v1/aleph/generate', {
					prompt: 'x',
					videoUrl: 'https://e.com/v.mp4',
				})
			).body.data.taskId;
			// A "60 s" Runway task at 100x ends in about 0.6 s wall time.
			await waitFor(() => fast.getTask(a)!.state === 'success', 1000);
			expect(fast.getTask(r)!.state).not.toBe('success');
			await waitFor(() => fast.getTask(r)!.state === 'success', 3000);
		} finally {
			await fast.close();
		}
	});
});

describe('standalone CLI', () => {
	it('prints both base URLs and the key, serves KIE calls, and stops on SIGINT', async () => {
		const child = spawn(
			process.execPath,
			[
				path.join(__dirname, '../../scripts/simulator.js'),
				'--port',
				'0',
				'--upload-port',
				'0',
				'--api-key',
				'cli-key',
			],
			{
				env: { ...process.env, KIE_SIM_TASK_DURATION_MS: '1000' },
			},
		);
		let out = '';
		child.stdout.on('data', (c) => (out += c));
		try {
			await waitFor(() => /Upload base URL:\s+(\S+)/.test(out), 10_000);
			const api = /API base URL:\s+(\S+)/.exec(out)![1];
			expect(out).toMatch(/Upload base URL:\s+http:\/\/127\.0\.0\.1:\d+/);
			expect(out).toContain('cli-key');
			expect(out).toContain('1000 ms');
			expect(
				(await get(api, '/api/v1/chat/credit', { Authorization: 'Bearer cli-key' })).body,
			).toEqual({ code: 200, msg: 'success', data: 10000 });
		} finally {
			const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
			child.kill('SIGINT');
			expect(await exited).toBe(0);
		}
	});
});
