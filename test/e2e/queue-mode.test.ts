// The KIE node's callback mode and the KIE Trigger on n8n 2.40.7 in queue mode: Redis and PostgreSQL
// (Debian's packages) started by scripts/lib/queue-cluster.js, one main process that takes every
// HTTP request (webhooks, KIE's callbacks, REST) and two `n8n worker` processes that run the
// executions. The KIE node's execute() runs on a worker, its webhook() for KIE's callbacks on main:
// main has no memory of the run, so the first callback it takes reads every open task from KIE's
// status API once (then each later callback its own task) — measured and printed here.
// Run: npm run build && npx jest --selectProjects e2e --runInBand --testPathPatterns queue-mode
import {
	lastRunOutput,
	BACKSTOP_MS,
	callbackDeliveries,
	callbackModeWorkflow,
	createTasksForEveryModel,
	executionEnd,
	expectCallbackResults,
	expectTriggerItem,
	host,
	kieCredential,
	logger,
	post,
	postConcurrentDuplicates,
	RUNWAY_CREATE,
	RUNWAY_STATUS_PATH,
	type Simulator,
	simulatorLib,
	sleep,
	startCallbackRun,
	startCollector,
	triggerWorkflow,
	waitFor,
	waitForWebhookNode,
} from './helpers';

import { MAX_CALLBACK_ITEMS } from '../../nodes/Kie/helpers/waitState';
import * as queueCluster from '../../scripts/lib/queue-cluster';

jest.setTimeout(20 * 60_000);

const log = logger('queue-mode');

const CRED_CALLBACK = 'kieQueueCbCred01';
const CRED_TRIGGER = 'kieQueueTrigCred';
const WF_CALLBACK = 'kieQueueCbWf0001';
const WF_TRIGGER = 'kieQueueTrigWf01';
const WF_THEN_WAIT = 'kieQueueWaitWf01';
const HOOK_TRIGGER = 'c3c3c3c3-0000-4000-8000-00000000cccc';
/** Items of the large callback-mode run: more than custom data holds. */
const LARGE_RUN = MAX_CALLBACK_ITEMS + 11;

/**
 * The callback-mode workflow with n8n's Wait node ("Approve", resumed by a call to the execution's
 * resume URL) between KIE and the collector: after KIE resumes, the execution waits again on the
 * same resume URL.
 */
function callbackThenWaitWorkflow(collectorUrl: string) {
	const workflow = callbackModeWorkflow({
		id: WF_THEN_WAIT,
		name: 'e2e queue: callback mode, then Wait',
		webhookPath: 'kie-queue-wait',
		credentialId: CRED_CALLBACK,
		collectorUrl,
		idPrefix: 'a0e0e0e2',
	});
	const approve = waitForWebhookNode(
		'Approve',
		'a0e0e0e2-0000-4000-8000-000000000005',
		'a0e0e0e2-0000-4000-8000-000000000008',
		[550, 200],
	);
	const connections = {
		...workflow.connections,
		KIE: { main: [[{ node: 'Approve', type: 'main', index: 0 }]] },
		Approve: { main: [[{ node: 'Collect', type: 'main', index: 0 }]] },
	};
	return { ...workflow, nodes: [...workflow.nodes, approve], connections };
}

describe('n8n queue mode (Redis + PostgreSQL, main + 2 workers)', () => {
	// Callback-mode tasks end only when a test ends them; trigger tasks end by themselves.
	let simCallback: Simulator;
	let simTrigger: Simulator;
	let collector: Awaited<ReturnType<typeof startCollector>>;
	let cluster: queueCluster.QueueCluster;
	let triggerUrl: string;
	let clusterStartMs = 0;
	const figures: Record<string, unknown> = {};

	beforeAll(async () => {
		simCallback = await simulatorLib.createSimulator({
			taskDurationMs: 60 * 60_000,
			callbackRetryDelayMs: 500,
		});
		simTrigger = await simulatorLib.createSimulator({
			taskDurationMs: 1500,
			callbackRetryDelayMs: 300,
		});
		collector = await startCollector();
		const t0 = Date.now();
		cluster = await queueCluster.startQueueCluster({
			tag: 'queue-mode',
			credentials: [
				kieCredential(CRED_CALLBACK, simCallback),
				kieCredential(CRED_TRIGGER, simTrigger),
			],
			workflows: [
				callbackModeWorkflow({
					id: WF_CALLBACK,
					name: 'e2e queue: callback mode',
					webhookPath: 'kie-queue-cb',
					credentialId: CRED_CALLBACK,
					collectorUrl: collector.url,
					idPrefix: 'a0e0e0e0',
				}),
				callbackThenWaitWorkflow(collector.url),
				triggerWorkflow({
					id: WF_TRIGGER,
					name: 'e2e queue: KIE Trigger',
					webhookId: HOOK_TRIGGER,
					credentialId: CRED_TRIGGER,
					collectorUrl: collector.url,
					idPrefix: 'a0e0e0e1',
				}),
			],
			workers: 2,
			packageRoot: process.env.KIE_E2E_PACKAGE_ROOT || host.REPO_ROOT,
			log,
		});
		clusterStartMs = Date.now() - t0;
		triggerUrl = cluster.main.webhookUrl(`${HOOK_TRIGGER}/kie`);
		await waitFor(
			'the trigger webhook to be registered',
			async () => (await post(triggerUrl, { hello: 1 })).status === 400,
			15_000,
		);
	});

	afterAll(async () => {
		log(`figures: ${JSON.stringify({ clusterStartMs, ...figures }, null, 1)}`);
		await cluster?.stop();
		await simCallback?.close();
		await simTrigger?.close();
		await collector?.close();
	});

	const executions = (workflowId: string) => host.getExecutions(cluster.main, workflowId);
	const context = () => ({ n8n: cluster.main, sim: simCallback, executions });
	const deliveries = () => callbackDeliveries(simCallback);
	const statusCallsOf = (taskId: string) =>
		simCallback.requests.filter((r) => r.path === RUNWAY_STATUS_PATH && r.query.taskId === taskId)
			.length;

	/** Execution ids each worker's log says it started ("Worker started execution N (job M)"), in order. */
	const startedOnWorkers = () =>
		cluster.workers.map((w) =>
			[...w.logs().matchAll(/Worker started execution (\d+) \(job \d+\)/g)].map((m) => m[1]),
		);
	/** Checks that every execution ran on the workers only, `runs` times each, and returns which worker ran each run. */
	function expectRanOnWorkers(executionIds: string[], runs: number) {
		const perWorker: string[][] = startedOnWorkers();
		for (const id of executionIds) {
			const by = perWorker.map((ids, w) => ids.filter((x) => x === id).map(() => w + 1)).flat();
			expect({ id, runs: by.length }).toEqual({ id, runs });
		}
		// Main enqueues jobs; it never runs one.
		expect(cluster.main.logs()).not.toMatch(/Worker started execution/);
		return Object.fromEntries(
			executionIds.map((id) => [
				id,
				perWorker.map((ids, w) => ids.filter((x) => x === id).map(() => `worker-${w + 1}`)).flat(),
			]),
		);
	}

	test('callback mode, 4 items, callbacks in random order and duplicated: paused on a worker, resumed by main, finished on a worker', async () => {
		simCallback.setCallbackBehaviour({ mode: 'duplicate', times: 2 });
		const creates0 = simCallback.count(RUNWAY_CREATE);
		const { tasks, waiting } = await startCallbackRun(context(), {
			workflowId: WF_CALLBACK,
			webhookPath: 'kie-queue-cb',
			tag: 'q1',
			timeoutMinutes: 3,
			count: 4,
		});
		expect(new Date(waiting.waitTill!).getTime()).toBeGreaterThan(Date.now() + 3 * 60_000);
		// The worker built the resume URL from its WEBHOOK_URL: main's address.
		for (const t of tasks)
			expect(t.callBackUrl).toMatch(
				new RegExp(`^${cluster.main.baseUrl}/webhook-waiting/${waiting.id}\\?(.*&)?signature=`),
			);
		expect(simCallback.count(RUNWAY_CREATE) - creates0).toBe(4);
		expect(tasks.map((t) => statusCallsOf(t.taskId))).toEqual([0, 0, 0, 0]);

		const order = [2, 0, 3, 1];
		for (const [step, index] of order.entries()) {
			const taskId = tasks[index].taskId;
			expect(simCallback.completeTask(taskId)).toBe(true);
			await waitFor(
				`callback of task ${index}`,
				() => deliveries().ok(taskId),
				15_000,
				50,
				deliveries().brief,
			);
			if (step < order.length - 1) {
				await waitFor(
					`both copies for task ${index}`,
					() =>
						deliveries()
							.of(taskId)
							.filter((c) => c.status === 200).length === 2,
					15_000,
					50,
				);
				const still = (await executions(WF_CALLBACK)).find((e) => e.id === waiting.id);
				expect(still!.status).toBe('waiting');
			}
			// Main answers its first callback before it reads the other open tasks (that sweep can take
			// longer than KIE's 15 s): the next task ends only after the sweep has asked about it.
			if (step === 0)
				await waitFor(
					"main's read of every open task",
					() => tasks.every((t) => statusCallsOf(t.taskId) >= 1),
					15_000,
					50,
				);
			await sleep(300);
		}

		const done = await executionEnd(executions, WF_CALLBACK, waiting.id, 60_000);
		expect(done.status).toBe('success');
		expectCallbackResults(done, tasks, 'q1', simCallback, collector);
		await sleep(1500); // the last callback's second copy
		expect(collector.received.filter((c) => c.query.exec === waiting.id)).toHaveLength(4);
		expect(simCallback.count(RUNWAY_CREATE) - creates0).toBe(4); // one create per item

		// Main had no memory of the run: the first callback it took (task 2) read all 4 tasks once; each
		// later callback read its own task once more. Duplicates cost nothing.
		const statusCalls = tasks.map((t) => statusCallsOf(t.taskId));
		expect(statusCalls).toEqual([2, 2, 1, 2]);
		const total = statusCalls.reduce((a: number, b: number) => a + b, 0);
		expect(cluster.main.logs()).not.toMatch(/already being resumed/);
		const ranOn = expectRanOnWorkers([waiting.id], 2); // the run up to the wait, and the resumed run
		figures.callbackMode = {
			items: 4,
			createsPerItem: (simCallback.count(RUNWAY_CREATE) - creates0) / 4,
			statusCallsPerTask: statusCalls,
			statusCallsPerTaskMean: total / 4,
			lastCallbackToExecutionEndMs:
				new Date(done.stoppedAt!).getTime() - deliveries().ok(tasks[order[3]].taskId)!.at,
			ranOn,
		};
		console.log(`[queue-mode] callback mode: ${JSON.stringify(figures.callbackMode)}`);
		simCallback.setCallbackBehaviour({ mode: 'normal' });
	});

	test("callback mode, a lost callback: the worker's wake-up call at the time limit resumes the run through main", async () => {
		simCallback.setCallbackBehaviour({ mode: 'normal' });
		const { tasks, waiting } = await startCallbackRun(context(), {
			workflowId: WF_CALLBACK,
			webhookPath: 'kie-queue-cb',
			tag: 'q2',
			timeoutMinutes: 0.5,
		});
		const deadline = new Date(waiting.waitTill!).getTime() - BACKSTOP_MS;
		// Tasks 0 and 2 call back; task 1 ends after main's first sweep and its callback is lost.
		for (const index of [0, 2]) {
			expect(simCallback.completeTask(tasks[index].taskId)).toBe(true);
			await waitFor(
				`callback of task ${index}`,
				() => deliveries().ok(tasks[index].taskId),
				15_000,
				50,
				deliveries().brief,
			);
			// Main answers its first callback before it reads the other open tasks (that sweep can take
			// longer than KIE's 15 s): task 2 ends only after the sweep has asked about it.
			if (index === 0)
				await waitFor(
					"main's read of the open tasks",
					() => statusCallsOf(tasks[1].taskId) >= 1 && statusCallsOf(tasks[2].taskId) >= 1,
					15_000,
					50,
				);
		}
		simCallback.setCallbackBehaviour({ mode: 'lost', times: 1 });
		expect(simCallback.completeTask(tasks[1].taskId)).toBe(true);
		await sleep(1000);
		expect(deliveries().of(tasks[1].taskId)).toHaveLength(0);
		expect(simCallback.getTask(tasks[1].taskId)!.callbackFailed).toBe(true);
		expect(Date.now()).toBeLessThan(deadline);
		const still = (await executions(WF_CALLBACK)).find((e) => e.id === waiting.id);
		expect(still!.status).toBe('waiting');

		const done = await executionEnd(executions, WF_CALLBACK, waiting.id, 150_000);
		expect(done.status).toBe('success');
		expectCallbackResults(done, tasks, 'q2', simCallback, collector);
		const resumedAfterDeadlineMs = new Date(done.stoppedAt!).getTime() - deadline;
		expect(resumedAfterDeadlineMs).toBeGreaterThanOrEqual(-1000);
		// The node's own wake-up (sent by the worker that ran execute()), not n8n's backstop 5 min later.
		expect(resumedAfterDeadlineMs).toBeLessThan(30_000);
		// Task 0: its callback (main's first, which swept the others); task 2: the sweep and its callback;
		// task 1: the sweep and the wake-up call.
		const statusCalls = tasks.map((t) => statusCallsOf(t.taskId));
		expect(statusCalls).toEqual([1, 2, 2]);
		const ranOn = expectRanOnWorkers([waiting.id], 2);
		figures.lostCallback = { resumedAfterDeadlineMs, statusCallsPerTask: statusCalls, ranOn };
		console.log(`[queue-mode] lost callback: ${JSON.stringify(figures.lostCallback)}`);
		simCallback.setCallbackBehaviour({ mode: 'normal' });
	});

	test("callback mode, then a Wait node: the worker's late wake-up call does not resume the Wait node", async () => {
		// The worker that ran execute() keeps its wake-up timer: it cannot see that main resumed the run.
		simCallback.setCallbackBehaviour({ mode: 'normal' });
		const { tasks, waiting } = await startCallbackRun(context(), {
			workflowId: WF_THEN_WAIT,
			webhookPath: 'kie-queue-wait',
			tag: 'q3',
			timeoutMinutes: 0.5,
			count: 2,
		});
		const deadline = new Date(waiting.waitTill!).getTime() - BACKSTOP_MS;
		for (const t of tasks) expect(simCallback.completeTask(t.taskId)).toBe(true);
		const atApprove = await waitFor(
			'the run to wait at Approve',
			async () => {
				const e = (await executions(WF_THEN_WAIT)).find((x) => x.id === waiting.id);
				return e?.status === 'waiting' && e.data.resultData.lastNodeExecuted === 'Approve'
					? e
					: undefined;
			},
			30_000,
		);
		expect(lastRunOutput(atApprove, 'KIE')).toHaveLength(2);
		const wakeUpRefused = new RegExp(
			`POST /webhook-waiting/${waiting.id}/kie-wake-up: The workflow for execution "${waiting.id}" does not contain a waiting webhook`,
		);
		const stateNow = async () => {
			const e = (await executions(WF_THEN_WAIT)).find((x) => x.id === waiting.id);
			if (!e) throw new Error(`execution ${waiting.id} is gone`);
			return { status: e.status, at: e.data.resultData.lastNodeExecuted };
		};
		// Before the fix, the wake-up resumed Approve (as an approval with an empty body).
		await waitFor(
			"the wake-up call at KIE's time limit",
			async () =>
				wakeUpRefused.test(cluster.main.logs()) || (await stateNow()).status !== 'waiting',
			deadline + 30_000 - Date.now(),
			500,
		);
		await sleep(3000);
		expect(await stateNow()).toEqual({ status: 'waiting', at: 'Approve' });
		expect(cluster.main.logs()).toMatch(wakeUpRefused);
		expect(collector.received.filter((c) => c.query.exec === waiting.id)).toHaveLength(0);

		// The approval, at the execution's resume URL (KIE's callback URL less its own query values).
		const approveUrl = new URL(tasks[0].callBackUrl!);
		approveUrl.searchParams.delete('model');
		expect((await post(approveUrl.toString(), { approved: true })).status).toBe(200);
		const done = await executionEnd(executions, WF_THEN_WAIT, waiting.id, 60_000);
		expect(done.status).toBe('success');
		const collected = collector.received.filter((c) => c.query.exec === waiting.id);
		expect(collected).toHaveLength(1);
		expect(collected[0].body.body).toEqual({ approved: true });
		expectRanOnWorkers([waiting.id], 3); // up to KIE's wait, KIE's resume up to Approve, Approve's resume
	});

	test(`callback mode, ${LARGE_RUN} items (> ${MAX_CALLBACK_ITEMS}): the task list is a file in n8n's database, written by a worker and read by main`, async () => {
		// Above what custom data holds, the task list goes to n8n's binary data store: in queue mode its
		// database, so main's webhook() can read what a worker's execute() wrote.
		expect(LARGE_RUN).toBeGreaterThan(MAX_CALLBACK_ITEMS);
		simCallback.setCallbackBehaviour({ mode: 'normal' });
		const tag = 'qbig';
		const creates0 = simCallback.count(RUNWAY_CREATE);
		const lastId = Math.max(0, ...(await executions(WF_CALLBACK)).map((e) => Number(e.id)));
		const items = Array.from({ length: LARGE_RUN }, (_, i) => ({
			prompt: `${tag} clip ${String(i).padStart(4, '0')}`,
			ref: `${tag}-ref-${i}`,
			timeoutMinutes: 15,
		}));
		expect((await host.callWebhook(cluster.main, 'kie-queue-cb', { items })).status).toBe(200);
		// Creation is paced at KIE's 20 per 10 s: ~90 s.
		const waiting = await waitFor(
			`the ${tag} execution to wait`,
			async () =>
				(await executions(WF_CALLBACK)).find(
					(e) => Number(e.id) > lastId && e.status === 'waiting',
				),
			LARGE_RUN * 1000 + 60_000,
			500,
		);
		const tasks = simCallback
			.tasks()
			.filter((t) => String(t.params?.prompt ?? '').startsWith(`${tag} clip `))
			.sort((a, b) => a.params.prompt.localeCompare(b.params.prompt));
		expect(tasks).toHaveLength(LARGE_RUN);
		expect(simCallback.count(RUNWAY_CREATE) - creates0).toBe(LARGE_RUN);

		const kieKeys = cluster
			.sql(
				`SELECT key, value FROM execution_metadata WHERE "executionId" = ${Number(waiting.id)} AND key LIKE 'kie\\_%'`,
			)
			.map((row: { key: string; value: string }) => row.value);
		expect(kieKeys).toHaveLength(1);
		expect(kieKeys[0]).toMatch(/^@database:/);

		// The tasks end 10 a second (KIE creates at most 2 a second, so tasks of one length end at that
		// pace). All 180 at the same instant, n8n's main process runs out of its 2 PostgreSQL connections
		// (n8n's default DB_POSTGRESDB_POOL_SIZE) on the callbacks alone: "timeout exceeded when trying to
		// connect", and KIE's copies time out (README, queue mode; with 10 connections that burst passed).
		for (const t of tasks) {
			expect(simCallback.completeTask(t.taskId)).toBe(true);
			await sleep(100);
		}
		const endedAt = Date.now();
		// n8n's REST API shares main's connections with the callbacks: a 500 while they run is a retry.
		const executionsWhenFree = async (workflowId: string) =>
			await executions(workflowId).catch((error: { status?: number }) => {
				if (error.status === 500) return [];
				throw error;
			});
		const done = await executionEnd(executionsWhenFree, WF_CALLBACK, waiting.id, 5 * 60_000);
		expect(done.status).toBe('success');
		expectCallbackResults(done, tasks, tag, simCallback, collector);
		expect(simCallback.count(RUNWAY_CREATE) - creates0).toBe(LARGE_RUN); // one create per item
		// Main had no memory of the run: its first callback read every open task once, and a callback
		// whose task that read found still running reads it once more. Never more than twice.
		const statusCalls = tasks.map((t) => statusCallsOf(t.taskId));
		expect(Math.min(...statusCalls)).toBeGreaterThanOrEqual(1);
		expect(Math.max(...statusCalls)).toBeLessThanOrEqual(2);
		const ranOn = expectRanOnWorkers([waiting.id], 2);
		figures.largeCallbackRun = {
			items: LARGE_RUN,
			taskListKey: kieKeys[0].replace(/:.*/, ':…'),
			statusCallsPerTaskMean: statusCalls.reduce((a, b) => a + b, 0) / LARGE_RUN,
			lastTaskEndToExecutionEndMs: new Date(done.stoppedAt!).getTime() - endedAt,
			ranOn,
		};
		console.log(`[queue-mode] large callback run: ${JSON.stringify(figures.largeCallbackRun)}`);
	});

	test("KIE Trigger: every model's success and failure callback starts one execution, run by a worker", async () => {
		const t0 = Date.now();
		const expected = await createTasksForEveryModel(
			simTrigger,
			(model, ref) => `${triggerUrl}?model=${model}&reference=${ref}`,
		);
		const collectedFor = (taskId: string) =>
			collector.received.filter((c) => c.body?.taskId === taskId);
		await waitFor(
			'one execution per callback',
			() => expected.every((e) => collectedFor(e.taskId).length === 1),
			60_000,
			250,
			() => ({
				callbacks: simTrigger.callbacks.map((c) => [c.taskId, c.status]),
			}),
		);
		const allModelsMs = Date.now() - t0;
		for (const e of expected) expectTriggerItem(collectedFor(e.taskId)[0].body, e, simTrigger);
		await sleep(1000);
		for (const e of expected) expect(collectedFor(e.taskId)).toHaveLength(1);
		const execs = await executions(WF_TRIGGER);
		expect(execs).toHaveLength(expected.length);
		for (const e of execs) expect(e).toMatchObject({ status: 'success', mode: 'webhook' });
		const ranOn = expectRanOnWorkers(
			execs.map((e) => e.id),
			1,
		);
		const perWorker = cluster.workers.map(
			(_, w) => Object.values(ranOn).filter((on) => on[0] === `worker-${w + 1}`).length,
		);
		figures.triggerAllModels = {
			executions: execs.length,
			allModelsMs,
			executionsPerWorker: perWorker,
		};
		console.log(`[queue-mode] trigger, every model: ${JSON.stringify(figures.triggerAllModels)}`);
	});

	test('KIE Trigger: 20 concurrent duplicate callbacks start exactly one execution', async () => {
		const before = (await executions(WF_TRIGGER)).length;
		const { taskId, ms } = await postConcurrentDuplicates(simTrigger, triggerUrl, 20);
		const collectedFor = () => collector.received.filter((c) => c.body?.taskId === taskId);
		await waitFor('the execution', () => collectedFor().length >= 1, 20_000);
		await sleep(2000);
		expect(collectedFor()).toHaveLength(1);
		const execs = await executions(WF_TRIGGER);
		expect(execs.length - before).toBe(1);
		expectRanOnWorkers([execs[0].id], 1);
		figures.twentyDuplicatesMs = ms;
	});
});
