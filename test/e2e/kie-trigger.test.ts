// The KIE Trigger on real n8n 2.40.7: a published workflow whose production URL
// (/webhook/<webhookId>/kie) receives KIE's callbacks from the simulator for every model, success and
// failure; HMAC signatures (forged, stale, missing, valid); 20 concurrent duplicates; the editor's
// Listen for Test Event; bad bodies.
// Run: npm run build && npx jest --selectProjects e2e --runInBand --testPathPatterns kie-trigger
import {
	createSimTask,
	createTasksForEveryModel,
	executionsOf,
	expectRefusedOrCutOff,
	expectTriggerItem,
	finishedRunwayTask,
	host,
	kieCredential,
	type KieN8n,
	logger,
	post,
	postMayBeCutOff,
	postConcurrentDuplicates,
	runwaySuccessCallback,
	type Simulator,
	simulatorLib,
	sleep,
	startCollector,
	startN8nWithKie,
	triggerWorkflow,
	waitFor,
} from './helpers';

jest.setTimeout(15 * 60_000);

const log = logger('kie-trigger');
const HMAC_KEY = 'trigger-hmac-key';
const CRED_PLAIN = 'kieTrigPlainCred';
const CRED_HMAC = 'kieTrigHmacCred1';
const WF_PLAIN = 'kieTrigPlainWf01';
const WF_HMAC = 'kieTrigHmacWf001';
const HOOK_PLAIN = 'a1a1a1a1-0000-4000-8000-00000000aaaa';
const HOOK_HMAC = 'b2b2b2b2-0000-4000-8000-00000000bbbb';
const CRED_ROTATE = 'kieTrigRotCred01';
const WF_ROTATE = 'kieTrigRotWf0001';
const HOOK_ROTATE = 'c3c3c3c3-0000-4000-8000-00000000cccc';

function workflow(
	id: string,
	webhookId: string,
	credentialId: string,
	collectorUrl: string,
	serial: number,
) {
	return triggerWorkflow({
		id,
		name: `e2e KIE trigger ${serial}`,
		webhookId,
		credentialId,
		collectorUrl,
		idPrefix: `7e1${serial}7e10`,
	});
}

describe('KIE Trigger on real n8n', () => {
	let sim: Simulator;
	let collector: Awaited<ReturnType<typeof startCollector>>;
	let env: KieN8n;
	let plainUrl: string;
	let hmacUrl: string;
	const timings: Record<string, number> = {};

	beforeAll(async () => {
		sim = await simulatorLib.createSimulator({
			taskDurationMs: 1500,
			hmacKey: HMAC_KEY,
			callbackRetryDelayMs: 300,
		});
		collector = await startCollector();
		env = await startN8nWithKie({
			tag: 'kie-trigger',
			credentials: [
				kieCredential(CRED_PLAIN, sim),
				kieCredential(CRED_HMAC, sim, { webhookHmacKey: HMAC_KEY }),
				kieCredential(CRED_ROTATE, sim),
			],
			workflows: [
				workflow(WF_PLAIN, HOOK_PLAIN, CRED_PLAIN, collector.url, 1),
				workflow(WF_HMAC, HOOK_HMAC, CRED_HMAC, collector.url, 2),
				workflow(WF_ROTATE, HOOK_ROTATE, CRED_ROTATE, collector.url, 3),
			],
		});
		// A trigger node's production URL: /webhook/<webhookId>/<path>.
		plainUrl = env.n8n.webhookUrl(`${HOOK_PLAIN}/kie`);
		hmacUrl = env.n8n.webhookUrl(`${HOOK_HMAC}/kie`);
		// Registered? (a just-started n8n may answer 404 for a while: 1.x activates workflows after it
		// reports ready, slowly on a busy machine); a body without "code" starts nothing.
		await waitFor(
			'the trigger webhook to be registered',
			async () => (await post(plainUrl, { hello: 1 })).status === 400,
			60_000,
		);
	});

	afterAll(async () => {
		log(`timings (ms): ${JSON.stringify(timings)}`);
		await env?.stop();
		await sim?.close();
		await collector?.close();
	});

	const createTask = (apiPath: string, body: Record<string, unknown>) =>
		createSimTask(sim, apiPath, body);
	const collectedFor = (taskId: string) =>
		collector.received.filter((c) => c.body?.taskId === taskId);

	test("every model's success and failure callback starts one execution with the normalised, confirmed task", async () => {
		const t0 = Date.now();
		const expected = await createTasksForEveryModel(
			sim,
			(model, ref) => `${plainUrl}?model=${model}&reference=${ref}`,
		);

		await waitFor(
			'one execution per callback',
			() => expected.every((e) => collectedFor(e.taskId).length === 1),
			30_000,
			250,
			() => ({
				callbacks: sim.callbacks.map((c) => [c.taskId, c.status]),
				collected: collector.received.map((c) => c.body?.taskId),
			}),
		);
		timings.allModelsMs = Date.now() - t0;
		for (const e of expected) expectTriggerItem(collectedFor(e.taskId)[0].body, e, sim);
		// The execution data (not only what the next node received) holds the same item.
		const execs = await executionsOf(env.userFolder, WF_PLAIN);
		const runwayOk = expected[0].taskId;
		const forRunwayOk = execs.find(
			(x) =>
				x.data?.resultData?.runData?.['KIE Trigger']?.[0]?.data?.main?.[0]?.[0]?.json?.taskId ===
				runwayOk,
		);
		expect(forRunwayOk).toMatchObject({ status: 'success', mode: 'webhook' });
		const item = forRunwayOk!.data.resultData.runData['KIE Trigger'][0].data.main[0][0].json;
		expect(item).toMatchObject({
			taskId: runwayOk,
			model: 'runway',
			status: 'succeeded',
			reference: 'r-ok',
			confirmed: true,
			callback: { code: 200 },
		});
		expect(execs.filter((x) => x.status === 'success')).toHaveLength(expected.length);
	});

	test('with an HMAC key: forged, stale and missing signatures get 401 and start nothing; a valid one starts one execution', async () => {
		const taskId = await createTask('/api/v1/runway/generate', {
			prompt: 'a signed task',
			duration: 5,
			quality: '720p',
			aspectRatio: '16:9',
		});
		await waitFor('the task to finish', () => sim.getTask(taskId)!.state === 'success', 15_000);
		const body = runwaySuccessCallback(sim, taskId);
		const now = () => Math.floor(Date.now() / 1000);
		const sign = (key: string, ts: number) => ({
			'X-Webhook-Timestamp': String(ts),
			'X-Webhook-Signature': simulatorLib.signCallback(key, taskId, ts),
		});
		const url = `${hmacUrl}?model=runway&reference=signed`;
		const forged = await post(url, body, sign('wrong-key', now()));
		const stale = await post(url, body, sign(HMAC_KEY, now() - 6 * 60));
		const missing = await post(url, body);
		const onlyTimestamp = await post(url, body, { 'X-Webhook-Timestamp': String(now()) });
		expect([forged.status, stale.status, missing.status, onlyTimestamp.status]).toEqual([
			401, 401, 401, 401,
		]);
		expect(forged.body).toMatchObject({ error: expect.stringMatching(/signature/i) });
		await sleep(1500);
		expect(await executionsOf(env.userFolder, WF_HMAC)).toHaveLength(0);
		expect(collectedFor(taskId)).toHaveLength(0);

		const valid = await post(url, body, sign(HMAC_KEY, now()));
		expect(valid.status).toBe(200);
		await waitFor(
			'the signed execution',
			async () => (await executionsOf(env.userFolder, WF_HMAC)).some((e) => e.status === 'success'),
			20_000,
		);
		await sleep(1000);
		const execs = await executionsOf(env.userFolder, WF_HMAC);
		expect(execs).toHaveLength(1);
		expect(collectedFor(taskId)).toHaveLength(1);
		expect(collectedFor(taskId)[0].body).toMatchObject({
			taskId,
			status: 'succeeded',
			reference: 'signed',
			confirmed: true,
		});
	});

	// webhook() reuses a credential's key (or its absence) for a minute; execute() checks again.
	test('an HMAC key added while the trigger is published: an unsigned callback within the minute outputs nothing, the signed one then runs', async () => {
		const rotateUrl = env.n8n.webhookUrl(`${HOOK_ROTATE}/kie`);
		const finished = (prompt: string) => finishedRunwayTask(sim, prompt);
		const executions = async () => (await executionsOf(env.userFolder, WF_ROTATE)).length;
		const before = await executions();
		// No key yet: an unsigned callback runs, and the trigger now knows the credential has no key.
		const first = await finished('before the key');
		const unsignedFirst = await post(
			`${rotateUrl}?model=runway`,
			runwaySuccessCallback(sim, first),
		);
		expect(unsignedFirst.status).toBe(200);
		await waitFor('the first item', () => collectedFor(first).length === 1, 20_000);

		await host.restCall(env.n8n, 'PATCH', `/credentials/${CRED_ROTATE}`, {
			...kieCredential(CRED_ROTATE, sim, { webhookHmacKey: HMAC_KEY }),
		});
		const second = await finished('after the key');
		const body = runwaySuccessCallback(sim, second);
		const unsigned = await post(`${rotateUrl}?model=runway`, body);
		// Within the minute webhook() still takes the credential for keyless: accepted, but the run
		// checks with the credential as it is now and outputs nothing.
		expect(unsigned.status).toBe(200);
		await waitFor('the unsigned run', async () => (await executions()) === before + 2, 20_000);
		await sleep(1000);
		expect(collectedFor(second)).toHaveLength(0);

		const now = Math.floor(Date.now() / 1000);
		const signed = await post(`${rotateUrl}?model=runway`, body, {
			'X-Webhook-Timestamp': String(now),
			'X-Webhook-Signature': simulatorLib.signCallback(HMAC_KEY, second, now),
		});
		expect(signed.status).toBe(200);
		expect(signed.body).not.toMatchObject({ duplicate: true });
		await waitFor('the signed item', () => collectedFor(second).length === 1, 20_000);
		expect(collectedFor(second)[0].body).toMatchObject({ taskId: second, confirmed: true });
		await sleep(1000);
		expect(await executions()).toBe(before + 3);
		expect(collectedFor(second)).toHaveLength(1);
	});

	test('20 concurrent duplicate callbacks for one task start exactly one execution', async () => {
		const before = (await executionsOf(env.userFolder, WF_PLAIN)).length;
		const { taskId, ms } = await postConcurrentDuplicates(sim, plainUrl, 20);
		timings.twentyDuplicatesMs = ms;
		await waitFor('the execution', () => collectedFor(taskId).length >= 1, 20_000);
		await sleep(2000);
		expect(collectedFor(taskId)).toHaveLength(1);
		expect((await executionsOf(env.userFolder, WF_PLAIN)).length - before).toBe(1);
	});

	// The node has execute() beside webhook() (execute() confirms and downloads inside the run): the
	// editor must still listen for a callback rather than run execute() on nothing. n8n decides by the
	// node's webhooks (test-webhooks needsWebhook), which this call to the editor's run endpoint shows.
	test("the editor's Listen for Test Event waits for a callback, which then runs the trigger", async () => {
		const taskId = await createTask('/api/v1/runway/generate', {
			prompt: 'a test event',
			duration: 5,
			quality: '720p',
			aspectRatio: '16:9',
		});
		await waitFor('the task to finish', () => sim.getTask(taskId)!.state === 'success', 15_000);
		const workflowData = await host.restCall(env.n8n, 'GET', `/workflows/${WF_PLAIN}`);
		const started = await host.restCall(env.n8n, 'POST', `/workflows/${WF_PLAIN}/run`, {
			workflowData,
			triggerToStartFrom: { name: 'KIE Trigger' },
		});
		expect(started).toMatchObject({ waitingForWebhook: true });
		await sleep(1000);
		expect(collectedFor(taskId)).toHaveLength(0);

		const testUrl = `${env.n8n.baseUrl}/webhook-test/${HOOK_PLAIN}/kie`;
		const answer = await post(
			`${testUrl}?model=runway&reference=test-event`,
			runwaySuccessCallback(sim, taskId),
		);
		expect(answer.status).toBe(200);
		await waitFor('the test run', () => collectedFor(taskId).length >= 1, 20_000);
		expect(collectedFor(taskId)[0].body).toMatchObject({
			taskId,
			status: 'succeeded',
			reference: 'test-event',
			confirmed: true,
		});
	});

	test('oversized and non-JSON bodies are refused and start nothing', async () => {
		const before = (await executionsOf(env.userFolder, WF_PLAIN)).length;
		const collected = collector.received.length;
		const taskId = sim.tasks()[0].taskId;
		const huge = JSON.stringify({
			code: 200,
			msg: 'x'.repeat(17 * 1024 * 1024),
			data: { task_id: taskId },
		});
		const oversized = await postMayBeCutOff(`${plainUrl}?model=runway`, huge);
		const notJson = await post(`${plainUrl}?model=runway`, 'this is not json {', {
			'content-type': 'application/json',
		});
		const plainText = await post(`${plainUrl}?model=runway`, 'code=200', {
			'content-type': 'text/plain',
		});
		const noTaskId = await post(`${plainUrl}?model=runway`, { code: 200, msg: 'ok', data: {} });
		const notAnObject = await post(`${plainUrl}?model=runway`, '[1,2,3]');
		const bad = {
			notJson: notJson.status,
			plainText: plainText.status,
			noTaskId: noTaskId.status,
			notAnObject: notAnObject.status,
		};
		const statuses = { oversized: oversized.status ?? oversized.closedWith, ...bad };
		log(`bad bodies: ${JSON.stringify(statuses)}`);
		// n8n reads a webhook's body before any node code runs; over N8N_PAYLOAD_SIZE_MAX (16 MB) its
		// PayloadTooLargeError surfaces as 500 "There was a problem executing the workflow" in 2.40.7.
		// It may answer and close before the 17 MB are written: the write then fails (EPIPE), as refused.
		expectRefusedOrCutOff(oversized);
		for (const status of Object.values(bad)) {
			expect(status).toBeGreaterThanOrEqual(400);
			expect(status).toBeLessThan(500);
		}
		await sleep(1500);
		expect((await executionsOf(env.userFolder, WF_PLAIN)).length).toBe(before);
		expect(collector.received.length).toBe(collected);
	});
});
