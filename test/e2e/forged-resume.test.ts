// A forged POST to a waiting KIE node's resume URL, on real n8n (any version: KIE_N8N_VERSION). On
// n8n 1.x resume URLs carry no signature and n8n checks none, and execution ids are sequential: anyone
// can post to /webhook-waiting/<id>. Without an HMAC key the node takes a callback as a signal only
// and asks KIE's status API, so a forgery can neither end the wait with made-up results nor bring
// in its URLs. Run: npm run build && npx jest --selectProjects e2e --runInBand --testPathPatterns forged-resume
import {
	callbackModeWorkflow,
	executionEnd,
	executionsOf,
	expectCallbackResults,
	host,
	kieCredential,
	type KieN8n,
	logger,
	post,
	RUNWAY_STATUS,
	type Simulator,
	simulatorLib,
	sleep,
	startCallbackRun,
	startCollector,
	startN8nWithKie,
} from './helpers';

jest.setTimeout(10 * 60_000);

const log = logger('forged-resume');
const CRED = 'kieForgedCred001';
const WF = 'kieForgedWf00001';
const HOOK = 'kie-forged';
const FORGED_URL = 'https://attacker.invalid/forged.mp4';

describe(`forged resume of a waiting KIE node on n8n ${host.n8nVersion()}`, () => {
	let sim: Simulator;
	let collector: Awaited<ReturnType<typeof startCollector>>;
	let env: KieN8n;

	beforeAll(async () => {
		// Tasks end only when the test ends them; no HMAC key: the node cannot tell a forgery by its signature.
		sim = await simulatorLib.createSimulator({
			taskDurationMs: 60 * 60_000,
			callbackRetryDelayMs: 500,
		});
		collector = await startCollector();
		env = await startN8nWithKie({
			tag: 'forged-resume',
			credentials: [kieCredential(CRED, sim)],
			workflows: [
				callbackModeWorkflow({
					id: WF,
					name: 'e2e forged resume',
					webhookPath: HOOK,
					credentialId: CRED,
					collectorUrl: collector.url,
					idPrefix: 'f0f0f0f0',
				}),
			],
			// n8n 1.x hands nodes the execution's custom data only through expressions, and its default VM
			// expression engine none of its methods: callback mode (and so this attack) needs the legacy one.
			env: { N8N_EXPRESSION_ENGINE: 'legacy' },
		});
	});

	afterAll(async () => {
		await env?.stop();
		await sim?.close();
		await collector?.close();
	});

	test('forged callbacks (real or made-up task ids, a wake-up before the time limit) end nothing and bring in no URL', async () => {
		const ctx = { n8n: env.n8n, sim, executions: (id: string) => executionsOf(env.userFolder, id) };
		const { tasks, waiting } = await startCallbackRun(ctx, {
			workflowId: WF,
			webhookPath: HOOK,
			tag: 'fg',
			timeoutMinutes: 5,
		});
		const status0 = sim.count(RUNWAY_STATUS);
		// What an attacker can build from the execution id alone, and the URL KIE was given.
		const guessed = `${env.n8n.baseUrl}/webhook-waiting/${waiting.id}`;
		const given = tasks[0].callBackUrl!;
		const forgedCallback = (taskId: string) => ({
			code: 200,
			msg: 'All generated successfully.',
			data: { task_id: taskId, video_id: 'v', video_url: FORGED_URL, image_url: FORGED_URL },
		});
		const marketForgery = {
			code: 200,
			data: {
				taskId: tasks[1].taskId,
				state: 'success',
				resultJson: JSON.stringify({ resultUrls: [FORGED_URL] }),
			},
		};
		const wake = (url: string) => {
			const u = new URL(url);
			u.pathname = `${u.pathname.replace(/\/+$/, '')}/kie-wake-up`;
			u.searchParams.set('wake', '1');
			return u.toString();
		};
		const answers: Record<string, number> = {};
		for (const [name, url, body] of [
			['guessed URL, real task', guessed, forgedCallback(tasks[0].taskId)],
			['guessed URL, made-up task', guessed, forgedCallback('f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0')],
			['guessed URL, Market shape', guessed, marketForgery],
			['guessed URL, early wake-up', wake(guessed), {}],
			['given URL, real task', given, forgedCallback(tasks[2].taskId)],
			['given URL, early wake-up', wake(given), {}],
		] as const) {
			answers[name] = (await post(url, body)).status;
		}
		log(`n8n ${host.n8nVersion()}: forgery answers ${JSON.stringify(answers)}`);
		for (const status of Object.values(answers)) expect(status).toBeLessThan(500);

		await sleep(1500);
		const still = (await executionsOf(env.userFolder, WF)).find((e) => e.id === waiting.id);
		expect(still!.status).toBe('waiting');
		// At most one status call per forged real task: KIE said "still running".
		expect(sim.count(RUNWAY_STATUS) - status0).toBeLessThanOrEqual(3);
		for (const task of tasks) expect(sim.getTask(task.taskId)!.state).not.toBe('success');

		for (const task of tasks) expect(sim.completeTask(task.taskId)).toBe(true);
		const done = await executionEnd(ctx.executions, WF, waiting.id, 60_000);
		expect(done.status).toBe('success');
		const out = expectCallbackResults(done, tasks, 'fg', sim, collector);
		expect(JSON.stringify(out)).not.toContain('attacker.invalid');
	});
});
