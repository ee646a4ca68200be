// KIE's fault table on real n8n 2.40.7 (the installed package against the simulator). Every row is also
// covered in the engine layer (test/engine/kie-faults.test.ts, kie-callback.test.ts). For each row:
// no task lost (every task KIE created is in the output or in the error), no second billed task
// (tasks created = items), one execution per run, and an error that says what to do.
//
//   row                                  test here (or elsewhere on real n8n)
//   429 as HTTP status / body code, 455  create: http429 | code429 | code455 …; status: … on status calls
//   500, 408                             create: code500 | http500 | code408 …; status: … on status calls
//   connection reset on a status call    status: reset on status calls …
//   status call slower than the timeout  status: a status call slower than the 30 s request timeout …
//   "recordInfo is null" at first        status: "recordInfo is null" for the first seconds …
//   duplicate callbacks                  kie-callbacks.test.ts › random order + duplicates: …
//   lost callback                        kie-callbacks.test.ts › one lost callback: …
//   early callbacks                      kie-callbacks.test.ts › callbacks that arrive before the execution is saved as waiting …
//   a task that fails                    a failed task in a batch …
//   expired result URL                   result links: …
//   KIE restarting mid-batch             KIE restarting: …
//
// Run: npm run build && npx jest --selectProjects e2e --runInBand --testPathPatterns kie-faults
import {
	chainWorkflow,
	collectorNode,
	createSimTask,
	executionsOf,
	host,
	kieCredential,
	type Execution,
	type ExecutionItem,
	type KieN8n,
	kieNode,
	logger,
	n8nNode,
	RUNWAY_CREATE,
	RUNWAY_STATUS,
	runwayGenerateParameters,
	type SimRequest,
	type Simulator,
	simulatorLib,
	sleep,
	startCollector,
	startN8nWithKie,
	waitFor,
	webhookNode,
} from './helpers';

jest.setTimeout(15 * 60_000);

const log = logger('kie-faults');
const CRED = 'kieFaultsCred001';
const VIDEO_SIZE = 300_000;

const WF = { poll: 'kieFaultsPoll001', download: 'kieFaultsDown001', get: 'kieFaultsGet0001' };
const HOOK = { poll: 'kie-faults-poll', download: 'kie-faults-download', get: 'kie-faults-get' };

/** Webhook (body.items) -> Split Out -> KIE node -> collector. */
function itemsWorkflow(
	id: string,
	webhookPath: string,
	kieParameters: Record<string, unknown>,
	collectorUrl: string,
) {
	return chainWorkflow(id, `e2e faults ${webhookPath}`, [
		webhookNode(webhookPath, { responseMode: 'onReceived' }),
		n8nNode('Split Out', 'n8n-nodes-base.splitOut', 1, {
			fieldToSplitOut: 'body.items',
			include: 'noOtherFields',
			options: {},
		}),
		kieNode('KIE', CRED, kieParameters),
		collectorNode(collectorUrl),
	]);
}

const generate = (completionOptions: Record<string, unknown> = {}) =>
	runwayGenerateParameters({ pollIntervalSeconds: 1, timeoutMinutes: 3, ...completionOptions });

describe('KIE fault table on real n8n', () => {
	let sim: Simulator;
	let collector: Awaited<ReturnType<typeof startCollector>>;
	let env: KieN8n;

	beforeAll(async () => {
		sim = await simulatorLib.createSimulator({
			taskDurationMs: 2500,
			recordNullMs: 300,
			videoSizeBytes: VIDEO_SIZE,
		});
		collector = await startCollector();
		env = await startN8nWithKie({
			tag: 'kie-faults',
			credentials: [kieCredential(CRED, sim)],
			workflows: [
				itemsWorkflow(WF.poll, HOOK.poll, generate(), collector.url),
				itemsWorkflow(
					WF.download,
					HOOK.download,
					generate({ downloadResult: true }),
					collector.url,
				),
				itemsWorkflow(
					WF.get,
					HOOK.get,
					{
						resource: 'runway',
						operation: 'get',
						taskId: '={{ $json.taskId }}',
						getOptions: { downloadResult: true },
					},
					collector.url,
				),
			],
		});
	});

	afterAll(async () => {
		await env?.stop();
		await sim?.close();
		await collector?.close();
	});

	beforeEach(() => sim.reset());

	/** Starts one run of a workflow with these items; returns its execution once it has ended, checking it was the only one. */
	async function runOnce(
		workflowId: string,
		webhookPath: string,
		items: Array<Record<string, unknown>>,
	) {
		const known = new Set((await executionsOf(env.userFolder, workflowId)).map((e) => e.id));
		const res = await host.callWebhook(env.n8n, webhookPath, { items });
		expect(res.status).toBe(200);
		const fresh = async () =>
			(await executionsOf(env.userFolder, workflowId)).filter((e) => !known.has(e.id));
		const execution = await waitFor(
			`the ${webhookPath} execution to end`,
			async () =>
				(await fresh()).find((e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status)),
			180_000,
			500,
		);
		await sleep(1000);
		expect((await fresh()).map((e) => e.id)).toEqual([execution.id]);
		return execution;
	}

	const outputOf = (execution: Execution): ExecutionItem[] =>
		execution.data.resultData.runData.KIE?.[0]?.data?.main?.[0] ?? [];
	const errorOf = (execution: Execution) => execution.data.resultData.error;
	const prompts = (tag: string, count: number) =>
		Array.from({ length: count }, (_, i) => ({ prompt: `${tag} clip ${i}` }));

	/** No task lost: every task KIE created is in the node's output or in the error the user sees. */
	function expectEveryTaskAccountedFor(execution: Execution) {
		const seen = JSON.stringify(outputOf(execution)) + JSON.stringify(errorOf(execution) ?? {});
		for (const task of sim.tasks()) expect(seen).toContain(task.taskId);
	}

	function expectSucceeded(execution: Execution, count: number) {
		expect(errorOf(execution)).toBeUndefined();
		expect(execution.status).toBe('success');
		const output = outputOf(execution);
		expect(output.map((item) => item.json.status)).toEqual(Array(count).fill('succeeded'));
		expect(new Set(output.map((item) => item.json.taskId)).size).toBe(count);
		// No second billed task: one task per item.
		expect(sim.tasksCreated()).toBe(count);
		expectEveryTaskAccountedFor(execution);
		return output;
	}

	describe('create calls', () => {
		test.each(['http429', 'code429', 'code455'] as const)(
			'%s on create calls: sent again, one task per item',
			async (kind) => {
				sim.injectFault({ method: 'POST', path: '/api/v1/runway/generate', kind, times: 2 });
				const execution = await runOnce(WF.poll, HOOK.poll, prompts(kind, 2));
				expectSucceeded(execution, 2);
				expect(sim.count(RUNWAY_CREATE)).toBe(4);
			},
		);

		test.each([
			['code500', 'KIE reported a server error (code 500)'],
			['http500', 'KIE reported a server error (code 500)'],
			['code408', "KIE's upstream gave no result for over 10 minutes (code 408)"],
		] as const)(
			'%s on a create call: not sent again (KIE may have billed it); the error names the other task and says to check the logs',
			async (kind, message) => {
				sim.injectFault({ method: 'POST', path: '/api/v1/runway/generate', kind, times: 1 });
				const execution = await runOnce(WF.poll, HOOK.poll, prompts(kind, 2));
				expect(execution.status).toBe('error');
				const error = errorOf(execution)!;
				expect(error.message).toContain(message);
				expect(error.description).toMatch(/check https:\/\/kie\.ai\/logs before running again/i);
				expect(sim.count(RUNWAY_CREATE)).toBe(2);
				expect(sim.tasksCreated()).toBe(1);
				expect(error.description).toContain(`(and billed): item `);
				expectEveryTaskAccountedFor(execution);
			},
		);
	});

	describe('status calls', () => {
		test.each(['http429', 'code429', 'code455', 'code500', 'http500', 'code408', 'reset'] as const)(
			'%s on status calls: asked again, every task found',
			async (kind) => {
				sim.injectFault({ method: 'GET', path: '/api/v1/runway/record-detail', kind, times: 2 });
				const execution = await runOnce(WF.poll, HOOK.poll, prompts(kind, 2));
				expectSucceeded(execution, 2);
				expect(sim.count(RUNWAY_STATUS)).toBeGreaterThanOrEqual(4);
				expect(sim.count(RUNWAY_CREATE)).toBe(2);
			},
		);

		test('a status call slower than the 30 s request timeout: given up, asked again, the task found', async () => {
			sim.injectFault({
				method: 'GET',
				path: '/api/v1/runway/record-detail',
				kind: 'slow',
				delayMs: 35_000,
				times: 1,
			});
			const execution = await runOnce(WF.poll, HOOK.poll, prompts('slow', 1));
			expectSucceeded(execution, 1);
			const calls = sim.requests.filter((r) => `${r.method} ${r.path}` === RUNWAY_STATUS);
			const gap = calls[1].at - calls[0].at;
			log(`slow status call: next call ${gap} ms after the slow one`);
			expect(gap).toBeGreaterThanOrEqual(29_000);
			expect(gap).toBeLessThan(35_000);
		});

		test('"recordInfo is null" for the first seconds is taken as pending', async () => {
			sim.configure({ recordNullMs: 2500 });
			const execution = await runOnce(WF.poll, HOOK.poll, prompts('record-null', 2));
			expectSucceeded(execution, 2);
			// Each task was read while KIE had no record of it yet (1 s interval, 2.5 s window).
			expect(sim.count(RUNWAY_STATUS)).toBeGreaterThanOrEqual(6);
		});
	});

	test("a failed task in a batch: the error names it, KIE's reason, what to do, and the other tasks", async () => {
		const items = [
			{ prompt: 'fail-batch calm sea' },
			{ prompt: 'fail-batch storm [fail]' },
			{ prompt: 'fail-batch harbour' },
		];
		const execution = await runOnce(WF.poll, HOOK.poll, items);
		expect(execution.status).toBe('error');
		const failed = sim.tasks().find((t) => t.params.prompt.includes('[fail]'))!;
		const error = errorOf(execution)!;
		expect(error.message).toBe(
			`KIE task ${failed.taskId} failed: Your prompt was caught by our AI moderator.`,
		);
		expect(error.description).toContain("Change the input as KIE's message says and run again");
		for (const task of sim.tasks().filter((t) => t.taskId !== failed.taskId))
			expect(error.description).toContain(`${task.taskId} (succeeded)`);
		expect(sim.tasksCreated()).toBe(3);
		expect(sim.count(RUNWAY_CREATE)).toBe(3);
		expectEveryTaskAccountedFor(execution);
	});

	describe('result links', () => {
		test('a link that expired before the download: a fresh one from the status API, and the video arrives', async () => {
			sim.configure({ signedResultLinks: true });
			let downloads = 0;
			const expireFirstLink = (request: SimRequest) => {
				// The first download finds its 20-minute link expired: the simulated clock jumps 21 minutes.
				if (request.path.startsWith('/files/') && downloads++ === 0) sim.advanceTime(21 * 60_000);
			};
			sim.on('request', expireFirstLink);
			try {
				const execution = await runOnce(WF.download, HOOK.download, prompts('expired-link', 1));
				const [item] = expectSucceeded(execution, 1);
				expect(item.json.downloadError).toBeUndefined();
				expect(item.binary?.data).toMatchObject({
					mimeType: 'video/mp4',
					fileName: `${item.json.taskId}.mp4`,
				});
				const files = sim.requests.filter((r) => r.path.startsWith('/files/'));
				expect(files.map((r) => r.path)).toEqual([
					`/files/${item.json.taskId}.mp4`,
					`/files/${item.json.taskId}.mp4`,
				]);
				expect(files[0].query['X-Amz-Date']).not.toBe(files[1].query['X-Amz-Date']);
			} finally {
				sim.off('request', expireFirstLink);
			}
		});

		test("a result past KIE's 14 days (expireFlag 1): Get reports it failed as expired, says to generate it again, downloads nothing", async () => {
			const taskId = await createSimTask(sim, '/api/v1/runway/generate', {
				prompt: 'old',
				duration: 5,
				quality: '720p',
				aspectRatio: '16:9',
			});
			await waitFor('the task to finish', () => sim.getTask(taskId)!.state === 'success', 15_000);
			sim.advanceTime(15 * 24 * 60 * 60_000);
			const execution = await runOnce(WF.get, HOOK.get, [{ taskId }]);
			// KIE's record still says success, but with expireFlag 1 its link is dead: the task is
			// reported as failed with the code 'expired' instead of a success whose download must fail.
			expect(execution.status).toBe('success');
			const [item] = outputOf(execution);
			expect(item.json).toMatchObject({ taskId, status: 'failed', error: { code: 'expired' } });
			expect(item.json.error?.message).toContain('it keeps results 14 days after they are made');
			expect(item.json.error?.message).toContain('run the generation again');
			expect(item.binary).toBeUndefined();
			expect(sim.tasksCreated()).toBe(1);
		});
	});

	describe('KIE restarting', () => {
		test('down while the batch polls, back with its tasks: every task found, one per item', async () => {
			let upAt = 0;
			let restarted: Promise<void> | undefined;
			const restartOnFirstStatusCall = (request: SimRequest) => {
				if (!restarted && request.path === '/api/v1/runway/record-detail')
					restarted = sim.restart({ downMs: 4000 });
			};
			const onUp = () => (upAt = Date.now());
			sim.on('request', restartOnFirstStatusCall);
			sim.on('up', onUp);
			try {
				const execution = await runOnce(WF.poll, HOOK.poll, prompts('restart-poll', 4));
				await restarted;
				expectSucceeded(execution, 4);
				expect(sim.count(RUNWAY_CREATE)).toBe(4);
				expect(upAt).toBeGreaterThan(0);
				expect(
					sim.requests.filter((r) => r.path === '/api/v1/runway/record-detail' && r.at > upAt)
						.length,
				).toBeGreaterThanOrEqual(4);
			} finally {
				sim.off('request', restartOnFirstStatusCall);
				sim.off('up', onUp);
			}
		});

		test('down when the batch starts: refused create calls are sent again (KIE never saw them), one task per item', async () => {
			const down = new Promise((resolve) => sim.once('down', resolve));
			const restarted = sim.restart({ downMs: 3000 });
			await down;
			const execution = await runOnce(WF.poll, HOOK.poll, prompts('restart-create', 2));
			await restarted;
			expectSucceeded(execution, 2);
			expect(sim.count(RUNWAY_CREATE)).toBe(2);
		});
	});
});
