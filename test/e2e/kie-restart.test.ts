// Callback completion mode across an n8n restart, on real n8n 2.40.7 with the KIE simulator
// (docs/design.md, "Pause and resume": an n8n restart while waiting). n8n is stopped while the
// execution waits and started again on the same user folder and port, so the signed resume URL given
// to KIE stays valid.
//   1. KIE's callbacks fail while n8n is down and a retry lands after the restart: the new process has
//      no memory of the run, reads the open tasks from KIE's status API once, and resumes the run.
//   2. Every callback is lost during the downtime and the node's own wake-up timer died with the old
//      process: the execution ends only at n8n's backstop (time limit + 5 min, checked about once a
//      minute), where n8n passes the node's input through without running the node; the task ids stay
//      in the execution's custom data and the Get operation recovers the results.
// Slow (test 2 takes ~6-7 min). Run: npm run build && npx jest --selectProjects e2e --runInBand --testPathPatterns kie-restart
import {
	lastRunOutput,
	BACKSTOP_MS,
	callbackModeWorkflow,
	CREDENTIAL_TYPE,
	executionsOf,
	host,
	KIE_TYPE,
	kieCredential,
	type Execution,
	type KieN8n,
	logger,
	type N8nHandle,
	RUNWAY_CREATE,
	RUNWAY_STATUS_PATH,
	type Simulator,
	simulatorLib,
	sleep,
	startCollector,
	startN8nWithKie,
	waitFor,
} from './helpers';
import { keyPrefix, unpackTaskId } from '../../nodes/Kie/helpers/waitState';

jest.setTimeout(20 * 60_000);

const log = logger('kie-restart');

const CRED = 'kieRestartCred01';
const WF_GEN = 'kieRestartGenWf1';
const WF_GET = 'kieRestartGetWf1';
const KIE_NODE_ID = '5e57a470-0000-4000-8000-000000000003';
/** The first custom data key the KIE node stores its waiting run under (the node's own rule). */
const CUSTOM_DATA_KEY = `${keyPrefix(KIE_NODE_ID)}0`;

function generateWorkflow(collectorUrl: string) {
	return callbackModeWorkflow({
		id: WF_GEN,
		name: 'e2e restart: generate (callback)',
		webhookPath: 'kie-restart',
		credentialId: CRED,
		collectorUrl,
		idPrefix: '5e57a470',
	});
}

function getWorkflow() {
	return {
		id: WF_GET,
		name: 'e2e restart: get',
		nodes: [
			{
				id: '5e57a470-0000-4000-8000-000000000011',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '5e57a470-0000-4000-8000-000000000019',
				parameters: {
					httpMethod: 'POST',
					path: 'kie-restart-get',
					responseMode: 'lastNode',
					responseData: 'allEntries',
					options: {},
				},
			},
			{
				id: '5e57a470-0000-4000-8000-000000000012',
				name: 'Tasks',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.tasks', include: 'noOtherFields', options: {} },
			},
			{
				id: '5e57a470-0000-4000-8000-000000000013',
				name: 'KIE Get',
				type: KIE_TYPE,
				typeVersion: 1,
				position: [440, 0],
				parameters: { resource: 'runway', operation: 'get', taskId: '={{ $json.taskId }}' },
				credentials: { [CREDENTIAL_TYPE]: { id: CRED, name: CRED } },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Tasks', type: 'main', index: 0 }]] },
			Tasks: { main: [[{ node: 'KIE Get', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

describe('KIE node, completion "callback": an n8n restart while waiting', () => {
	let sim: Simulator;
	let collector: Awaited<ReturnType<typeof startCollector>>;
	let env: KieN8n;
	let userFolder: string;
	let n8n: N8nHandle;
	let port: number;
	let firstStartMs = 0;
	const figures: Record<string, unknown> = {};

	beforeAll(async () => {
		// Tasks never end by themselves: the tests end them while n8n is down.
		sim = await simulatorLib.createSimulator({
			taskDurationMs: 60 * 60_000,
			callbackRetryDelayMs: 6000,
		});
		collector = await startCollector();
		env = await startN8nWithKie({
			tag: 'kie-restart',
			credentials: [kieCredential(CRED, sim)],
			workflows: [generateWorkflow(collector.url), getWorkflow()],
		});
		({ n8n, userFolder, startMs: firstStartMs } = env);
		port = n8n.port;
	});

	afterAll(async () => {
		log(`figures: ${JSON.stringify(figures, null, 1)}`);
		await env?.stop();
		await sim?.close();
		await collector?.close();
	});

	async function stopN8n() {
		const t0 = Date.now();
		await n8n.stop();
		expect(n8n.process.exitCode !== null || n8n.process.signalCode !== null).toBe(true);
		return Date.now() - t0;
	}

	/** n8n again on the same user folder and port (the resume URL KIE holds names that port). */
	async function startN8nAgain() {
		const t0 = Date.now();
		n8n = await env.startAgain();
		expect(n8n.port).toBe(port);
		return Date.now() - t0;
	}

	const execution = async (id: string) =>
		(await executionsOf(userFolder, WF_GEN)).find((e) => e.id === id);
	const deliveriesOf = (taskId: string) => sim.callbacks.filter((c) => c.taskId === taskId);
	const statusCallsOf = (taskId: string) =>
		sim.requests.filter((r) => r.path === RUNWAY_STATUS_PATH && r.query.taskId === taskId).length;
	const customDataOf = async (executionId: string) =>
		Object.fromEntries(
			(
				await host.sqliteQuery(
					userFolder,
					'SELECT key, value FROM execution_metadata WHERE executionId = ?',
					[Number(executionId)],
				)
			).map((r) => [r.key, r.value]),
		);

	/** Starts a run of 2 items and returns the waiting execution and its tasks in item order. */
	async function startRun(tag: string, timeoutMinutes: number) {
		const before = await executionsOf(userFolder, WF_GEN);
		const lastId = Math.max(0, ...before.map((e) => Number(e.id)));
		const items = [0, 1].map((i) => ({
			prompt: `${tag} clip ${i}`,
			ref: `${tag}-ref-${i}`,
			timeoutMinutes,
		}));
		const res = await host.callWebhook(n8n, 'kie-restart', { items });
		expect(res.status).toBe(200);
		const tasks = await waitFor(
			`2 ${tag} tasks in the simulator`,
			() => {
				const mine = sim
					.tasks()
					.filter((t) => String(t.params?.prompt ?? '').startsWith(`${tag} clip `));
				return mine.length === 2 ? mine : undefined;
			},
			30_000,
		);
		tasks.sort((a, b) => a.params.prompt.localeCompare(b.params.prompt));
		const waiting = await waitFor(
			`the ${tag} execution to wait`,
			async () => {
				const execs = await executionsOf(userFolder, WF_GEN);
				return execs.find((e) => Number(e.id) > lastId && e.status === 'waiting');
			},
			30_000,
		);
		return { items, tasks, waiting, deadline: new Date(waiting.waitTill!).getTime() - BACKSTOP_MS };
	}

	async function finished(executionId: string, timeoutMs: number) {
		return await waitFor(
			`execution ${executionId} to end`,
			async () => {
				const e = await execution(executionId);
				return e && !['waiting', 'running', 'new'].includes(e.status) ? e : undefined;
			},
			timeoutMs,
			1000,
		);
	}

	const kieOutput = (e: Execution) => lastRunOutput(e, 'KIE');

	test('callbacks that fail while n8n is down are retried by KIE after the restart: one resume, both items succeeded', async () => {
		const creates0 = sim.count(RUNWAY_CREATE);
		// KIE's 4 attempts span 3 retry delays: long enough for the restart to fit in.
		const retryDelayMs = Math.max(6000, Math.ceil(firstStartMs / 2));
		sim.configure({ callbackRetryDelayMs: retryDelayMs });
		const { tasks, waiting, deadline } = await startRun('r1', 10);
		expect(deadline).toBeGreaterThan(Date.now() + 9 * 60_000);
		const taskIds = tasks.map((t) => t.taskId);
		expect((await customDataOf(waiting.id))[CUSTOM_DATA_KEY]).toContain(
			`runway|${deadline.toString(36)}|`,
		);

		const stopMs = await stopN8n();
		const downAt = Date.now();
		expect((await execution(waiting.id))!.status).toBe('waiting');
		// Both tasks end while n8n is down (1.5 s apart, so their retries do not land together).
		expect(sim.completeTask(taskIds[0])).toBe(true);
		await sleep(1500);
		expect(sim.completeTask(taskIds[1])).toBe(true);
		await waitFor(
			'the first callback attempts to fail',
			() => taskIds.every((id: string) => deliveriesOf(id).length >= 1),
			15_000,
			50,
		);
		for (const id of taskIds)
			expect(String(deliveriesOf(id)[0].status)).toMatch(/^error: .*ECONNREFUSED/);

		const restartAt = Date.now();
		const restartMs = await startN8nAgain();
		const upAt = Date.now();
		const done = await finished(waiting.id, 4 * retryDelayMs + 60_000);
		expect(done.status).toBe('success');
		expect(new Date(done.stoppedAt!).getTime()).toBeLessThan(deadline); // resumed by a callback, not at the time limit
		await sleep(3 * retryDelayMs); // let every pending retry land (and be refused: the run has ended)

		const out = kieOutput(done);
		expect(out).toHaveLength(2);
		out.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json).toMatchObject({
				taskId: taskIds[i],
				model: 'runway',
				status: 'succeeded',
				videoUrl: `${sim.baseUrl}/files/${taskIds[i]}.mp4`,
				error: null,
			});
		});
		const collected = collector.received.filter((c) => c.query.exec === waiting.id);
		expect(collected.map((c) => c.body.taskId)).toEqual(taskIds); // the next node ran once per item: one resume

		// The first callback that reached the new process resumed the run; the new process had no memory
		// of it, so it read the other open task from KIE's status API: one status call per task.
		const deliveries = taskIds.map((id: string) =>
			deliveriesOf(id).map((c) => ({
				attempt: c.attempt,
				status: c.status,
				afterRestartMs: c.at - upAt,
			})),
		);
		const accepted = sim.callbacks.filter((c) => c.status === 200);
		expect(accepted.length).toBeGreaterThanOrEqual(1);
		expect(accepted.every((c) => c.at >= restartAt)).toBe(true);
		const statusCalls = taskIds.map(statusCallsOf);
		expect(statusCalls).toEqual([1, 1]);
		expect(sim.count(RUNWAY_CREATE) - creates0).toBe(2); // no task created twice
		expect(n8n.logs()).not.toMatch(/already being resumed/);

		// The references are evaluated again from the waiting node's input items, so a restarted n8n
		// still has them.
		const references = out.map((item) => item.json.reference ?? null);
		expect(references).toEqual(['r1-ref-0', 'r1-ref-1']);
		figures.restartThenCallbacks = {
			retryDelayMs,
			firstStartMs,
			stopMs,
			restartMs,
			downtimeMs: upAt - downAt,
			firstAcceptedCallbackAfterRestartMs: accepted[0].at - upAt,
			acceptedCallbackToExecutionEndMs: new Date(done.stoppedAt!).getTime() - accepted[0].at,
			statusCallsPerTask: statusCalls,
			creates: sim.count(RUNWAY_CREATE) - creates0,
			deliveries,
			references,
		};
		console.log(
			`[kie-restart] restart then callbacks: ${JSON.stringify(figures.restartThenCallbacks)}`,
		);
		sim.configure({ callbackRetryDelayMs: 6000 });
	});

	test("every callback lost during the downtime: the run ends at n8n's backstop with the input passed through; the task ids stay in the custom data", async () => {
		const status0 = sim.requests.filter((r) => r.path === RUNWAY_STATUS_PATH).length;
		const creates0 = sim.count(RUNWAY_CREATE);
		// KIE gives up quickly: its 4 attempts all hit the stopped n8n.
		sim.configure({ callbackRetryDelayMs: 300 });
		const t0 = Date.now();
		const { items, tasks, waiting, deadline } = await startRun('r2', 0.2);
		const taskIds = tasks.map((t) => t.taskId);
		const waitTill = new Date(waiting.waitTill!).getTime();
		expect(waitTill - deadline).toBe(BACKSTOP_MS);

		const stopMs = await stopN8n();
		const downAt = Date.now();
		// n8n went down before the node's time limit: its wake-up call never happens.
		expect(downAt).toBeLessThan(deadline);
		for (const id of taskIds) expect(sim.completeTask(id)).toBe(true);
		await waitFor(
			'KIE to give up on both callbacks',
			() => taskIds.every((id: string) => sim.getTask(id)!.callbackFailed),
			15_000,
			50,
		);
		for (const id of taskIds) {
			const attempts = deliveriesOf(id);
			expect(attempts).toHaveLength(4);
			for (const a of attempts) expect(String(a.status)).toMatch(/^error: .*ECONNREFUSED/);
		}
		// Back up after the time limit has passed.
		await sleep(Math.max(0, deadline + 2000 - Date.now()));
		const restartMs = await startN8nAgain();
		const upAt = Date.now();

		// Nothing wakes the run at its time limit any more: 30 s after the restart it still waits.
		await sleep(30_000);
		const still = await execution(waiting.id);
		expect(still!.status).toBe('waiting');
		expect(new Date(still!.waitTill!).getTime()).toBe(waitTill);
		log(
			`r2: still waiting ${((Date.now() - deadline) / 1000).toFixed(0)} s after the node's time limit; n8n's backstop at ${new Date(waitTill).toISOString()}`,
		);

		// n8n's wait tracker (every 60 s, picks executions due within 70 s) resumes it at the backstop.
		const done = await finished(waiting.id, waitTill - Date.now() + 3 * 60_000);
		const endAt = new Date(done.stoppedAt!).getTime();
		expect(done.status).toBe('success');
		expect(endAt).toBeGreaterThanOrEqual(waitTill - 70_000);

		// The KIE node did not run: n8n disables a node resumed by its time limit and passes its input on.
		const out = kieOutput(done);
		expect(out).toHaveLength(2);
		out.forEach((item, i) => {
			expect(item.json).toEqual(items[i]);
			expect(item.json.taskId).toBeUndefined();
		});
		const collected = collector.received.filter((c) => c.query.exec === waiting.id);
		expect(collected.map((c) => c.body)).toEqual(items);
		expect(sim.requests.filter((r) => r.path === RUNWAY_STATUS_PATH).length - status0).toBe(0); // no node code ran
		expect(sim.count(RUNWAY_CREATE) - creates0).toBe(2);

		// The task ids survive in the execution's custom data (kie_<nodeId>_0 = model|deadline|packed ids) ...
		const customData = await customDataOf(waiting.id);
		const [model, deadline36, packed] = String(customData[CUSTOM_DATA_KEY]).split('|');
		expect(model).toBe('runway');
		expect(parseInt(deadline36, 36)).toBe(deadline);
		const recovered = packed.split(',').map(unpackTaskId);
		expect(recovered).toEqual(taskIds);
		// ... and the Get operation takes the results from there.
		const got = await host.callWebhook(n8n, 'kie-restart-get', {
			tasks: recovered.map((taskId) => ({ taskId })),
		});
		expect(got.status).toBe(200);
		const gotItems = Array.isArray(got.body) ? got.body : [got.body];
		expect(gotItems).toHaveLength(2);
		gotItems.forEach((task, i) => {
			expect(task).toMatchObject({
				taskId: taskIds[i],
				status: 'succeeded',
				videoUrl: `${sim.baseUrl}/files/${taskIds[i]}.mp4`,
			});
		});

		figures.allCallbacksLost = {
			timeoutMinutes: 0.2,
			stopMs,
			restartMs,
			downtimeMs: upAt - downAt,
			restartAfterTimeLimitMs: upAt - deadline,
			executionEndAfterTimeLimitMs: endAt - deadline,
			executionEndAfterBackstopMs: endAt - waitTill,
			totalMs: endAt - t0,
			customData,
		};
		console.log(`[kie-restart] all callbacks lost: ${JSON.stringify(figures.allCallbacksLost)}`);
		sim.configure({ callbackRetryDelayMs: 6000 });
	});
});
