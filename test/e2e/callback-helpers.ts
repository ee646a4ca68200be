// Shared pieces of the callback e2e tests (kie-callbacks, kie-trigger): a real n8n in its own temp
// user folder with this package installed (built beforehand: `npm run build`), a KIE simulator, and a
// tiny collector server that the workflows' last node posts its items to.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const host = require('../../scripts/lib/n8n-host.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const simulatorLib = require('../../simulator/index.js');

export const PACKAGE = 'n8n-nodes-kie-video';
export const KIE_TYPE = `${PACKAGE}.kie`;
export const TRIGGER_TYPE = `${PACKAGE}.kieTrigger`;
export const CREDENTIAL_TYPE = 'kieApi';
export { kieCredential } from './kie-e2e-helpers';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function logger(tag: string) {
	return (line: string) => process.stderr.write(`[${tag}] ${line}\n`);
}

export interface Collected {
	query: Record<string, string>;
	body: any;
	at: number;
}

/** An HTTP server that records every POST body (JSON) with its query, answering 200. */
export async function startCollector() {
	const received: Collected[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://x');
			let body: any = Buffer.concat(chunks).toString('utf8');
			try {
				body = JSON.parse(body);
			} catch {
				/* keep text */
			}
			received.push({ query: Object.fromEntries(url.searchParams), body, at: Date.now() });
			res.setHeader('content-type', 'application/json');
			res.end('{"ok":true}');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		received,
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}

/** POST a body (object: JSON, string: as is) to a URL; never throws on HTTP errors. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
	// Header names are case-insensitive: a recorded 'Content-Type' replaces the default one.
	const merged: Record<string, string> = { 'content-type': 'application/json' };
	for (const [name, value] of Object.entries(headers)) {
		if (name.toLowerCase() !== 'content-length') merged[name.toLowerCase()] = value;
	}
	const res = await fetch(url, {
		method: 'POST',
		headers: merged,
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await res.text();
	let parsed: any = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		/* text */
	}
	return { status: res.status, body: parsed, text };
}

/** The last node of the test workflows: posts each item's json to the collector, tagged with the execution id. */
export function collectorNode(
	collectorUrl: string,
	name = 'Collect',
	position: [number, number] = [880, 0],
) {
	return {
		id: `c0ffee00-0000-4000-8000-${name
			.padEnd(12, '0')
			.slice(0, 12)
			.replace(/[^0-9a-f]/gi, '0')}`,
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position,
		parameters: {
			method: 'POST',
			url: `=${collectorUrl}/collect?exec={{ $execution.id }}&item={{ $itemIndex }}`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify($json) }}',
			options: {},
		},
	};
}

export interface N8nEnv {
	n8n: any;
	userFolder: string;
	stop(): Promise<void>;
}

/**
 * Installs the built package into a fresh temp user folder, imports credentials and (published)
 * workflows, and starts n8n on free ports (with `env` added, e.g. N8N_LOG_LEVEL).
 */
export async function startN8nWith(
	tag: string,
	credentials: Array<{ id: string; name: string; type: string; data: Record<string, unknown> }>,
	workflows: any[],
	env: Record<string, string> = {},
): Promise<N8nEnv> {
	const log = logger(tag);
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-${tag}-`));
	await host.ensureN8nInstalled({ log });
	// KIE_E2E_PACKAGE_ROOT: try another build of the package (e.g. a patched copy) against the same tests.
	const packageRoot = process.env.KIE_E2E_PACKAGE_ROOT || host.REPO_ROOT;
	if (packageRoot !== host.REPO_ROOT) log(`package under test from ${packageRoot}`);
	host.installPackageInto(userFolder, packageRoot, { build: false, log });
	await host.importCredentials(userFolder, credentials, { log });
	await host.importWorkflows(userFolder, workflows, { publish: true, log });
	const n8n = await host.startN8n({ userFolder, log, env });
	return {
		n8n,
		userFolder,
		async stop() {
			await n8n.stop();
			if (process.env.KEEP_N8N_E2E) log(`kept user folder ${userFolder}`);
			else fs.rmSync(userFolder, { recursive: true, force: true });
		},
	};
}

/** Executions of a workflow straight from sqlite (cheap; n8n may be running), newest first. */
export async function executionsOf(userFolder: string, workflowId: string): Promise<any[]> {
	return await host.getExecutions(userFolder, workflowId);
}

/** Polls until `check` returns a truthy value, or throws after timeoutMs. */
export async function waitFor<T>(
	what: string,
	check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
	timeoutMs = 60_000,
	everyMs = 250,
	detail?: () => unknown,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value as T;
		if (Date.now() > deadline)
			throw new Error(
				`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `; ${JSON.stringify(detail())}` : ''}`,
			);
		await sleep(everyMs);
	}
}

/**
 * The workflow both callback-mode e2e files run: Webhook (body.items) -> Split Out -> KIE runway
 * generate in callback mode (prompt, reference and time limit from each item) -> the collector.
 * Node ids are `<idPrefix>-0000-4000-8000-00000000000N` (KIE is N = 3). `kieParameters` replace
 * the KIE node's (e.g. another completion mode).
 */
export function callbackModeWorkflow(options: {
	id: string;
	name: string;
	webhookPath: string;
	credentialId: string;
	collectorUrl: string;
	idPrefix: string;
	kieParameters?: Record<string, unknown>;
}) {
	const uuid = (n: number) => `${options.idPrefix}-0000-4000-8000-00000000000${n}`;
	return {
		id: options.id,
		name: options.name,
		nodes: [
			{
				id: uuid(1),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: uuid(9),
				parameters: {
					httpMethod: 'POST',
					path: options.webhookPath,
					responseMode: 'onReceived',
					options: {},
				},
			},
			{
				id: uuid(2),
				name: 'Split Out',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.items', include: 'noOtherFields', options: {} },
			},
			{
				id: uuid(3),
				name: 'KIE',
				type: KIE_TYPE,
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					resource: 'runway',
					operation: 'generate',
					prompt: '={{ $json.prompt }}',
					reference: '={{ $json.ref }}',
					completion: 'callback',
					completionOptions: { timeoutMinutes: '={{ $json.timeoutMinutes }}' },
					...options.kieParameters,
				},
				credentials: {
					[CREDENTIAL_TYPE]: { id: options.credentialId, name: options.credentialId },
				},
			},
			collectorNode(options.collectorUrl, 'Collect', [660, 0]),
		],
		connections: {
			Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: 'KIE', type: 'main', index: 0 }]] },
			KIE: { main: [[{ node: 'Collect', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * A KIE Trigger workflow (default options unless `triggerOptions` are given) whose items go to the
 * collector. Node ids are `<idPrefix>-0000-4000-8000-00000000000N`; the production URL is
 * `/webhook/<webhookId>/kie`.
 */
export function triggerWorkflow(options: {
	id: string;
	name: string;
	webhookId: string;
	credentialId: string;
	collectorUrl: string;
	idPrefix: string;
	triggerOptions?: Record<string, unknown>;
}) {
	return {
		id: options.id,
		name: options.name,
		nodes: [
			{
				id: `${options.idPrefix}-0000-4000-8000-000000000001`,
				name: 'KIE Trigger',
				type: TRIGGER_TYPE,
				typeVersion: 1,
				position: [0, 0],
				webhookId: options.webhookId,
				parameters: { options: options.triggerOptions ?? {} },
				credentials: {
					[CREDENTIAL_TYPE]: { id: options.credentialId, name: options.credentialId },
				},
			},
			collectorNode(options.collectorUrl, 'Collect', [240, 0]),
		],
		connections: { 'KIE Trigger': { main: [[{ node: 'Collect', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** A workflow's executions, newest first, with their data: from a user folder's sqlite, or a running n8n's REST API. */
export type ExecutionsOf = (workflowId: string) => Promise<any[]>;

/** What the callback-mode flows need: the n8n that takes the webhook, the simulator, where executions are read. */
export interface CallbackRunContext {
	n8n: any;
	sim: any;
	executions: ExecutionsOf;
}

/**
 * Starts a run of `count` items through a callbackModeWorkflow's webhook (prompts `<tag> clip <i>`,
 * references `<tag>-ref-<i>`) and returns the waiting execution and its tasks in item order.
 */
export async function startCallbackRun(
	ctx: CallbackRunContext,
	run: {
		workflowId: string;
		webhookPath: string;
		tag: string;
		timeoutMinutes: number;
		count?: number;
	},
) {
	const count = run.count ?? 3;
	const before = await ctx.executions(run.workflowId);
	const lastId = Math.max(0, ...before.map((e) => Number(e.id)));
	const items = Array.from({ length: count }, (_, i) => ({
		prompt: `${run.tag} clip ${i}`,
		ref: `${run.tag}-ref-${i}`,
		timeoutMinutes: run.timeoutMinutes,
	}));
	const t0 = Date.now();
	const res = await host.callWebhook(ctx.n8n, run.webhookPath, { items });
	expect(res.status).toBe(200);
	const tasks = await waitFor(
		`${count} ${run.tag} tasks in the simulator`,
		() => {
			const mine = ctx.sim
				.tasks()
				.filter((t: any) => String(t.params?.prompt ?? '').startsWith(`${run.tag} clip `));
			return mine.length === count ? mine : undefined;
		},
		30_000,
	);
	tasks.sort((a: any, b: any) => a.params.prompt.localeCompare(b.params.prompt));
	const waiting = await waitFor(
		`the ${run.tag} execution to wait`,
		async () => {
			const execs = await ctx.executions(run.workflowId);
			return execs.find((e) => Number(e.id) > lastId && e.status === 'waiting');
		},
		30_000,
	);
	return { tasks, waiting, t0 };
}

/** Waits until an execution is no longer waiting or running, and returns it. */
export async function executionEnd(
	executions: ExecutionsOf,
	workflowId: string,
	executionId: string,
	timeoutMs: number,
) {
	return await waitFor(
		`execution ${executionId} to end`,
		async () => {
			const e = (await executions(workflowId)).find((x) => x.id === executionId);
			return e && !['waiting', 'running', 'new'].includes(e.status) ? e : undefined;
		},
		timeoutMs,
		500,
	);
}

/**
 * The KIE node's output after the resume, checked against the simulator's tasks (item order kept),
 * and the node after KIE ran once per item for this execution only: exactly one resume.
 */
export function expectCallbackResults(
	execution: any,
	tasks: any[],
	tag: string,
	sim: any,
	collector: { received: Collected[] },
) {
	const runs = execution.data.resultData.runData.KIE;
	const out = runs[runs.length - 1].data.main[0];
	expect(out).toHaveLength(tasks.length);
	out.forEach((item: any, i: number) => {
		expect(item.pairedItem).toEqual({ item: i });
		expect(item.json).toMatchObject({
			taskId: tasks[i].taskId,
			model: 'runway',
			status: 'succeeded',
			videoUrl: `${sim.baseUrl}/files/${tasks[i].taskId}.mp4`,
			error: null,
			reference: `${tag}-ref-${i}`,
		});
	});
	const collected = collector.received.filter((c) => c.query.exec === execution.id);
	expect(collected.map((c) => c.body.taskId)).toEqual(tasks.map((t) => t.taskId));
	return out;
}

/** The simulator's callback deliveries of a task: all of them, the first accepted one, and a short form for messages. */
export function callbackDeliveries(sim: any) {
	const of = (taskId: string) => sim.callbacks.filter((c: any) => c.taskId === taskId);
	return {
		of,
		ok: (taskId: string) => of(taskId).find((c: any) => c.status >= 200 && c.status < 300),
		brief: () =>
			sim.callbacks.map((c: any) => ({
				taskId: c.taskId,
				status: c.status,
				attempt: c.attempt,
				copy: c.copy,
				url: c.url.replace(/signature=\w+/, 'signature=…'),
			})),
	};
}

/** Creates a task on the simulator's API, as a KIE node in "submit" mode would; returns its id. */
export async function createSimTask(
	sim: any,
	apiPath: string,
	body: Record<string, unknown>,
): Promise<string> {
	const res = await post(`${sim.baseUrl}${apiPath}`, body, { authorization: 'Bearer sim-key' });
	expect(res.body).toMatchObject({ code: 200 });
	return res.body.data.taskId;
}

export interface ModelCallbackCase {
	taskId: string;
	model: string;
	ok: boolean;
	ref: string;
	/** the code of KIE's callback body */
	code: number;
}

/**
 * One succeeding and one failing task per model (Runway, Runway extend, Aleph, Luma), each with
 * `callbackUrl(model, reference)` as its callBackUrl. The simulator's tasks must end by themselves.
 */
export async function createTasksForEveryModel(
	sim: any,
	callbackUrl: (model: string, ref: string) => string,
): Promise<ModelCallbackCase[]> {
	const runwayBody = (prompt: string, model: string, ref: string) => ({
		prompt,
		duration: 5,
		quality: '720p',
		aspectRatio: '16:9',
		callBackUrl: callbackUrl(model, ref),
	});
	const cases: ModelCallbackCase[] = [];
	const runwayOk = await createSimTask(
		sim,
		'/api/v1/runway/generate',
		runwayBody('a lighthouse', 'runway', 'r-ok'),
	);
	cases.push({ taskId: runwayOk, model: 'runway', ok: true, ref: 'r-ok', code: 200 });
	const runwayFail = await createSimTask(
		sim,
		'/api/v1/runway/generate',
		runwayBody('a lighthouse [fail]', 'runway', 'r-fail'),
	);
	cases.push({ taskId: runwayFail, model: 'runway', ok: false, ref: 'r-fail', code: 400 });
	const source = 'https://example.com/source.mp4';
	const alephOk = await createSimTask(sim, '/api/v1/aleph/generate', {
		prompt: 'make it snow',
		videoUrl: source,
		callBackUrl: callbackUrl('aleph', 'a-ok'),
	});
	cases.push({ taskId: alephOk, model: 'aleph', ok: true, ref: 'a-ok', code: 200 });
	const alephFail = await createSimTask(sim, '/api/v1/aleph/generate', {
		prompt: 'make it snow [fail]',
		videoUrl: source,
		callBackUrl: callbackUrl('aleph', 'a-fail'),
	});
	cases.push({ taskId: alephFail, model: 'aleph', ok: false, ref: 'a-fail', code: 400 });
	const lumaOk = await createSimTask(sim, '/api/v1/modify/generate', {
		prompt: 'watercolour',
		videoUrl: source,
		callBackUrl: callbackUrl('luma', 'l-ok'),
	});
	cases.push({ taskId: lumaOk, model: 'luma', ok: true, ref: 'l-ok', code: 200 });
	const lumaFail = await createSimTask(sim, '/api/v1/modify/generate', {
		prompt: 'watercolour [fail]',
		videoUrl: source,
		callBackUrl: callbackUrl('luma', 'l-fail'),
	});
	cases.push({ taskId: lumaFail, model: 'luma', ok: false, ref: 'l-fail', code: 500 });
	// Extend needs a finished Runway video.
	await waitFor(
		'the Runway parent to finish',
		() => sim.getTask(runwayOk).state === 'success',
		15_000,
	);
	const extend = (prompt: string, ref: string) => ({
		taskId: runwayOk,
		prompt,
		quality: '720p',
		callBackUrl: callbackUrl('runway-extend', ref),
	});
	const extendOk = await createSimTask(
		sim,
		'/api/v1/runway/extend',
		extend('and it goes on', 'e-ok'),
	);
	cases.push({ taskId: extendOk, model: 'runway-extend', ok: true, ref: 'e-ok', code: 200 });
	const extendFail = await createSimTask(
		sim,
		'/api/v1/runway/extend',
		extend('and it goes on [fail]', 'e-fail'),
	);
	cases.push({ taskId: extendFail, model: 'runway-extend', ok: false, ref: 'e-fail', code: 400 });
	return cases;
}

/** The KIE Trigger's item for one of createTasksForEveryModel's cases: normalised, confirmed with the API. */
export function expectTriggerItem(json: any, expected: ModelCallbackCase, sim: any) {
	const delivery = sim.callbacks.find((c: any) => c.taskId === expected.taskId);
	expect(delivery.status).toBe(200);
	expect(json).toMatchObject({
		taskId: expected.taskId,
		model: expected.model,
		status: expected.ok ? 'succeeded' : 'failed',
		reference: expected.ref,
		callback: { code: expected.code, msg: delivery.body.msg },
		confirmed: true,
	});
	if (expected.ok) {
		expect(json.videoUrl).toBe(`${sim.baseUrl}/files/${expected.taskId}.mp4`);
		expect(json.error).toBeNull();
	} else {
		expect(json.videoUrl).toBeNull();
		expect(json.error).toEqual({ code: expect.anything(), message: expect.any(String) });
		expect(json.error.message.length).toBeGreaterThan(0);
	}
}

/** A Runway success callback body as KIE sends it, for a task that finished in the simulator. */
export function runwaySuccessCallback(sim: any, taskId: string) {
	return {
		code: 200,
		msg: 'All generated successfully.',
		data: {
			task_id: taskId,
			video_id: 'v',
			video_url: `${sim.baseUrl}/files/${taskId}.mp4`,
			image_url: '',
		},
	};
}

/**
 * `copies` identical Runway success callbacks for one finished task, posted to a KIE Trigger's URL
 * all at once; checks that every copy got 200 and all but one were answered as duplicates.
 */
export async function postConcurrentDuplicates(sim: any, triggerUrl: string, copies: number) {
	const taskId = await createSimTask(sim, '/api/v1/runway/generate', {
		prompt: 'duplicated',
		duration: 5,
		quality: '720p',
		aspectRatio: '16:9',
	});
	await waitFor('the task to finish', () => sim.getTask(taskId).state === 'success', 15_000);
	const body = runwaySuccessCallback(sim, taskId);
	const t0 = Date.now();
	const answers = await Promise.all(
		Array.from({ length: copies }, () => post(`${triggerUrl}?model=runway&reference=dup`, body)),
	);
	const ms = Date.now() - t0;
	expect(answers.map((a) => a.status)).toEqual(Array(copies).fill(200));
	expect(answers.filter((a) => a.body?.duplicate === true)).toHaveLength(copies - 1);
	return { taskId, ms };
}
