import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService } from 'n8n-core';

import {
	API_KEY,
	kieEngine,
	runKie,
	requestsTo,
	startSimulator,
	KIE,
	type Simulator,
} from './kie-helpers';
import { createEngine, type Engine } from './harness';
import { KieApi } from '../../credentials/KieApi.credentials';
import { Kie } from '../../nodes/Kie/Kie.node';
import { MAX_CALLBACK_ITEMS } from '../../nodes/Kie/helpers/waitState';
import { limiterFor } from '../../nodes/Kie/transport/rateLimit';

// Callback mode through n8n-core's engine: the execution waits, the simulator calls the signed resume
// URL (served by the harness on 127.0.0.1), and the node resumes once every task is confirmed.

let sim: Simulator;
let engine: Engine;

const callbackRun = (prompt = 'A comet', extra: object = {}) => ({
	resource: 'runway',
	operation: 'generate',
	prompt,
	completion: 'callback',
	completionOptions: { timeoutMinutes: 0.1 },
	...extra,
});

beforeAll(async () => {
	sim = await startSimulator({ taskDurationMs: 1500, callbackRetryDelayMs: 200 });
});
afterAll(async () => {
	await sim.close();
});
beforeEach(async () => {
	sim.reset();
	engine = kieEngine(sim);
	await engine.listen();
});
afterEach(async () => {
	await engine.close();
});

test('three items wait, then resume once with every result; one status call per task', async () => {
	const run = await runKie(engine, { ...callbackRun(), completionOptions: { timeoutMinutes: 5 } }, [
		{ json: { i: 0 } },
		{ json: { i: 1 } },
		{ json: { i: 2 } },
	]);
	expect(run.status).toBe('waiting');
	expect(run.waitTill!.getTime()).toBeGreaterThan(Date.now() + 4 * 60_000);
	expect(Object.keys(run.customData).some((key) => key.startsWith('kie_'))).toBe(true);
	for (const task of sim.tasks()) expect(String(task.callBackUrl)).toContain('signature=');

	const finished = await engine.whenFinished(run, 30_000);
	expect(finished.status).toBe('success');
	const items = finished.output('KIE');
	expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	expect(items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
	expect(items.map((item) => item.json.taskId)).toEqual(sim.tasks().map((task) => task.taskId));
	expect(sim.count('POST /api/v1/runway/generate')).toBe(3);
	expect(requestsTo(sim, 'GET', '/api/v1/runway/record-detail')).toHaveLength(3);
});

test('duplicate callbacks cost no extra status call and resume only once', async () => {
	sim.setCallbackBehaviour({ mode: 'duplicate', times: 3 });
	const run = await runKie(engine, { ...callbackRun(), completionOptions: { timeoutMinutes: 5 } }, [
		{ json: {} },
		{ json: {} },
	]);
	const finished = await engine.whenFinished(run, 30_000);
	expect(finished.status).toBe('success');
	expect(finished.output('KIE')).toHaveLength(2);
	expect(requestsTo(sim, 'GET', '/api/v1/runway/record-detail')).toHaveLength(2);
	// Deliveries after the resume are refused by n8n (409), as on a real instance.
	await new Promise((resolve) => setTimeout(resolve, 500));
	expect(sim.callbacks.some((delivery) => delivery.status === 409)).toBe(true);
});

test('a lost callback: the node wakes itself at the time limit and polls the open task', async () => {
	sim.setCallbackBehaviour({ mode: 'lost' });
	const run = await runKie(engine, callbackRun(), [{ json: {} }]);
	expect(run.status).toBe('waiting');
	const finished = await engine.whenFinished(run, 60_000);
	expect(finished.status).toBe('success');
	expect(finished.output('KIE')[0].json).toMatchObject({ status: 'succeeded', model: 'runway' });
	expect(sim.callbacks).toHaveLength(0);
});

test('early callbacks (sent before the execution is stored as waiting) still end the run once, with every task', async () => {
	sim.setCallbackBehaviour({ mode: 'early' });
	const run = await runKie(engine, callbackRun(), [{ json: {} }, { json: {} }]);
	const finished = await engine.whenFinished(run, 60_000);
	expect(finished.status).toBe('success');
	const items = finished.output('KIE');
	expect(items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded']);
	expect(items.map((item) => item.json.taskId)).toEqual(sim.tasks().map((task) => task.taskId));
	expect(sim.tasksCreated()).toBe(2);
	expect(sim.count('POST /api/v1/runway/generate')).toBe(2);
	// Both tasks' callbacks were taken (the later one as "already resumed" or n8n's 409); nothing ran twice.
	await new Promise((resolve) => setTimeout(resolve, 1000));
	expect(sim.callbacks.map((delivery) => delivery.taskId).sort()).toEqual(
		sim
			.tasks()
			.map((task) => task.taskId)
			.sort(),
	);
	for (const delivery of sim.callbacks) expect([200, 409]).toContain(delivery.status);
	expect(engine.latest(finished)?.status).toBe('success');
	expect(engine.latest(finished)?.output('KIE')).toHaveLength(2);
});

test('a failed task comes out as a failed item after the resume', async () => {
	const run = await runKie(engine, {
		...callbackRun('boom [fail]'),
		completionOptions: { timeoutMinutes: 5 },
	});
	const finished = await engine.whenFinished(run, 30_000);
	expect(finished.status).toBe('success');
	expect(finished.output('KIE')[0].json).toMatchObject({
		status: 'failed',
		error: { message: expect.stringContaining('moderator') },
	});
});

test('with an HMAC key, unsigned callbacks are refused and the run keeps waiting', async () => {
	const signedSim = await startSimulator({ taskDurationMs: 60_000, hmacKey: 'hmac-secret' });
	const signedEngine = kieEngine(signedSim, { hmacKey: 'hmac-secret' });
	await signedEngine.listen();
	try {
		const run = await runKie(signedEngine, {
			...callbackRun(),
			completionOptions: { timeoutMinutes: 5 },
		});
		expect(run.status).toBe('waiting');
		const task = signedSim.tasks()[0];
		const forged = await fetch(String(task.callBackUrl), {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-webhook-timestamp': String(Math.floor(Date.now() / 1000)),
				'x-webhook-signature': 'AAAA',
			},
			body: JSON.stringify({
				code: 200,
				msg: 'ok',
				data: { task_id: task.taskId, video_url: 'https://evil.example/x.mp4' },
			}),
		});
		expect(forged.status).toBe(401);
		expect(signedEngine.latest(run)?.status).toBe('waiting');
		signedSim.completeTask(task.taskId);
		const finished = await signedEngine.whenFinished(run, 30_000);
		expect(finished.output('KIE')[0].json.videoUrl).toContain(signedSim.baseUrl);
	} finally {
		await signedEngine.close();
		await signedSim.close();
	}
});

test('a callback that is not JSON is refused with 415, as the KIE Trigger does, and the run keeps waiting', async () => {
	const slowSim = await startSimulator({ taskDurationMs: 60_000 });
	const slowEngine = kieEngine(slowSim);
	await slowEngine.listen();
	try {
		const run = await runKie(slowEngine, {
			...callbackRun(),
			completionOptions: { timeoutMinutes: 5 },
		});
		expect(run.status).toBe('waiting');
		const task = slowSim.tasks()[0];
		const body = JSON.stringify({ code: 200, msg: 'ok', data: { task_id: task.taskId } });
		for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
			const refused = await fetch(String(task.callBackUrl), {
				method: 'POST',
				headers: { 'content-type': contentType },
				body,
			});
			expect(refused.status).toBe(415);
			expect(await refused.json()).toEqual({
				error: `KIE callbacks are JSON, not "${contentType}"`,
			});
		}
		expect(requestsTo(slowSim, 'GET', '/api/v1/runway/record-detail')).toHaveLength(0);
		expect(slowEngine.latest(run)?.status).toBe('waiting');
		slowSim.completeTask(task.taskId);
		const finished = await slowEngine.whenFinished(run, 30_000);
		expect(finished.output('KIE')[0].json.status).toBe('succeeded');
	} finally {
		await slowEngine.close();
		await slowSim.close();
	}
});

/** Lets this process create `max` tasks per window instead of KIE's 20 per 10 s (restored by the caller). */
function raiseCreatePace(simulator: Simulator, max: number): () => void {
	const limiter = limiterFor(simulator.baseUrl, API_KEY) as unknown as { max: number };
	const before = limiter.max;
	limiter.max = max;
	return () => {
		limiter.max = before;
	};
}

test('more items than the custom data can hold: the task list goes to a binary data file, and the run resumes with every result', async () => {
	// 400 tasks in a few seconds (the node's pacer raised for this test; the simulator has no limit
	// here), each ending 15 s later: every callback comes after the pause.
	const bigSim = await startSimulator({
		taskDurationMs: 15_000,
		callbackRetryDelayMs: 200,
		rateLimit: { max: 1_000_000, windowMs: 10_000 },
	});
	const bigEngine = kieEngine(bigSim);
	await bigEngine.listen();
	const restorePace = raiseCreatePace(bigSim, 1_000_000);
	try {
		const count = 400;
		expect(count).toBeGreaterThan(MAX_CALLBACK_ITEMS);
		const run = await runKie(
			bigEngine,
			{ ...callbackRun(), completionOptions: { timeoutMinutes: 5 } },
			Array.from({ length: count }, (_, i) => ({ json: { i } })),
		);
		expect(run.status).toBe('waiting');
		const kieKeys = Object.entries(run.customData).filter(([key]) => key.startsWith('kie_'));
		expect(kieKeys).toHaveLength(1);
		expect(kieKeys[0][1]).toMatch(/^@filesystem(-v2)?:/);

		const finished = await bigEngine.whenFinished(run, 90_000);
		expect(finished.status).toBe('success');
		const items = finished.output('KIE');
		expect(items).toHaveLength(count);
		expect(items.map((item) => item.json.taskId)).toEqual(
			bigSim.tasks().map((task) => task.taskId),
		);
		expect(items.every((item) => item.json.status === 'succeeded')).toBe(true);
		expect(items.map((item) => item.pairedItem)).toEqual(
			Array.from({ length: count }, (_, item) => ({ item })),
		);
		expect(bigSim.count('POST /api/v1/runway/generate')).toBe(count);
		// One status call per task: each callback's confirmation.
		expect(requestsTo(bigSim, 'GET', '/api/v1/runway/record-detail')).toHaveLength(count);
	} finally {
		restorePace();
		await bigEngine.close();
		await bigSim.close();
	}
}, 150_000);

test("more items than the custom data can hold, and binary data kept in memory (n8n 1.x's default): refused before any request, saying what to set", async () => {
	// n8n-core stores with no id in a mode it has no manager for, as n8n 1.x's default (in-memory)
	// mode does; the engine reads the mode from the config when it starts a run.
	const config = Container.get(BinaryDataConfig) as unknown as { mode: string };
	const mode = config.mode;
	config.mode = 'default';
	try {
		const run = await runKie(
			engine,
			callbackRun(),
			Array.from({ length: 400 }, () => ({ json: {} })),
		);
		expect(run.status).toBe('error');
		expect(run.error?.message).toMatch(
			/^Callback mode can wait for at most \d+ items in one run on this n8n \(400 given\)$/,
		);
		expect(String(run.error?.description)).toContain('N8N_DEFAULT_BINARY_DATA_MODE=filesystem');
		expect(sim.requests).toHaveLength(0);
	} finally {
		config.mode = mode;
		await Container.get(BinaryDataService).init();
	}
});

test('real KIE with a local n8n URL: refused before any request, pointing to poll mode', async () => {
	const realKie = createEngine({
		nodeTypes: { [KIE]: Kie },
		credentialTypes: { kieApi: KieApi },
		// Real KIE's address: the guard fires before anything is sent, so nothing leaves this machine.
		credentials: {
			kieApi: { id: '2', name: 'KIE', data: { apiKey: 'k', baseUrl: 'https://api.kie.ai' } },
		},
	});
	await realKie.listen();
	try {
		const run = await runKie(realKie, callbackRun());
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe(
			'KIE cannot call back to this n8n: its webhook address is 127.0.0.1',
		);
		expect(String(run.error?.description)).toContain('WEBHOOK_URL');
		expect(String(run.error?.description)).toContain('Poll');
	} finally {
		await realKie.close();
	}
});
