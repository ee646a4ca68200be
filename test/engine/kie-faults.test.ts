import { kieEngine, runKie, startSimulator, FAST_POLL, type Simulator } from './kie-helpers';

// KIE's faults: none may lose a task or create a second billed one (the simulator's counts prove it),
// and the error a user sees must say what to do.

let sim: Simulator;
const CREATE = 'POST /api/v1/runway/generate';
const STATUS = 'GET /api/v1/runway/record-detail';
const generate = { resource: 'runway', operation: 'generate', prompt: 'A fox in the snow', ...FAST_POLL };

beforeAll(async () => {
	sim = await startSimulator();
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => sim.reset());

describe('create calls', () => {
	test.each(['http429', 'code429', 'code455'])('%s: retried, one task created and billed', async (kind) => {
		sim.injectFault({ method: 'POST', path: '/api/v1/runway/generate', kind, times: 2 });
		const run = await runKie(kieEngine(sim), generate);
		expect(run.status).toBe('success');
		expect(run.output('KIE')[0].json.status).toBe('succeeded');
		expect(sim.count(CREATE)).toBe(3);
		expect(sim.tasksCreated()).toBe(1);
	});

	test.each([
		['code500', 'KIE reported a server error (code 500)'],
		['http500', 'KIE reported a server error (code 500)'],
		['code408', 'KIE\'s upstream gave no result for over 10 minutes (code 408)'],
		['reset', 'The connection to KIE broke during the create request'],
	])('%s: not retried (KIE may have taken it), the error says so', async (kind, message) => {
		sim.injectFault({ method: 'POST', path: '/api/v1/runway/generate', kind, times: 1 });
		const run = await runKie(kieEngine(sim), generate);
		expect(run.status).toBe('error');
		expect(run.error?.message).toContain(message);
		expect(sim.count(CREATE)).toBe(1);
	});

	test.each([
		['code402', 'Insufficient KIE credits (code 402)', 'Top up the KIE account'],
		['code401', 'KIE rejected the API key (code 401)', 'https://kie.ai/api-key'],
		['code422', 'KIE rejected the parameters (code 422)', 'fields named'],
		['code451', 'KIE could not fetch the image or video (code 451)', 'public'],
		['code501', 'KIE could not generate the video (code 501)', 'Try again'],
		['code505', 'This KIE feature is disabled for the account (code 505)', 'KIE support'],
	])('%s: a message and an action', async (kind, message, action) => {
		sim.injectFault({ method: 'POST', path: '/api/v1/runway/generate', kind, times: 1 });
		const run = await runKie(kieEngine(sim), generate);
		expect(run.status).toBe('error');
		expect(run.error?.message).toContain(message);
		expect(String(run.error?.description)).toContain(action);
		expect(sim.tasksCreated()).toBe(0);
	});

	test('a refused create in a batch names the tasks already created, so none is lost', async () => {
		sim.injectFault({ method: 'POST', path: '/api/v1/runway/generate', kind: 'code402', times: 1 });
		const run = await runKie(kieEngine(sim), { ...generate, completion: 'submit' }, [{ json: {} }, { json: {} }, { json: {} }]);
		expect(run.status).toBe('error');
		expect(sim.tasksCreated()).toBe(2);
		for (const task of sim.tasks()) expect(String(run.error?.description)).toContain(task.taskId);
	});

	test('continue-on-fail: the refused item is an error item, the others complete', async () => {
		sim.injectFault({ method: 'POST', path: '/api/v1/runway/generate', kind: 'code402', times: 1 });
		const run = await runKie(kieEngine(sim), generate, [{ json: {} }, { json: {} }], { continueOnFail: true });
		expect(run.status).toBe('success');
		const statuses = run.output('KIE').map((item) => item.json.status ?? 'error');
		expect(statuses.sort()).toEqual(['error', 'succeeded']);
		expect(run.output('KIE').find((item) => !item.json.status)?.json.error).toContain('Insufficient KIE credits');
	});
});

describe('status calls', () => {
	test.each(['http429', 'code429', 'code455', 'code500', 'http500', 'code408', 'reset'])(
		'%s on a status call: retried, the task is still found',
		async (kind) => {
			sim.injectFault({ method: 'GET', path: '/api/v1/runway/record-detail', kind, times: 2 });
			const run = await runKie(kieEngine(sim), generate);
			expect(run.status).toBe('success');
			expect(run.output('KIE')[0].json.status).toBe('succeeded');
			expect(sim.tasksCreated()).toBe(1);
			expect(sim.count(STATUS)).toBeGreaterThanOrEqual(3);
		},
	);

	test('"recordInfo is null" for the first seconds is treated as pending', async () => {
		const slowRecords = await startSimulator({ recordNullMs: 2500, taskDurationMs: 3000 });
		try {
			const run = await runKie(kieEngine(slowRecords), generate);
			expect(run.status).toBe('success');
			expect(run.output('KIE')[0].json.status).toBe('succeeded');
			const early = slowRecords.requests.filter((request) => request.path === '/api/v1/runway/record-detail');
			expect(early.length).toBeGreaterThanOrEqual(3);
		} finally {
			await slowRecords.close();
		}
	});

	test('a timeout names the tasks still running so they can be fetched later', async () => {
		const slow = await startSimulator({ taskDurationMs: 60_000 });
		try {
			const run = await runKie(kieEngine(slow), { ...generate, completionOptions: { pollIntervalSeconds: 1, timeoutMinutes: 0.1 } });
			expect(run.status).toBe('error');
			expect(run.error?.message).toBe('1 KIE task(s) did not finish in time');
			expect(String(run.error?.description)).toContain(slow.tasks()[0].taskId);
			expect(slow.tasksCreated()).toBe(1);
		} finally {
			await slow.close();
		}
	});
});
