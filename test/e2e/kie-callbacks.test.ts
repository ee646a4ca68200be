// Callback completion mode on real n8n 2.40.7: the KIE node submits 3 Runway tasks with its signed
// resume URL as callBackUrl, pauses the execution, and resumes it once when every task has ended
// (callbacks in random order, duplicated, lost, early, signed/forged), or at its time limit through
// its own wake-up call. Run: npm run build && npx jest --selectProjects e2e --runInBand --testPathPatterns kie-callbacks
import {
	type Execution,
	type SimTask,
	BACKSTOP_MS,
	callbackDeliveries,
	callbackModeWorkflow,
	executionEnd,
	executionsOf,
	expectCallbackResults,
	host,
	kieCredential,
	type KieN8n,
	logger,
	post,
	RUNWAY_CREATE,
	RUNWAY_STATUS,
	type Simulator,
	simulatorLib,
	sleep,
	startCallbackRun,
	startCollector,
	startN8nWithKie,
	waitFor,
} from './helpers';

import { keyPrefix, unpackTaskId } from '../../nodes/Kie/helpers/waitState';

jest.setTimeout(15 * 60_000);

const log = logger('kie-callbacks');
const HMAC_KEY = 'sim-webhook-hmac-key';

const CRED_PLAIN = 'kieCbPlainCred01';
const CRED_HMAC = 'kieCbHmacCred001';
const WF_PLAIN = 'kieCbPlainWf0001';
const WF_HMAC = 'kieCbHmacWf00001';
/** The KIE node of the plain workflow (callbackModeWorkflow's ids: `<idPrefix>-0000-4000-8000-00000000000N`). */
const KIE_NODE_ID = 'cb01cb00-0000-4000-8000-000000000003';

function workflow(
	id: string,
	webhookPath: string,
	credentialId: string,
	collectorUrl: string,
	serial: number,
) {
	return callbackModeWorkflow({
		id,
		name: `e2e callbacks ${webhookPath}`,
		webhookPath,
		credentialId,
		collectorUrl,
		idPrefix: `cb0${serial}cb00`,
	});
}

describe('KIE node, completion "callback", on real n8n', () => {
	let sim: Simulator;
	let collector: Awaited<ReturnType<typeof startCollector>>;
	let env: KieN8n;
	const figures: Record<string, unknown> = {};

	beforeAll(async () => {
		// Tasks never end by themselves (the tests end them in a chosen order); callbacks are signed.
		sim = await simulatorLib.createSimulator({
			taskDurationMs: 60 * 60_000,
			hmacKey: HMAC_KEY,
			callbackRetryDelayMs: 500,
		});
		collector = await startCollector();
		env = await startN8nWithKie({
			tag: 'kie-callbacks',
			credentials: [
				kieCredential(CRED_PLAIN, sim),
				kieCredential(CRED_HMAC, sim, { webhookHmacKey: HMAC_KEY }),
			],
			workflows: [
				workflow(WF_PLAIN, 'kie-cb', CRED_PLAIN, collector.url, 1),
				workflow(WF_HMAC, 'kie-cb-hmac', CRED_HMAC, collector.url, 2),
			],
		});
	});

	afterAll(async () => {
		log(`figures: ${JSON.stringify(figures, null, 1)}`);
		await env?.stop();
		await sim?.close();
		await collector?.close();
	});

	const context = () => ({
		n8n: env.n8n,
		sim,
		executions: (workflowId: string) => executionsOf(env.userFolder, workflowId),
	});
	const startRun = (
		workflowId: string,
		webhookPath: string,
		tag: string,
		timeoutMinutes: number,
		earlyCallbacks = false,
	) =>
		startCallbackRun(context(), { workflowId, webhookPath, tag, timeoutMinutes, earlyCallbacks });
	const finished = (workflowId: string, executionId: string, timeoutMs: number) =>
		executionEnd(context().executions, workflowId, executionId, timeoutMs);
	const expectThreeResults = (execution: Execution, tasks: SimTask[], tag: string) =>
		expectCallbackResults(execution, tasks, tag, sim, collector);
	/** The waiting run the KIE node saved in an execution's custom data (model|deadline|task ids). */
	const waitingRunOf = async (executionId: string) => {
		const rows = await host.sqliteQuery(
			env.userFolder,
			'SELECT value FROM execution_metadata WHERE executionId = ? AND key = ?',
			[Number(executionId), `${keyPrefix(KIE_NODE_ID)}0`],
		);
		expect(rows).toHaveLength(1);
		return String(rows[0].value);
	};
	const deliveries = () => callbackDeliveries(sim);
	const deliveriesOf = (taskId: string) => deliveries().of(taskId);
	const okDelivery = (taskId: string) => deliveries().ok(taskId)!;

	test('random order + duplicates: paused as "waiting", one resume, three correct items, <= 1 status call per task', async () => {
		sim.setCallbackBehaviour({ mode: 'duplicate', times: 2 });
		const creates0 = sim.count(RUNWAY_CREATE);
		const status0 = sim.count(RUNWAY_STATUS);
		const { tasks, waiting } = await startRun(WF_PLAIN, 'kie-cb', 's1', 3);

		// n8n reports the paused execution as waiting, with its time limit in the future (REST and sqlite).
		expect(new Date(waiting.waitTill!).getTime()).toBeGreaterThan(Date.now());
		const viaRest = (await host.getExecutions(env.n8n, WF_PLAIN)).find((e) => e.id === waiting.id);
		expect(viaRest).toMatchObject({ status: 'waiting', finished: false });
		expect(new Date(viaRest!.waitTill!).getTime()).toBeGreaterThan(Date.now() + 3 * 60_000);
		// n8n 2.x signs resume URLs; 1.x gives none (a forged POST to one is forged-resume.test.ts).
		const signed = Number(host.n8nVersion().split('.')[0]) >= 2;
		const resumeUrl = `^${env.n8n.baseUrl}/webhook-waiting/${waiting.id}(/[^?]*)?`;
		for (const t of tasks)
			expect(t.callBackUrl).toMatch(
				new RegExp(signed ? `${resumeUrl}\\?(.*&)?signature=` : `${resumeUrl}(\\?|$)`),
			);

		const order = [2, 0, 1];
		for (const [step, index] of order.entries()) {
			const taskId = tasks[index].taskId;
			expect(sim.completeTask(taskId)).toBe(true);
			await waitFor(
				`callback of task ${index}`,
				() => okDelivery(taskId),
				15_000,
				50,
				deliveries().brief,
			);
			if (step < order.length - 1) {
				// Both of KIE's copies are answered, and the run keeps waiting.
				await waitFor(
					`both copies for task ${index}`,
					() => deliveriesOf(taskId).filter((c) => c.status === 200).length === 2,
					15_000,
					50,
				);
				if (step === 0) {
					// One more duplicate by hand: taken, nothing resumed.
					const first = okDelivery(taskId);
					const again = await post(first.url, first.body, first.headers);
					expect(again.status).toBe(200);
					expect(again.body).toMatchObject({ received: true, waitingFor: 2 });
				}
				const still = (await executionsOf(env.userFolder, WF_PLAIN)).find(
					(e) => e.id === waiting.id,
				);
				expect(still!.status).toBe('waiting');
			}
			await sleep(300);
		}

		const done = await finished(WF_PLAIN, waiting.id, 60_000);
		expect(done.status).toBe('success');
		expectThreeResults(done, tasks, 's1');

		// A duplicate after the resume: n8n itself refuses it (the execution is no longer waiting).
		const last = okDelivery(tasks[order[2]].taskId);
		const late = await post(last.url, last.body, last.headers);
		expect(late.status).toBe(409);
		await sleep(1500); // the simulator's own second copy of the last callback (and its retries)
		expect(collector.received.filter((c) => c.query.exec === waiting.id)).toHaveLength(3);

		const creates = sim.count(RUNWAY_CREATE) - creates0;
		const statusCalls = sim.count(RUNWAY_STATUS) - status0;
		const lastAt = okDelivery(tasks[order[2]].taskId).at;
		const latency = new Date(done.stoppedAt!).getTime() - lastAt;
		figures.randomOrder = {
			createCallsPerTask: creates / 3,
			statusCallsPerTask: statusCalls / 3,
			lastCallbackToExecutionEndMs: latency,
			deliveries: tasks.map((t) => deliveriesOf(t.taskId).map((c) => c.status)),
		};
		console.log(`[kie-callbacks] random order: ${JSON.stringify(figures.randomOrder)}`);
		expect(creates).toBe(3);
		// A callback is a signal: each task is confirmed with the status API once, duplicates cost nothing.
		expect(statusCalls).toBeLessThanOrEqual(3);
		// n8n refused a second resume ("Execution is already being resumed by another process") only
		// because the node tried one: it must not.
		expect(env.n8n.logs()).not.toMatch(/already being resumed/);
		sim.setCallbackBehaviour({ mode: 'normal' });
	});

	test('one lost callback: the wake-up call at the time limit takes that task from the status API', async () => {
		sim.setCallbackBehaviour({ mode: 'lost', times: 1 });
		const status0 = sim.count(RUNWAY_STATUS);
		const { tasks, waiting } = await startRun(WF_PLAIN, 'kie-cb', 's3', 0.5);
		const deadline = new Date(waiting.waitTill!).getTime() - BACKSTOP_MS;
		const order = [1, 2, 0]; // the first one to end gets no callback
		for (const index of order) {
			expect(sim.completeTask(tasks[index].taskId)).toBe(true);
			await sleep(300);
		}
		await waitFor(
			'the two callbacks',
			() => okDelivery(tasks[2].taskId) && okDelivery(tasks[0].taskId),
			15_000,
			50,
			deliveries().brief,
		);
		expect(deliveriesOf(tasks[1].taskId)).toHaveLength(0);
		expect(sim.getTask(tasks[1].taskId)!.callbackFailed).toBe(true);
		const still = (await executionsOf(env.userFolder, WF_PLAIN)).find((e) => e.id === waiting.id);
		expect(still!.status).toBe('waiting');

		const done = await finished(WF_PLAIN, waiting.id, 120_000);
		expect(done.status).toBe('success');
		expectThreeResults(done, tasks, 's3');
		const statusCalls = sim.count(RUNWAY_STATUS) - status0;
		expect(statusCalls).toBeLessThanOrEqual(3);
		const delay = new Date(done.stoppedAt!).getTime() - deadline;
		expect(delay).toBeGreaterThanOrEqual(-1000);
		expect(delay).toBeLessThan(30_000); // the node's own wake-up, not n8n's minute-wise deadline check
		figures.lostCallback = { resumedAfterDeadlineMs: delay, statusCallsPerTask: statusCalls / 3 };
		console.log(
			`[kie-callbacks] lost callback: resumed ${delay} ms after the time limit (node wake-up); status calls/task ${(statusCalls / 3).toFixed(2)}`,
		);
		sim.setCallbackBehaviour({ mode: 'normal' });
	});

	test('callbacks that arrive before the execution is saved as waiting ("early") still end correctly', async () => {
		sim.setCallbackBehaviour({ mode: 'early' });
		const status0 = sim.count(RUNWAY_STATUS);
		// The callbacks may resume the run the instant it waits, before a look into sqlite sees it
		// waiting: then the run's own record of its wait (the custom data) shows that it waited.
		const { tasks, waiting } = await startRun(WF_PLAIN, 'kie-cb', 's4', 0.5, true);
		const [model, deadline36, packedIds] = (await waitingRunOf(waiting.id)).split('|');
		expect(model).toBe('runway');
		expect(packedIds.split(',').map(unpackTaskId)).toEqual(tasks.map((t) => t.taskId));
		const deadline = parseInt(deadline36, 36);
		if (waiting.status === 'waiting')
			expect(new Date(waiting.waitTill!).getTime() - BACKSTOP_MS).toBe(deadline);
		const done = await finished(WF_PLAIN, waiting.id, 120_000);
		expect(done.status).toBe('success');
		expectThreeResults(done, tasks, 's4');
		const statuses = tasks.map((t) => deliveriesOf(t.taskId).map((c) => c.status));
		const resumedBy =
			new Date(done.stoppedAt!).getTime() < deadline ? 'callbacks' : 'wake-up at the time limit';
		figures.early = {
			deliveries: statuses,
			resumedBy,
			statusCalls: sim.count(RUNWAY_STATUS) - status0,
		};
		console.log(
			`[kie-callbacks] early callbacks: deliveries ${JSON.stringify(statuses)}, resumed by ${resumedBy}, status calls ${sim.count(RUNWAY_STATUS) - status0}`,
		);
		sim.setCallbackBehaviour({ mode: 'normal' });
	});

	test('with a webhook HMAC key: signed callbacks resume; forged or unsigned ones get 401 and resume nothing', async () => {
		sim.setCallbackBehaviour({ mode: 'normal' });
		const status0 = sim.count(RUNWAY_STATUS);
		const { tasks, waiting } = await startRun(WF_HMAC, 'kie-cb-hmac', 's5', 3);
		const forgedBody = {
			code: 200,
			msg: 'All generated successfully.',
			data: {
				task_id: tasks[0].taskId,
				video_id: 'x',
				video_url: 'https://evil.example/x.mp4',
				image_url: '',
			},
		};
		const ts = String(Math.floor(Date.now() / 1000));
		const wrongSig = simulatorLib.signCallback('not-the-key', tasks[0].taskId, ts);
		const forged = await post(tasks[0].callBackUrl!, forgedBody, {
			'X-Webhook-Timestamp': ts,
			'X-Webhook-Signature': wrongSig,
		});
		expect(forged.status).toBe(401);
		const unsigned = await post(tasks[0].callBackUrl!, forgedBody);
		expect(unsigned.status).toBe(401);
		const stale = String(Math.floor(Date.now() / 1000) - 600);
		const staleSigned = await post(tasks[0].callBackUrl!, forgedBody, {
			'X-Webhook-Timestamp': stale,
			'X-Webhook-Signature': simulatorLib.signCallback(HMAC_KEY, tasks[0].taskId, stale),
		});
		expect(staleSigned.status).toBe(401);
		expect(sim.count(RUNWAY_STATUS) - status0).toBe(0);
		const still = (await executionsOf(env.userFolder, WF_HMAC)).find((e) => e.id === waiting.id);
		expect(still!.status).toBe('waiting');

		for (const index of [1, 2, 0]) {
			expect(sim.completeTask(tasks[index].taskId)).toBe(true);
			await waitFor(
				`signed callback of task ${index}`,
				() => okDelivery(tasks[index].taskId),
				15_000,
				50,
				deliveries().brief,
			);
			expect(okDelivery(tasks[index].taskId).headers['X-Webhook-Signature']).toBeTruthy();
			await sleep(300);
		}
		const done = await finished(WF_HMAC, waiting.id, 60_000);
		expect(done.status).toBe('success');
		const out = expectThreeResults(done, tasks, 's5');
		expect(out[0].json.videoUrl).not.toContain('evil');
		expect(sim.count(RUNWAY_STATUS) - status0).toBeLessThanOrEqual(3);
		const latency = new Date(done.stoppedAt!).getTime() - okDelivery(tasks[0].taskId).at;
		figures.hmac = {
			lastCallbackToExecutionEndMs: latency,
			statusCalls: sim.count(RUNWAY_STATUS) - status0,
		};
		console.log(`[kie-callbacks] signed: last callback -> execution end ${latency} ms`);
	});

	test('three callbacks at the same moment: one resume, <= 1 status call per task', async () => {
		sim.setCallbackBehaviour({ mode: 'normal' });
		const status0 = sim.count(RUNWAY_STATUS);
		const logStart = env.n8n.logs().length;
		const { tasks, waiting } = await startRun(WF_PLAIN, 'kie-cb', 's7', 3);
		for (const t of tasks) expect(sim.completeTask(t.taskId)).toBe(true);
		const done = await finished(WF_PLAIN, waiting.id, 60_000);
		expect(done.status).toBe('success');
		expectThreeResults(done, tasks, 's7');
		await sleep(1000);
		const statusCalls = sim.count(RUNWAY_STATUS) - status0;
		const deliveries = tasks.map((t) => deliveriesOf(t.taskId).map((c) => c.status));
		figures.concurrent = { statusCalls, deliveries };
		console.log(
			`[kie-callbacks] concurrent callbacks: status calls ${statusCalls}, deliveries ${JSON.stringify(deliveries)}`,
		);
		expect(statusCalls).toBeLessThanOrEqual(3);
		expect(env.n8n.logs().slice(logStart)).not.toMatch(/already being resumed/);
		expect(collector.received.filter((c) => c.query.exec === waiting.id)).toHaveLength(3);
	});
});
