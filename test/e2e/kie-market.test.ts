// KIE's Market API on real n8n 2.40.7: a version 1.1 KIE node (KIE API: Automatic) runs Runway in
// callback mode on the Market API and resumes on its Market callbacks; the KIE Trigger takes Market
// callbacks (task id in data.taskId) for Runway and for another Market model.
// Run: npm run build && npx jest --selectProjects e2e --runInBand --testPathPatterns kie-market
import {
	callbackModeWorkflow,
	createSimTask,
	executionEnd,
	executionsOf,
	host,
	kieCredential,
	type KieN8n,
	post,
	type Simulator,
	simulatorLib,
	startCollector,
	startN8nWithKie,
	triggerWorkflow,
	waitFor,
} from './helpers';

jest.setTimeout(15 * 60_000);

const MARKET_CREATE = '/api/v1/jobs/createTask';
const CRED = 'kieMarketCred001';
const WF_CALLBACK = 'kieMarketCbWf001';
const WF_TRIGGER = 'kieMarketTrigWf1';
const HOOK = 'c3c3c3c3-0000-4000-8000-00000000cccc';

describe('the Market API on real n8n', () => {
	let sim: Simulator;
	let collector: Awaited<ReturnType<typeof startCollector>>;
	let env: KieN8n;
	let triggerUrl: string;

	beforeAll(async () => {
		sim = await simulatorLib.createSimulator({ taskDurationMs: 1500, callbackRetryDelayMs: 300 });
		collector = await startCollector();
		const callbackWorkflow = callbackModeWorkflow({
			id: WF_CALLBACK,
			name: 'e2e Market callback mode',
			webhookPath: 'kie-market-cb',
			credentialId: CRED,
			collectorUrl: collector.url,
			idPrefix: 'ma01ma00',
		});
		// Version 1.1: the KIE API setting's default, Automatic, runs the Market API first.
		const kie = callbackWorkflow.nodes.find((node) => node.name === 'KIE')!;
		kie.typeVersion = 1.1;
		env = await startN8nWithKie({
			tag: 'kie-market',
			credentials: [kieCredential(CRED, sim)],
			workflows: [
				callbackWorkflow,
				triggerWorkflow({
					id: WF_TRIGGER,
					name: 'e2e Market trigger',
					webhookId: HOOK,
					credentialId: CRED,
					collectorUrl: collector.url,
					idPrefix: 'ma02ma00',
				}),
			],
		});
		triggerUrl = env.n8n.webhookUrl(`${HOOK}/kie`);
		await waitFor(
			'the trigger webhook to be registered',
			async () => (await post(triggerUrl, { hello: 1 })).status === 400,
			15_000,
		);
	});

	afterAll(async () => {
		await env?.stop();
		await sim?.close();
		await collector?.close();
	});

	test('callback mode: two Market Runway tasks, one resume, api "market"', async () => {
		const items = [0, 1].map((i) => ({
			prompt: `market clip ${i}`,
			ref: `m-${i}`,
			timeoutMinutes: 3,
		}));
		const res = await host.callWebhook(env.n8n, 'kie-market-cb', { items });
		expect(res.status).toBe(200);
		const waiting = await waitFor(
			'the execution to wait',
			async () =>
				(await executionsOf(env.userFolder, WF_CALLBACK)).find((e) => e.status === 'waiting'),
			30_000,
		);
		const ended = await executionEnd(
			(id) => executionsOf(env.userFolder, id),
			WF_CALLBACK,
			waiting.id,
			60_000,
		);
		expect(ended.status).toBe('success');
		const collected = collector.received.filter((c) => c.query.exec === waiting.id);
		expect(collected).toHaveLength(2);
		for (const [index, item] of collected
			.sort((a, b) => Number(a.query.item) - Number(b.query.item))
			.entries()) {
			expect(item.body).toMatchObject({
				model: 'runway',
				api: 'market',
				status: 'succeeded',
				reference: `m-${index}`,
			});
		}
		expect(sim.count(`POST ${MARKET_CREATE}`)).toBe(2);
		expect(sim.count('POST /api/v1/runway/generate')).toBe(0);
		expect(sim.tasksCreated()).toBe(2);
	});

	test('the KIE Trigger takes Market callbacks: Runway, and another Market model', async () => {
		sim.addMarketModels(['wan/2-6-video-to-video']);
		const runwayId = await createSimTask(sim, MARKET_CREATE, {
			model: 'runway',
			callBackUrl: `${triggerUrl}?reference=mr`,
			input: { prompt: 'trigger clip', duration: 5, quality: '720p', aspect_ratio: '16:9' },
		});
		const wanId = await createSimTask(sim, MARKET_CREATE, {
			model: 'wan/2-6-video-to-video',
			callBackUrl: triggerUrl,
			input: { prompt: 'another model', video_urls: ['https://example.com/in.mp4'] },
		});
		const itemOf = (taskId: string) =>
			collector.received.find((c) => c.body?.taskId === taskId)?.body;
		await waitFor('both trigger executions', () => itemOf(runwayId) && itemOf(wanId), 30_000);
		expect(itemOf(runwayId)).toMatchObject({
			model: 'runway',
			api: 'market',
			status: 'succeeded',
			confirmed: true,
			reference: 'mr',
			callback: { code: 200 },
		});
		expect(itemOf(runwayId)?.videoUrl).toContain(sim.baseUrl);
		expect(itemOf(wanId)).toMatchObject({
			model: 'wan/2-6-video-to-video', // a Market task is called by KIE's model id
			marketModel: 'wan/2-6-video-to-video',
			api: 'market',
			status: 'succeeded',
			confirmed: true,
		});
	});
});
