// Callback mode at scale, and callbacks n8n refused, on real n8n 2.40.7:
//   1. 200 items in one run (above the 169 that fit in custom data): the task list goes to a file of
//      n8n's binary data store, custom data keeps its id; one create and one status call per task.
//   2. Tasks that fail at once, whose every callback delivery n8n refuses (409: the execution is not
//      stored as waiting yet): the node's early check resumes the run about a minute after the pause.
// Run: npm run build && npx jest --selectProjects e2e --runInBand --testPathPatterns kie-callback-scale
import {
	callbackDeliveries,
	callbackModeWorkflow,
	executionEnd,
	executionsOf,
	host,
	kieCredential,
	type KieN8n,
	lastRunOutput,
	logger,
	RUNWAY_CREATE,
	RUNWAY_STATUS_PATH,
	type Simulator,
	simulatorLib,
	startCollector,
	startN8nWithKie,
	waitFor,
} from './helpers';
import { BACKSTOP_MS, EARLY_CHECK_MS } from '../../nodes/Kie/helpers/callbackMode';
import { MAX_CALLBACK_ITEMS } from '../../nodes/Kie/helpers/waitState';

jest.setTimeout(15 * 60_000);

const log = logger('kie-callback-scale');
const CRED = 'kieCbScaleCred01';
const WF = 'kieCbScaleWf0001';
const HOOK = 'kie-cb-scale';
const LARGE_RUN = 200;
const TASK_MS = 20_000;

describe('KIE node, callback mode at scale and with refused callbacks, on real n8n', () => {
	let sim: Simulator;
	let collector: Awaited<ReturnType<typeof startCollector>>;
	let env: KieN8n;
	const figures: Record<string, unknown> = {};

	beforeAll(async () => {
		// 20 s tasks: in a 200-item run (creation paced at KIE's 20 per 10 s, ~95 s) the first tasks
		// end, and call back, before the execution is stored as waiting.
		sim = await simulatorLib.createSimulator({
			taskDurationMs: TASK_MS,
			callbackRetryDelayMs: 500,
		});
		collector = await startCollector();
		env = await startN8nWithKie({
			tag: 'kie-callback-scale',
			credentials: [kieCredential(CRED, sim)],
			workflows: [
				callbackModeWorkflow({
					id: WF,
					name: 'e2e callback scale',
					webhookPath: HOOK,
					credentialId: CRED,
					collectorUrl: collector.url,
					idPrefix: 'cb5ca1e0',
				}),
			],
		});
	});

	afterAll(async () => {
		log(`figures: ${JSON.stringify(figures, null, 1)}`);
		await env?.stop();
		await sim?.close();
		await collector?.close();
	});

	const executions = () => executionsOf(env.userFolder, WF);
	const statusCallsOf = (taskId: string) =>
		sim.requests.filter((r) => r.path === RUNWAY_STATUS_PATH && r.query.taskId === taskId);

	/** Starts a run of `count` items (prompts `<tag> clip <i>` + `suffix`); returns its tasks in item order and the waiting execution. */
	async function startRun(tag: string, count: number, suffix = '') {
		const lastId = Math.max(0, ...(await executions()).map((e) => Number(e.id)));
		const items = Array.from({ length: count }, (_, i) => ({
			prompt: `${tag} clip ${String(i).padStart(4, '0')}${suffix}`,
			ref: `${tag}-ref-${i}`,
			timeoutMinutes: 10,
		}));
		expect((await host.callWebhook(env.n8n, HOOK, { items })).status).toBe(200);
		const waiting = await waitFor(
			`the ${tag} execution to wait`,
			async () => (await executions()).find((e) => Number(e.id) > lastId && e.status === 'waiting'),
			count * 1000 + 30_000,
			250,
		);
		const pausedSeenAt = Date.now();
		const tasks = sim
			.tasks()
			.filter((t) => String(t.params?.prompt ?? '').startsWith(`${tag} clip `))
			.sort((a, b) => a.params.prompt.localeCompare(b.params.prompt));
		expect(tasks).toHaveLength(count);
		return { tasks, waiting, pausedSeenAt };
	}

	test('tasks that fail at once, none of their callbacks getting through: the early check resumes the run within ~70 s, one create per item', async () => {
		// A moderation failure ends a task in milliseconds: its callback reaches n8n before the run is
		// stored as waiting, n8n itself answers 409, and KIE gives up after 3 retries. Whether those
		// attempts happen before or after the wait is stored is a race, so the simulator sends none
		// ('lost'); the 200-item run below has n8n refuse hundreds for real.
		sim.configure({ taskDurationMs: 100 });
		sim.setCallbackBehaviour({ mode: 'lost' });
		try {
			const creates0 = sim.count(RUNWAY_CREATE);
			const { tasks, waiting, pausedSeenAt } = await startRun('fast', 3, ' [fail]');
			for (const t of tasks) {
				expect(sim.getTask(t.taskId)!.callbackFailed).toBe(true);
				expect(callbackDeliveries(sim).of(t.taskId)).toHaveLength(0);
			}

			const done = await executionEnd(executions, WF, waiting.id, EARLY_CHECK_MS + 60_000);
			const resumedAfterPauseMs = new Date(done.stoppedAt!).getTime() - pausedSeenAt;
			expect(done.status).toBe('success');
			expect(resumedAfterPauseMs).toBeLessThan(70_000);
			const out = lastRunOutput(done, 'KIE');
			expect(out.map((item) => item.json.taskId)).toEqual(tasks.map((t) => t.taskId));
			for (const item of out)
				expect(item.json).toMatchObject({
					status: 'failed',
					error: { message: expect.stringContaining('moderator') },
				});
			expect(sim.count(RUNWAY_CREATE) - creates0).toBe(3);
			// The early check read each task once.
			expect(tasks.map((t) => statusCallsOf(t.taskId).length)).toEqual([1, 1, 1]);
			figures.refused = { resumedAfterPauseMs, statusCallsPerTask: 1 };
			console.log(`[kie-callback-scale] callbacks lost: ${JSON.stringify(figures.refused)}`);
		} finally {
			sim.configure({ taskDurationMs: TASK_MS });
			sim.setCallbackBehaviour({ mode: 'normal' });
		}
	});

	test(`${LARGE_RUN} items (> ${MAX_CALLBACK_ITEMS}) in one run: the task list in a binary data file, one create and one status call per task`, async () => {
		expect(LARGE_RUN).toBeGreaterThan(MAX_CALLBACK_ITEMS);
		const creates0 = sim.count(RUNWAY_CREATE);
		const { tasks, waiting, pausedSeenAt } = await startRun('big', LARGE_RUN);

		// Custom data keeps one key: the id of the file that holds the task list.
		const metadata = await host.sqliteQuery(
			env.userFolder,
			'SELECT key, value FROM execution_metadata WHERE executionId = ?',
			[waiting.id],
		);
		const kieKeys = metadata.filter((row) => String(row.key).startsWith('kie_'));
		expect(kieKeys).toHaveLength(1);
		expect(String(kieKeys[0].value)).toMatch(/^@filesystem(-v2)?:/);

		const done = await executionEnd(executions, WF, waiting.id, 5 * 60_000);
		expect(done.status).toBe('success');
		const out = lastRunOutput(done, 'KIE');
		expect(out).toHaveLength(LARGE_RUN);
		out.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json).toMatchObject({
				taskId: tasks[i].taskId,
				status: 'succeeded',
				reference: `big-ref-${i}`,
			});
		});
		expect(sim.count(RUNWAY_CREATE) - creates0).toBe(LARGE_RUN);

		// Each task is read once: by its callback's confirmation, or (its callbacks refused while the
		// run was still creating tasks) by the early check.
		const deliveries = callbackDeliveries(sim);
		const calls = tasks.map((t) => statusCallsOf(t.taskId).length);
		expect(calls.every((n) => n === 1)).toBe(true);
		const reads = tasks.flatMap((t) => statusCallsOf(t.taskId).map((r) => r.at));
		const lastCreate = Math.max(
			...sim.requests.filter((r) => `${r.method} ${r.path}` === RUNWAY_CREATE).map((r) => r.at),
		);
		const confirmed = tasks.filter((t) => deliveries.ok(t.taskId)).length;
		const lastEnd = Math.max(...tasks.map((t) => Number(t.completedAt ?? 0)));
		const stoppedAt = new Date(done.stoppedAt!).getTime();
		figures.large = {
			items: LARGE_RUN,
			statusCallsPerTask: calls.reduce((a, b) => a + b, 0) / LARGE_RUN,
			readOnCallback: confirmed,
			readByEarlyCheck: LARGE_RUN - confirmed,
			pauseSeenToEndMs: stoppedAt - pausedSeenAt,
			statusReadsFromPauseMs: [Math.min(...reads), Math.max(...reads)].map(
				(at) => at - pausedSeenAt,
			),
			lastCreateToPauseSeenMs: pausedSeenAt - lastCreate,
			lastTaskEndToEndMs: lastEnd ? stoppedAt - lastEnd : null,
		};
		console.log(`[kie-callback-scale] large run: ${JSON.stringify(figures.large)}`);
		// Resumed by the early check (a minute after the pause, then 200 reads: minutes on a busy
		// machine), not by the node's wake-up at the time limit, 10 minutes after the pause.
		const deadline = new Date(waiting.waitTill!).getTime() - BACKSTOP_MS;
		expect(stoppedAt).toBeLessThan(deadline);
		expect(Math.min(...reads)).toBeGreaterThan(pausedSeenAt - 5_000);
	});
});
