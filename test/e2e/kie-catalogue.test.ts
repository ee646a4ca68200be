// KIE's video catalogue on real n8n 2.40.7 (node version 1.1) against the simulator, with one n8n
// for the whole file: each family (Veo 3.1, Kling, Hailuo, Seedance, Wan, Grok Imagine) and Other
// Market Model polled to the end (one create per item on the right path, the normalized task, a
// downloaded video for one family); each family pausing the execution in callback mode and resumed
// by KIE's signed callback; the KIE Trigger taking catalogue callbacks and filtering by family; bad
// input refused before any request.
// Run: npm run build && npx jest --selectProjects e2e --runInBand --testPathPatterns kie-catalogue
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { MARKET_MODELS } from '../../nodes/Kie/kie/catalogue';
import { CATALOGUE_FAMILIES, type CatalogueFamily } from '../../nodes/Kie/actions/catalogue';
import { catalogueModel, catalogueParameters } from '../catalogue-params';
import { EXAMPLES } from '../unit/catalogue-examples';
import {
	chainWorkflow,
	collectorNode,
	createSimTask,
	executionEnd,
	executionsOf,
	host,
	kieCredential,
	type KieN8n,
	kieNode,
	lastRunOutput,
	n8nNode,
	post,
	type SimRequest,
	type Simulator,
	simulatorLib,
	startCollector,
	startN8nWithKie,
	triggerWorkflow,
	waitFor,
	webhookNode,
	type WorkflowNode,
} from './helpers';

const { createSimulator, expectedVideoBytes } = simulatorLib;

const MARKET_CREATE = '/api/v1/jobs/createTask';
const MARKET_STATUS = '/api/v1/jobs/recordInfo';
const VEO_CREATE = '/api/v1/veo/generate';
const VEO_STATUS = '/api/v1/veo/record-info';
const CRED = 'kieCatalogCred01';
const VIDEO_SIZE = 256 * 1024 + 77;
// A Market model outside the catalogue, which the simulator is told to accept.
const OTHER_MODEL = 'e2e-vendor/any-video-model';

/** The model each family runs here: its first catalogue entry (as the engine test's callback cases). */
const MODEL_OF = Object.fromEntries(
	CATALOGUE_FAMILIES.map((family) => [
		family,
		MARKET_MODELS.find((entry) => entry.family === family)!.id,
	]),
) as Record<CatalogueFamily, string>;
/** Kling runs two items; Hailuo downloads its result. */
const TWO_ITEMS: CatalogueFamily = 'kling';
const DOWNLOADS: CatalogueFamily = 'hailuo';

const isVeo = (id: string) => catalogueModel(id).api === 'veoLegacy';
const createPathOf = (id: string) => (isVeo(id) ? VEO_CREATE : MARKET_CREATE);
const statusPathOf = (id: string) => (isVeo(id) ? VEO_STATUS : MARKET_STATUS);
/** What the node outputs for a task of catalogue model `id`. */
const expectedModel = (id: string) => (isVeo(id) ? 'veo' : id);
const expectedApi = (id: string) => (isVeo(id) ? 'legacy' : 'market');

const POLL = {
	completion: 'poll',
	completionOptions: { pollIntervalSeconds: 1, timeoutMinutes: 2 },
};

const WF = {
	poll: (family: string) => `kieCatPoll${family.slice(0, 6).padEnd(6, '0')}`,
	callback: 'kieCatCallback01',
	refused: (which: string) => `kieCatRefused${which.slice(0, 3)}`,
	triggerAll: 'kieCatTrigAll001',
	triggerKling: 'kieCatTrigKlng01',
};
const HOOK_ALL = 'd4d4d4d4-0000-4000-8000-00000000d001';
const HOOK_KLING = 'd4d4d4d4-0000-4000-8000-00000000d002';

/** The catalogue node (version 1.1) named `name`, with `parameters`. */
function catalogueNode(name: string, parameters: Record<string, unknown>): WorkflowNode {
	return { ...kieNode(name, CRED, parameters), typeVersion: 1.1 };
}

/** Webhook (answers with the last node's items) -> Split Out (body.items) -> nodes -> the collector. */
function pollWorkflow(
	id: string,
	webhookPath: string,
	nodes: WorkflowNode[],
	collectorUrl: string,
) {
	return chainWorkflow(id, `e2e catalogue poll ${webhookPath}`, [
		webhookNode(webhookPath),
		n8nNode('Split Out', 'n8n-nodes-base.splitOut', 1, {
			fieldToSplitOut: 'body.items',
			include: 'noOtherFields',
			options: {},
		}),
		...nodes,
		collectorNode(collectorUrl),
	]);
}

describe("KIE's video catalogue on real n8n", () => {
	let sim: Simulator;
	let collector: Awaited<ReturnType<typeof startCollector>>;
	let env: KieN8n;
	let outDir: string;

	/** The simulator's requests from index `from` on, to `METHOD path`. */
	const requestsSince = (from: number, method: string, apiPath: string): SimRequest[] =>
		sim.requests.slice(from).filter((r) => r.method === method && r.path === apiPath);

	beforeAll(async () => {
		sim = await createSimulator({
			taskDurationMs: 1500,
			recordNullMs: 300,
			callbackRetryDelayMs: 300,
			videoSizeBytes: VIDEO_SIZE,
		});
		sim.addMarketModels([OTHER_MODEL]);
		collector = await startCollector();
		// Read/Write Files may write only here (n8n blocks its own folder).
		outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kie-e2e-catalogue-'));

		const pollWorkflows = CATALOGUE_FAMILIES.map((family) => {
			const id = MODEL_OF[family];
			const parameters: Record<string, unknown> = {
				...catalogueParameters(id, EXAMPLES[id].valid[0]),
				...POLL,
				prompt: '={{ $json.prompt }}',
			};
			const nodes = [catalogueNode('KIE', parameters)];
			if (family === DOWNLOADS) {
				parameters.completionOptions = { ...POLL.completionOptions, downloadResult: true };
				nodes.push(
					n8nNode('Write Video', 'n8n-nodes-base.readWriteFile', 1.1, {
						operation: 'write',
						fileName: `=${outDir}/{{ $json.taskId }}.mp4`,
						dataPropertyName: 'data',
						options: {},
					}),
				);
			}
			return pollWorkflow(WF.poll(family), `kie-cat-poll-${family}`, nodes, collector.url);
		});
		pollWorkflows.push(
			pollWorkflow(
				WF.poll('market'),
				'kie-cat-poll-market',
				[
					catalogueNode('KIE', {
						resource: 'market',
						operation: 'generate',
						modelId: OTHER_MODEL,
						input: '={{ JSON.stringify({ prompt: $json.prompt, duration: 5 }) }}',
						...POLL,
					}),
				],
				collector.url,
			),
		);

		// Every family in one execution: each KIE node pauses it in turn until its task's callback.
		const callbackWorkflow = chainWorkflow(WF.callback, 'e2e catalogue callback mode', [
			webhookNode('kie-cat-callback', { responseMode: 'onReceived' }),
			...CATALOGUE_FAMILIES.map((family) =>
				catalogueNode(`KIE ${family}`, {
					...catalogueParameters(MODEL_OF[family], EXAMPLES[MODEL_OF[family]].valid[0]),
					completion: 'callback',
					completionOptions: { timeoutMinutes: 5 },
				}),
			),
			collectorNode(collector.url),
		]);

		// Refused inputs: Kling's aspect ratio from an expression (the form offers only valid ones),
		// Veo's reference-to-video on the Quality tier (a rule across fields of KIE's page).
		const klingId = 'kling-2.6/text-to-video';
		const veoId = 'veo3.1/reference-to-video';
		const refused = {
			kling: {
				...catalogueParameters(klingId, EXAMPLES[klingId].valid[0]),
				aspectRatio: "={{ '4:3' }}",
			},
			veo: catalogueParameters(veoId, { ...EXAMPLES[veoId].valid[0], model: 'veo3' }),
		};
		const refusedWorkflows = Object.entries(refused).map(([which, parameters]) =>
			chainWorkflow(WF.refused(which), `e2e catalogue refused ${which}`, [
				webhookNode(`kie-cat-refused-${which}`, { responseMode: 'onReceived' }),
				catalogueNode('KIE', { ...parameters, ...POLL }),
				collectorNode(collector.url),
			]),
		);

		const trigger = (id: string, webhookId: string, idPrefix: string, models?: string[]) =>
			triggerWorkflow({
				id,
				name: `e2e catalogue trigger ${id}`,
				webhookId,
				credentialId: CRED,
				collectorUrl: collector.url,
				idPrefix,
				triggerOptions: models ? { models } : undefined,
			});

		env = await startN8nWithKie({
			tag: 'kie-catalogue',
			credentials: [kieCredential(CRED, sim)],
			workflows: [
				...pollWorkflows,
				callbackWorkflow,
				...refusedWorkflows,
				trigger(WF.triggerAll, HOOK_ALL, 'd4d40001'),
				trigger(WF.triggerKling, HOOK_KLING, 'd4d40002', ['kling']),
			],
			env: { N8N_RESTRICT_FILE_ACCESS_TO: outDir },
		});
	});

	afterAll(async () => {
		await env?.stop();
		await sim?.close();
		await collector?.close();
		if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
	});

	/** Runs a poll workflow over HTTP with `count` items and returns its ended execution. */
	async function runPoll(family: string, prompts: string[]) {
		const res = await host.callWebhook(env.n8n, `kie-cat-poll-${family}`, {
			items: prompts.map((prompt) => ({ prompt })),
		});
		expect(res.status).toBe(200);
		return await host.waitForExecution(env.userFolder, WF.poll(family), { timeoutMs: 60_000 });
	}

	describe('poll mode: each family and Other Market Model, one create per item, the normalized task', () => {
		test.each(CATALOGUE_FAMILIES.map((family) => [family]))('%s', async (family) => {
			const id = MODEL_OF[family];
			const from = sim.requests.length;
			const prompts = (family === TWO_ITEMS ? [0, 1] : [0]).map((i) => `${family} e2e clip ${i}`);
			const exec = await runPoll(family, prompts);
			expect(exec.data.resultData.error?.message).toBeUndefined();
			expect(exec.status).toBe('success');

			const creates = requestsSince(from, 'POST', createPathOf(id));
			expect(creates).toHaveLength(prompts.length);
			expect(sim.requests.slice(from).filter((r) => r.method === 'POST')).toHaveLength(
				prompts.length,
			);
			for (const create of creates) {
				if (isVeo(id)) expect(create.body).toMatchObject(catalogueModel(id).fixed!);
				else expect(create.body).toMatchObject({ model: id, input: expect.any(Object) });
			}
			const sentPrompts = creates.map((create) =>
				isVeo(id) ? create.body.prompt : create.body.input.prompt,
			);
			expect(sentPrompts.sort()).toEqual([...prompts].sort());

			const out = lastRunOutput(exec, 'KIE');
			expect(out).toHaveLength(prompts.length);
			out.forEach((item, i) => {
				const task = sim.getTask(item.json.taskId)!;
				expect(task).toBeDefined();
				expect(task.params.prompt ?? task.params.input?.prompt).toBe(prompts[i]);
				expect(item.pairedItem).toEqual({ item: i });
				expect(item.json).toMatchObject({
					taskId: task.taskId,
					model: expectedModel(id),
					api: expectedApi(id),
					status: 'succeeded',
					videoUrl: task.videoUrl,
					videoUrls: [task.videoUrl],
					error: null,
				});
				expect(item.json.completedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
				expect(item.json.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
			});
			const collected = collector.received.filter((c) => c.query.exec === exec.id);
			expect(collected.map((c) => c.body.taskId)).toEqual(out.map((item) => item.json.taskId));

			if (family === DOWNLOADS) {
				for (const item of out) {
					expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4' });
					const written = fs.readFileSync(path.join(outDir, `${item.json.taskId}.mp4`));
					expect(written.length).toBe(VIDEO_SIZE);
					expect(written.equals(expectedVideoBytes(item.json.taskId, VIDEO_SIZE))).toBe(true);
				}
			} else {
				for (const item of out) expect(item.binary).toBeUndefined();
			}
		});

		test('Other Market Model: a model id outside the catalogue with JSON input', async () => {
			const from = sim.requests.length;
			const exec = await runPoll('market', ['any model e2e clip']);
			expect(exec.data.resultData.error?.message).toBeUndefined();
			expect(exec.status).toBe('success');
			const creates = requestsSince(from, 'POST', MARKET_CREATE);
			expect(creates.map((create) => create.body)).toEqual([
				{ model: OTHER_MODEL, input: { prompt: 'any model e2e clip', duration: 5 } },
			]);
			const [item] = lastRunOutput(exec, 'KIE');
			const task = sim.getTask(item.json.taskId)!;
			expect(task.marketModel).toBe(OTHER_MODEL);
			expect(item.json).toMatchObject({
				taskId: task.taskId,
				model: OTHER_MODEL,
				api: 'market',
				status: 'succeeded',
				videoUrl: task.videoUrl,
				error: null,
			});
			expect(collector.received.filter((c) => c.query.exec === exec.id)).toHaveLength(1);
		});
	});

	test('callback mode: each family pauses the execution, its signed callback resumes it', async () => {
		// Tasks run until the test ends them, so every pause can be seen before its callback.
		sim.configure({ taskDurationMs: 10 * 60_000 });
		const from = sim.requests.length;
		const earlier = new Set(sim.tasks().map((t) => t.taskId));
		const before = await executionsOf(env.userFolder, WF.callback);
		const res = await host.callWebhook(env.n8n, 'kie-cat-callback', { run: 1 });
		expect(res.status).toBe(200);
		let executionId = '';
		const taskIds: Record<string, string> = {};
		try {
			for (const family of CATALOGUE_FAMILIES) {
				const id = MODEL_OF[family];
				const node = `KIE ${family}`;
				const task = await waitFor(`the ${family} task`, () =>
					sim
						.tasks()
						.find(
							(t) =>
								!earlier.has(t.taskId) && (isVeo(id) ? t.model === 'veo' : t.marketModel === id),
						),
				);
				taskIds[family] = task.taskId;
				expect(task.state).not.toBe('success');
				expect(String(task.callBackUrl)).toContain('signature=');
				const waiting = await waitFor(
					`the execution to wait in ${node}`,
					async () =>
						(await executionsOf(env.userFolder, WF.callback)).find(
							(e) =>
								!before.some((old) => old.id === e.id) &&
								e.status === 'waiting' &&
								e.data.resultData.lastNodeExecuted === node,
						),
					30_000,
				);
				if (executionId) expect(waiting.id).toBe(executionId);
				executionId = waiting.id;
				expect(sim.completeTask(task.taskId)).toBe(true);
			}
		} finally {
			sim.configure({ taskDurationMs: 1500 });
		}
		const ended = await executionEnd(
			(wf) => executionsOf(env.userFolder, wf),
			WF.callback,
			executionId,
			60_000,
		);
		expect(ended.data.resultData.error?.message).toBeUndefined();
		expect(ended.status).toBe('success');

		for (const family of CATALOGUE_FAMILIES) {
			const id = MODEL_OF[family];
			const taskId = taskIds[family];
			const out = lastRunOutput(ended, `KIE ${family}`);
			expect(out).toHaveLength(1);
			expect(out[0].json).toMatchObject({
				taskId,
				model: expectedModel(id),
				api: expectedApi(id),
				status: 'succeeded',
				videoUrl: sim.getTask(taskId)!.videoUrl,
				error: null,
			});
			// One create, one status call (the callback's confirmation), one accepted callback.
			const creates = requestsSince(from, 'POST', createPathOf(id)).filter(
				(r) => isVeo(id) || r.body.model === id,
			);
			expect({ family, creates: creates.length }).toEqual({ family, creates: 1 });
			const statusCalls = requestsSince(from, 'GET', statusPathOf(id)).filter(
				(r) => r.query.taskId === taskId,
			);
			expect({ family, statusCalls: statusCalls.length }).toEqual({ family, statusCalls: 1 });
			const answered = sim.callbacks.filter((c) => c.taskId === taskId && c.status === 200);
			expect({ family, answered: answered.length }).toEqual({ family, answered: 1 });
		}
		expect(new Set(Object.values(taskIds)).size).toBe(CATALOGUE_FAMILIES.length);
		expect(sim.requests.slice(from).filter((r) => r.method === 'POST')).toHaveLength(
			CATALOGUE_FAMILIES.length,
		);
		const collected = collector.received.filter((c) => c.query.exec === executionId);
		expect(collected.map((c) => c.body.taskId)).toEqual([taskIds.grok]);
	});

	describe('the KIE Trigger', () => {
		const triggerUrl = (hook: string) => env.n8n.webhookUrl(`${hook}/kie`);
		const itemOf = (taskId: string) =>
			collector.received.find((c) => c.body?.taskId === taskId)?.body;

		beforeAll(async () => {
			for (const hook of [HOOK_ALL, HOOK_KLING])
				await waitFor(
					'the trigger webhook to be registered',
					async () => (await post(triggerUrl(hook), { hello: 1 })).status === 400,
					15_000,
				);
		});

		test('takes a Market callback of a catalogue model (Kling) and a Veo 3.1 callback', async () => {
			const klingId = 'kling-2.6/text-to-video';
			const klingTask = await createSimTask(sim, MARKET_CREATE, {
				model: klingId,
				callBackUrl: `${triggerUrl(HOOK_ALL)}?reference=kl`,
				input: EXAMPLES[klingId].valid[0],
			});
			const veoId = 'veo3.1/text-to-video';
			const veoTask = await createSimTask(sim, VEO_CREATE, {
				...catalogueModel(veoId).fixed,
				...EXAMPLES[veoId].valid[0],
				callBackUrl: `${triggerUrl(HOOK_ALL)}?reference=ve`,
			});
			await waitFor('both trigger executions', () => itemOf(klingTask) && itemOf(veoTask), 30_000);
			expect(itemOf(klingTask)).toMatchObject({
				model: klingId,
				marketModel: klingId,
				api: 'market',
				status: 'succeeded',
				videoUrl: sim.getTask(klingTask)!.videoUrl,
				confirmed: true,
				reference: 'kl',
				callback: { code: 200 },
			});
			expect(itemOf(veoTask)).toMatchObject({
				model: 'veo',
				api: 'legacy',
				status: 'succeeded',
				videoUrl: sim.getTask(veoTask)!.videoUrl,
				confirmed: true,
				reference: 've',
				callback: { code: 200 },
			});
		});

		test("Models ['kling'] takes a Kling callback and ignores a Wan one", async () => {
			const klingId = 'kling-2.6/text-to-video';
			const wanId = 'wan/2-6-text-to-video';
			const klingTask = await createSimTask(sim, MARKET_CREATE, {
				model: klingId,
				callBackUrl: triggerUrl(HOOK_KLING),
				input: EXAMPLES[klingId].valid[0],
			});
			await waitFor('the Kling trigger execution', () => itemOf(klingTask), 30_000);
			expect(itemOf(klingTask)).toMatchObject({ model: klingId, status: 'succeeded' });

			const wanTask = await createSimTask(sim, MARKET_CREATE, {
				model: wanId,
				callBackUrl: triggerUrl(HOOK_KLING),
				input: EXAMPLES[wanId].valid[0],
			});
			// n8n answers a trigger call only once any execution it starts is stored.
			const delivery = await waitFor(
				'the Wan callback to be answered',
				() => sim.callbacks.find((c) => c.taskId === wanTask),
				30_000,
			);
			expect(delivery.status).toBe(200);
			const runs = await executionsOf(env.userFolder, WF.triggerKling);
			expect(runs).toHaveLength(1);
			expect(lastRunOutput(runs[0], 'KIE Trigger')[0].json.taskId).toBe(klingTask);
			expect(itemOf(wanTask)).toBeUndefined();
		});
	});

	describe('bad input is refused on real n8n before any request', () => {
		test.each([
			['kling', /^Aspect Ratio \(aspect_ratio\) must be one of 1:1, 16:9, 9:16 \(got "4:3"\)/],
			[
				'veo',
				/^Tier \(model\): Reference images work with the Fast tier .*not Quality \(got "veo3"\)/,
			],
		])('%s', async (which, message) => {
			const from = sim.requests.length;
			const res = await host.callWebhook(env.n8n, `kie-cat-refused-${which}`, {});
			expect(res.status).toBe(200);
			const exec = await host.waitForExecution(env.userFolder, WF.refused(which), {
				timeoutMs: 30_000,
			});
			expect(exec.status).toBe('error');
			expect(exec.data.resultData.lastNodeExecuted).toBe('KIE');
			expect(exec.data.resultData.error?.message).toMatch(message);
			expect(exec.data.resultData.runData.Collect).toBeUndefined();
			expect(sim.requests.slice(from)).toHaveLength(0);
		});
	});
});
