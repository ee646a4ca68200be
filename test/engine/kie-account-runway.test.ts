import {
	kieEngine,
	runKie,
	requestsTo,
	startSimulator,
	FAST_POLL,
	type Simulator,
} from './kie-helpers';

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator();
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => sim.reset());

describe('account: getCredits', () => {
	test("returns the simulator's balance, one item per input item", async () => {
		const run = await runKie(kieEngine(sim), { resource: 'account', operation: 'getCredits' }, [
			{ json: {} },
			{ json: {} },
		]);
		expect(run.status).toBe('success');
		expect(run.output('KIE').map((item) => item.json)).toEqual([
			{ credits: sim.credits },
			{ credits: sim.credits },
		]);
		expect(run.output('KIE').map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(requestsTo(sim, 'GET', '/api/v1/chat/credit')).toHaveLength(2);
	});

	test("a wrong key gives KIE's 401 as an actionable error, without the key in it", async () => {
		const run = await runKie(kieEngine(sim, { apiKey: 'wrong-key-123' }), {
			resource: 'account',
			operation: 'getCredits',
		});
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe(
			'KIE rejected the API key (code 401): You do not have access permissions',
		);
		expect(JSON.stringify(run.error)).not.toContain('wrong-key-123');
		expect(JSON.stringify(run.data)).not.toContain('wrong-key-123');
	});
});

describe('runway: generate', () => {
	test('submit: pins the request body and returns the queued task with a tagged callback URL', async () => {
		const run = await runKie(kieEngine(sim), {
			resource: 'runway',
			operation: 'generate',
			prompt: 'A cat surfing a wave at sunset',
			duration: 10,
			quality: '720p',
			aspectRatio: '9:16',
			waterMark: 'mybrand',
			completion: 'submit',
			callbackUrl: 'https://example.com/hook?x=1',
			reference: 'row-7',
		});
		expect(run.status).toBe('success');
		const [create] = requestsTo(sim, 'POST', '/api/v1/runway/generate');
		expect(create.body).toEqual({
			prompt: 'A cat surfing a wave at sunset',
			duration: 10,
			quality: '720p',
			aspectRatio: '9:16',
			waterMark: 'mybrand',
			callBackUrl: 'https://example.com/hook?x=1&model=runway&reference=row-7',
		});
		const [item] = run.output('KIE');
		expect(item.json).toMatchObject({
			model: 'runway',
			status: 'queued',
			reference: 'row-7',
			videoUrl: null,
			error: null,
		});
		expect(sim.getTask(item.json.taskId as string)).toBeDefined();
	});

	test('image to video: sends imageUrl and no aspect ratio', async () => {
		await runKie(kieEngine(sim), {
			resource: 'runway',
			operation: 'generate',
			prompt: 'Animate this',
			imageSource: 'url',
			imageUrl: 'https://example.com/cat.png',
			completion: 'submit',
		});
		const [create] = requestsTo(sim, 'POST', '/api/v1/runway/generate');
		expect(create.body).toEqual({
			prompt: 'Animate this',
			duration: 5,
			quality: '720p',
			imageUrl: 'https://example.com/cat.png',
			waterMark: '',
		});
	});

	test('poll: waits through "recordInfo is null" and the states to the finished video', async () => {
		const run = await runKie(
			kieEngine(sim),
			{ resource: 'runway', operation: 'generate', prompt: 'A red balloon', ...FAST_POLL },
			[{ json: { n: 1 } }, { json: { n: 2 } }],
		);
		expect(run.status).toBe('success');
		const items = run.output('KIE');
		expect(items).toHaveLength(2);
		for (const [index, item] of items.entries()) {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json).toMatchObject({ model: 'runway', status: 'succeeded', error: null });
			expect(item.json.videoUrl).toMatch(new RegExp(`^${sim.baseUrl}/.*\\.mp4`));
			expect(item.json.thumbnailUrl).toEqual(expect.any(String));
			expect(item.json.completedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
		}
		expect(sim.tasksCreated()).toBe(2);
		expect(sim.count('POST /api/v1/runway/generate')).toBe(2);
	});

	test("poll: a failed task stops the node with the task id and KIE's message", async () => {
		const run = await runKie(kieEngine(sim), {
			resource: 'runway',
			operation: 'generate',
			prompt: 'please [fail] now',
			...FAST_POLL,
		});
		expect(run.status).toBe('error');
		const task = sim.tasks()[0];
		expect(run.error?.message).toContain(`KIE task ${task.taskId} failed`);
	});

	test('poll with continue-on-fail: the failed item says so and the others still complete', async () => {
		const run = await runKie(
			kieEngine(sim),
			{ resource: 'runway', operation: 'generate', prompt: '={{ $json.prompt }}', ...FAST_POLL },
			[
				{ json: { prompt: 'fine one' } },
				{ json: { prompt: 'this one will [fail]' } },
				{ json: { prompt: 'fine two' } },
			],
			{ continueOnFail: true },
		);
		expect(run.status).toBe('success');
		expect(run.output('KIE').map((item) => item.json.status)).toEqual([
			'succeeded',
			'failed',
			'succeeded',
		]);
		expect(run.output('KIE')[1].json.error).toEqual({
			code: expect.anything(),
			message: expect.any(String),
		});
	});

	test("downloadResult streams the video into binary with the simulator's bytes", async () => {
		const run = await runKie(kieEngine(sim), {
			resource: 'runway',
			operation: 'generate',
			prompt: 'A lighthouse',
			...FAST_POLL,
			completionOptions: {
				...FAST_POLL.completionOptions,
				downloadResult: true,
				binaryPropertyName: 'video',
			},
		});
		expect(run.status).toBe('success');
		const [item] = run.output('KIE');
		expect(item.binary?.video).toMatchObject({
			mimeType: 'video/mp4',
			fileName: `${item.json.taskId}.mp4`,
		});
		const response = await fetch(item.json.videoUrl as string);
		const expected = Buffer.from(await response.arrayBuffer());
		expect(Number(item.binary?.video.bytes ?? expected.length)).toBe(expected.length);
	});
});

describe('runway: extend and get', () => {
	test('extend creates a child task read through record-detail with parentTaskId', async () => {
		const engine = kieEngine(sim);
		const first = await runKie(engine, {
			resource: 'runway',
			operation: 'generate',
			prompt: 'A boat',
			...FAST_POLL,
		});
		const parentId = first.output('KIE')[0].json.taskId as string;
		const run = await runKie(engine, {
			resource: 'runway',
			operation: 'extend',
			taskId: parentId,
			prompt: 'It sails away',
			quality: '720p',
			...FAST_POLL,
		});
		expect(run.status).toBe('success');
		expect(requestsTo(sim, 'POST', '/api/v1/runway/extend')[0].body).toEqual({
			taskId: parentId,
			prompt: 'It sails away',
			quality: '720p',
			waterMark: '',
		});
		expect(run.output('KIE')[0].json).toMatchObject({
			model: 'runway-extend',
			status: 'succeeded',
			parentTaskId: parentId,
		});
	});

	test('get returns the task object; an unknown id says KIE has no record', async () => {
		const engine = kieEngine(sim);
		const created = await runKie(engine, {
			resource: 'runway',
			operation: 'generate',
			prompt: 'A tree',
			completion: 'submit',
		});
		const taskId = created.output('KIE')[0].json.taskId as string;
		sim.completeTask(taskId);
		const run = await runKie(engine, { resource: 'runway', operation: 'get', taskId });
		expect(run.output('KIE')[0].json).toMatchObject({
			taskId,
			status: 'succeeded',
			model: 'runway',
		});
		const missing = await runKie(engine, {
			resource: 'runway',
			operation: 'get',
			taskId: 'no-such-task',
		});
		expect(missing.status).toBe('error');
		expect(missing.error?.message).toContain('KIE has no record of Runway task "no-such-task"');
	});
});
