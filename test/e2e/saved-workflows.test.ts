// Workflows saved with version 0.1.0 (test/fixtures/saved-0.1.0: the examples and the e2e tests'
// workflows of that version) run unchanged on real n8n 2.40.7 with the packed package, against the
// KIE simulator. Each file is imported as saved, with only README.md's substitution (its credential,
// and the stand-ins for this machine's addresses and folder). Every file gets its own credential and
// simulator, so all run at once and each simulator's request log is that file's alone. For each:
// the run succeeds, only 0.1.0's (legacy) endpoints are called, never the Market API, one create
// call per item, and the items carry 0.1.0's output fields (and the video when Download Result was on).
// Run: npm run build && npx jest --selectProjects e2e --runInBand --testPathPatterns saved-workflows
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	createSimTask,
	type Execution,
	executionsOf,
	host,
	kieCredential,
	type KieN8n,
	lastRunOutput,
	logger,
	post,
	type Simulator,
	simulatorLib,
	startCollector,
	startN8nWithKie,
	waitFor,
	type WorkflowFile,
} from './helpers';
import {
	callOf,
	callsNot010,
	CREATES_0_1_0,
	kieNodesOf,
	SAVED_TRIGGER_TYPE,
	savedOutputCheck,
	savedWorkflowFiles,
	substitutedWorkflow,
} from '../fixtures/saved-workflows';

jest.setTimeout(10 * 60_000);

const log = logger('saved-0.1.0');
const VIDEO_SIZE = 200_000;
const CLIP = crypto.randomBytes(150_000);

/** What a scenario's run has to work with. */
interface RunContext {
	sim: Simulator;
	env: KieN8n;
	clipUrl: string;
	outDir: string;
	workflows: WorkflowFile[];
	/** Tasks the test itself created on this simulator (not the node's creates). */
	testTaskIds: string[];
}

/** One or more saved files run together on one credential and simulator. */
interface Scenario {
	files: string[];
	/** Starts the run and returns every execution it made (each must succeed). */
	run(ctx: RunContext): Promise<Execution[]>;
}

/** The one execution of a workflow, once it has ended (the test runs each workflow once). */
async function onlyExecution(ctx: RunContext, workflowId: string, timeoutMs = 120_000) {
	return await waitFor(
		`workflow ${workflowId} to end`,
		async () => {
			const all = await executionsOf(ctx.env.userFolder, workflowId);
			return all.length === 1 && !['waiting', 'running', 'new'].includes(all[0].status)
				? all[0]
				: undefined;
		},
		timeoutMs,
		500,
	);
}

/** Starts a run through a Webhook node's path; the webhook's answer must be 200. */
async function callWebhook<T>(ctx: RunContext, webhookPath: string, body: unknown) {
	const res = await host.callWebhook(ctx.env.n8n, webhookPath, body);
	expect({ webhookPath, status: res.status }).toEqual({ webhookPath, status: 200 });
	return res.body as T;
}

/** A finished Runway task made by the test itself (for Get), on this file's simulator. */
async function finishedTestTask(ctx: RunContext, callBackUrl?: string): Promise<string> {
	const taskId = await createSimTask(ctx.sim, '/api/v1/runway/generate', {
		prompt: 'a task made by the test',
		duration: 5,
		quality: '720p',
		aspectRatio: '16:9',
		...(callBackUrl ? { callBackUrl } : {}),
	});
	ctx.testTaskIds.push(taskId);
	await waitFor('the test task to finish', () => ctx.sim.getTask(taskId)?.state === 'success');
	return taskId;
}

/** A KIE Trigger file: a task whose callback KIE sends to the trigger's production URL. */
async function runTrigger(ctx: RunContext, reference: string) {
	const [workflow] = ctx.workflows;
	const trigger = workflow.nodes.find((n) => n.type === SAVED_TRIGGER_TYPE)!;
	const url = ctx.env.n8n.webhookUrl(`${trigger.webhookId}/kie`);
	// Registered? A body without "code" starts nothing and is answered 400.
	await waitFor('the trigger webhook', async () => (await post(url, { hello: 1 })).status === 400);
	await finishedTestTask(ctx, `${url}?model=runway&reference=${reference}`);
	const execution = await onlyExecution(ctx, workflow.id, 60_000);
	expect(lastRunOutput(execution, trigger.name)[0].json).toMatchObject({
		reference,
		confirmed: true,
	});
	return [execution];
}

const SCENARIOS: Scenario[] = [
	{
		files: ['e2e-node-credits.json'],
		async run(ctx) {
			const body = await callWebhook<{ credits: number }>(ctx, 'kie-credits', {});
			expect(body).toEqual({ credits: ctx.sim.credits });
			return [await onlyExecution(ctx, ctx.workflows[0].id)];
		},
	},
	{
		files: ['e2e-node-runway-batch-to-disk.json'],
		async run(ctx) {
			const prompts = ['a red fox in snow', 'a lighthouse at dusk', 'rain on a tin roof'];
			const answer = await callWebhook<Array<{ taskId: string }>>(ctx, 'kie-runway-batch', {
				prompts,
			});
			const execution = await onlyExecution(ctx, ctx.workflows[0].id);
			const taskIds = lastRunOutput(execution, 'KIE Runway').map((item) => item.json.taskId);
			expect(answer.map((item) => item.taskId)).toEqual(taskIds);
			taskIds.forEach((taskId, i) => {
				expect(ctx.sim.getTask(taskId)!.params.prompt).toBe(prompts[i]);
				const written = fs.readFileSync(path.join(ctx.outDir, `${taskId}.mp4`));
				expect(written.equals(simulatorLib.expectedVideoBytes(taskId, VIDEO_SIZE))).toBe(true);
			});
			return [execution];
		},
	},
	{
		files: ['e2e-node-aleph-from-binary.json'],
		async run(ctx) {
			await callWebhook(ctx, 'kie-aleph-binary', {});
			const execution = await onlyExecution(ctx, ctx.workflows[0].id);
			const uploads = ctx.sim.requests.filter((r) => r.listener === 'upload');
			expect(uploads.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/file-stream-upload']);
			const [create] = ctx.sim.requests.filter((r) => r.path === '/api/v1/aleph/generate');
			expect(create.body.videoUrl.startsWith(ctx.sim.uploadBaseUrl)).toBe(true);
			return [execution];
		},
	},
	{
		files: ['e2e-callback-mode.json'],
		async run(ctx) {
			const items = [0, 1].map((i) => ({
				prompt: `cb clip ${i}`,
				ref: `cb-ref-${i}`,
				timeoutMinutes: 2,
			}));
			await callWebhook(ctx, 'kie-cb', { items });
			const execution = await onlyExecution(ctx, ctx.workflows[0].id);
			// KIE was given the execution's resume URL: the run ended by KIE's callbacks.
			for (const task of ctx.sim.tasks()) expect(task.callBackUrl).toContain('/webhook-waiting/');
			expect(lastRunOutput(execution, 'KIE').map((item) => item.json.reference)).toEqual([
				'cb-ref-0',
				'cb-ref-1',
			]);
			return [execution];
		},
	},
	{
		files: ['e2e-queue-callback-then-wait.json'],
		async run(ctx) {
			const workflowId = ctx.workflows[0].id;
			const items = [0, 1].map((i) => ({
				prompt: `wait clip ${i}`,
				ref: `wait-ref-${i}`,
				timeoutMinutes: 2,
			}));
			await callWebhook(ctx, 'kie-queue-wait', { items });
			await waitFor('the run to wait at Approve', async () => {
				const [e] = await executionsOf(ctx.env.userFolder, workflowId);
				return e?.status === 'waiting' && e.data.resultData.lastNodeExecuted === 'Approve';
			});
			// The approval, at the execution's resume URL (KIE's callback URL less its own query value).
			const approveUrl = new URL(ctx.sim.tasks()[0].callBackUrl!);
			approveUrl.searchParams.delete('model');
			expect((await post(approveUrl.toString(), { approved: true })).status).toBe(200);
			return [await onlyExecution(ctx, workflowId)];
		},
	},
	{ files: ['e2e-trigger.json'], run: (ctx) => runTrigger(ctx, 'saved-trigger') },
	{ files: ['e2e-security-trigger-download.json'], run: (ctx) => runTrigger(ctx, 'saved-dl') },
	{
		files: ['e2e-faults-poll.json'],
		async run(ctx) {
			await callWebhook(ctx, 'kie-faults-poll', {
				items: [{ prompt: 'calm sea' }, { prompt: 'harbour' }],
			});
			return [await onlyExecution(ctx, ctx.workflows[0].id)];
		},
	},
	{
		files: ['e2e-faults-poll-download.json'],
		async run(ctx) {
			await callWebhook(ctx, 'kie-faults-download', { items: [{ prompt: 'a download' }] });
			return [await onlyExecution(ctx, ctx.workflows[0].id)];
		},
	},
	{
		files: ['e2e-faults-get-download.json'],
		async run(ctx) {
			const taskId = await finishedTestTask(ctx);
			await callWebhook(ctx, 'kie-faults-get', { items: [{ taskId }] });
			const execution = await onlyExecution(ctx, ctx.workflows[0].id);
			expect(lastRunOutput(execution, 'KIE')[0].json.taskId).toBe(taskId);
			return [execution];
		},
	},
	{
		files: ['e2e-restart-get.json'],
		async run(ctx) {
			const taskId = await finishedTestTask(ctx);
			const answer = await callWebhook<Array<{ taskId: string; status: string }>>(
				ctx,
				'kie-restart-get',
				{ tasks: [{ taskId }] },
			);
			expect(answer).toMatchObject([{ taskId, status: 'succeeded' }]);
			return [await onlyExecution(ctx, ctx.workflows[0].id)];
		},
	},
	{
		files: ['e2e-security-poll-download.json'],
		async run(ctx) {
			await callWebhook(ctx, 'sec-poll', { items: [{ prompt: 'security ok', timeoutMinutes: 2 }] });
			return [await onlyExecution(ctx, ctx.workflows[0].id)];
		},
	},
	{
		files: ['e2e-security-upload.json'],
		async run(ctx) {
			await callWebhook(ctx, 'sec-upload', { items: [{ fileUrl: ctx.clipUrl }] });
			const execution = await onlyExecution(ctx, ctx.workflows[0].id);
			const uploads = ctx.sim.requests.filter((r) => r.listener === 'upload');
			expect(uploads.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /api/file-url-upload']);
			return [execution];
		},
	},
	{
		files: ['example-batch-prompts.json'],
		async run(ctx) {
			const answer = await callWebhook<{ videos: Array<{ status: string }> }>(
				ctx,
				'kie-batch-prompts',
				{},
			);
			expect(answer.videos.map((v) => v.status)).toEqual(Array(5).fill('succeeded'));
			return [await onlyExecution(ctx, ctx.workflows[0].id)];
		},
	},
	{
		// A Schedule Trigger: run as the editor's "Execute workflow" does, from that trigger.
		files: ['example-scheduled-runway-to-disk.json'],
		async run(ctx) {
			const [workflow] = ctx.workflows;
			await host.restCall(ctx.env.n8n, 'POST', `/workflows/${workflow.id}/run`, {
				triggerToStartFrom: { name: 'Every Day at 9' },
			});
			const execution = await onlyExecution(ctx, workflow.id);
			const [item] = lastRunOutput(execution, 'KIE Runway Generate');
			const written = fs.readFileSync(path.join(ctx.outDir, `${item.json.taskId}.mp4`));
			expect(written.equals(simulatorLib.expectedVideoBytes(item.json.taskId, VIDEO_SIZE))).toBe(
				true,
			);
			return [execution];
		},
	},
	{
		files: ['example-webhook-aleph-restyle-callback.json'],
		async run(ctx) {
			const answer = await callWebhook<Record<string, unknown>>(ctx, 'kie-aleph-restyle', {
				videoUrl: ctx.clipUrl,
				prompt: 'make it snow',
				reference: 'order-42',
			});
			expect(answer).toMatchObject({ status: 'succeeded', reference: 'order-42', error: null });
			const [create] = ctx.sim.requests.filter((r) => r.path === '/api/v1/aleph/generate');
			expect(create.body.callBackUrl).toContain('/webhook-waiting/');
			return [await onlyExecution(ctx, ctx.workflows[0].id)];
		},
	},
	{
		// Submit only, with the KIE Trigger workflow's production URL as Callback URL.
		files: ['example-luma-submit-to-trigger.json', 'example-luma-trigger-store-result.json'],
		async run(ctx) {
			const [submit, trigger] = ctx.workflows;
			const answer = await callWebhook<{ taskId: string }>(ctx, 'kie-luma-submit', {
				videoUrl: ctx.clipUrl,
				prompt: 'snowy evening',
				reference: 'row-17',
			});
			const submitted = await onlyExecution(ctx, submit.id);
			const triggered = await onlyExecution(ctx, trigger.id, 60_000);
			expect(lastRunOutput(triggered, 'KIE Trigger')[0].json).toMatchObject({
				taskId: answer.taskId,
				reference: 'row-17',
				confirmed: true,
			});
			return [submitted, triggered];
		},
	},
];

describe('workflows saved with 0.1.0 run unchanged on real n8n', () => {
	let env: KieN8n;
	let clipServer: http.Server;
	let clipUrl: string;
	let outDir: string;
	let collector: Awaited<ReturnType<typeof startCollector>>;
	const sims: Simulator[] = [];
	const contexts = new Map<Scenario, RunContext>();
	const outcomes = new Map<Scenario, Promise<Execution[] | { error: unknown }>>();
	const timings: Record<string, number> = {};

	beforeAll(async () => {
		clipServer = http.createServer((req, res) => {
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(CLIP.length) });
			res.end(CLIP);
		});
		await new Promise<void>((r) => clipServer.listen(0, '127.0.0.1', r));
		clipUrl = `http://127.0.0.1:${(clipServer.address() as AddressInfo).port}`;
		collector = await startCollector();
		// Outside n8n's user folder (n8n blocks file access to it).
		outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kie-saved-out-'));
		const port = await host.freePort();

		const credentials = [];
		const workflows: WorkflowFile[] = [];
		for (const [index, scenario] of SCENARIOS.entries()) {
			const sim = await simulatorLib.createSimulator({
				taskDurationMs: 1500,
				recordNullMs: 200,
				videoSizeBytes: VIDEO_SIZE,
				callbackRetryDelayMs: 1000,
			});
			sims.push(sim);
			const credential = kieCredential(`savedCred${String(index).padStart(2, '0')}`, sim);
			credentials.push(credential);
			const substitution = {
				credential: { id: credential.id, name: credential.name },
				n8nUrl: `http://127.0.0.1:${port}`,
				outDir,
				collectorUrl: collector.url,
				clipUrl,
			};
			const own = scenario.files.map((file) => substitutedWorkflow(file, substitution));
			workflows.push(...own);
			contexts.set(scenario, {
				sim,
				env: undefined!,
				clipUrl,
				outDir,
				workflows: own,
				testTaskIds: [],
			});
		}
		// Published as saved: "active": true at import, as `npm start` does; files without "active"
		// (the e2e tests published theirs) over REST once n8n runs, as the editor's Publish button
		// does (quicker than n8n's CLI per workflow); "active": false stays unpublished.
		env = await startN8nWithKie({
			tag: 'saved-0.1.0',
			credentials,
			workflows: [],
			shippedWorkflows: workflows,
			port,
			env: { N8N_RESTRICT_FILE_ACCESS_TO: outDir },
		});
		for (const workflow of workflows.filter((w) => w.active === undefined)) {
			const { versionId } = await host.restCall(env.n8n, 'GET', `/workflows/${workflow.id}`);
			await host.restCall(env.n8n, 'POST', `/workflows/${workflow.id}/activate`, { versionId });
		}
		// All at once: each file's simulator log is its own.
		for (const scenario of SCENARIOS) {
			const ctx = contexts.get(scenario)!;
			ctx.env = env;
			const t0 = Date.now();
			outcomes.set(
				scenario,
				scenario.run(ctx).then(
					(executions) => {
						timings[scenario.files[0]] = Date.now() - t0;
						return executions;
					},
					(error: unknown) => ({ error }),
				),
			);
		}
	});

	afterAll(async () => {
		log(`timings (ms): ${JSON.stringify(timings)}`);
		await Promise.allSettled(outcomes.values());
		await env?.stop();
		for (const sim of sims) await sim.close();
		await collector?.close();
		await new Promise((r) => clipServer?.close(r));
		if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
	});

	test('every saved file has a scenario', () => {
		expect(SCENARIOS.flatMap((s) => s.files).sort()).toEqual(savedWorkflowFiles());
	});

	test.each(SCENARIOS.map((s) => [s.files.join(' + '), s] as const))(
		'%s: runs to success, legacy endpoints only, one create per item, 0.1.0 output fields',
		async (_name, scenario) => {
			const outcome = await outcomes.get(scenario)!;
			if ('error' in outcome) throw outcome.error;
			const ctx = contexts.get(scenario)!;
			const { sim } = ctx;
			expect(outcome.map((e) => e.status)).toEqual(outcome.map(() => 'success'));

			expect(callsNot010(sim.requests)).toEqual([]);
			const problems: string[] = [];
			const created: string[] = [];
			for (const execution of outcome) {
				const workflow = ctx.workflows.find((w) => w.id === execution.workflowId)!;
				for (const node of kieNodesOf(workflow)) {
					const check = savedOutputCheck(node, lastRunOutput(execution, node.name));
					problems.push(...check.problems.map((problem) => `${workflow.id}: ${problem}`));
					created.push(...check.created);
				}
			}
			expect(problems).toEqual([]);
			const creates =
				sim.requests.map(callOf).filter((c) => CREATES_0_1_0.includes(c)).length -
				ctx.testTaskIds.length;
			const nodeTasks = sim.tasks().filter((t) => !ctx.testTaskIds.includes(t.taskId));
			// One create call per item, and every task the node created is in its output.
			expect(creates).toBe(created.length);
			expect(nodeTasks.map((t) => t.taskId).sort()).toEqual([...created].sort());
		},
	);
});
