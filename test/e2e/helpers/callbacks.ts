// The callback flows the e2e tests run and check: callback-mode runs through a webhook, KIE's callbacks
// for every model, the KIE Trigger's items, duplicate deliveries.
import { RUNWAY_CREATE_PATH, SIM_API_KEY } from './constants';
import { type Collected, post, waitFor } from './http';
import {
	host,
	lastRunOutput,
	type Execution,
	type ItemJson,
	type N8nHandle,
	type Simulator,
} from './n8n';

/** One of the simulator's tasks, as sim.tasks() lists it. */
export type SimTask = ReturnType<Simulator['tasks']>[number];

/** Executions of a workflow straight from sqlite (cheap; n8n may be running), newest first. */
export async function executionsOf(userFolder: string, workflowId: string): Promise<Execution[]> {
	return await host.getExecutions(userFolder, workflowId);
}

/** A workflow's executions, newest first, with their data: from a user folder's sqlite, or a running n8n's REST API. */
export type ExecutionsOf = (workflowId: string) => Promise<Execution[]>;

/** What the callback-mode flows need: the n8n that takes the webhook, the simulator, where executions are read. */
export interface CallbackRunContext {
	n8n: N8nHandle;
	sim: Simulator;
	executions: ExecutionsOf;
}

/**
 * Starts a run of `count` items through a callbackModeWorkflow's webhook (prompts `<tag> clip <i>`,
 * references `<tag>-ref-<i>`) and returns the waiting execution and its tasks in item order.
 * `earlyCallbacks`: KIE's callbacks are already on their way when the execution is saved as waiting,
 * so it may wait for only an instant (every callback accepted as soon as it waits resumes it at
 * once), shorter than one look into sqlite: an execution that has already ended is returned too.
 */
export async function startCallbackRun(
	ctx: CallbackRunContext,
	run: {
		workflowId: string;
		webhookPath: string;
		tag: string;
		timeoutMinutes: number;
		count?: number;
		earlyCallbacks?: boolean;
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
				.filter((t) => String(t.params?.prompt ?? '').startsWith(`${run.tag} clip `));
			return mine.length === count ? mine : undefined;
		},
		30_000,
	);
	tasks.sort((a, b) => a.params.prompt.localeCompare(b.params.prompt));
	const waiting = await waitFor(
		`the ${run.tag} execution to wait`,
		async () => {
			const execs = await ctx.executions(run.workflowId);
			return execs.find(
				(e) =>
					Number(e.id) > lastId &&
					(e.status === 'waiting' || (run.earlyCallbacks === true && hasEnded(e))),
			);
		},
		30_000,
	);
	return { tasks, waiting, t0 };
}

const hasEnded = (e: Execution) => !['waiting', 'running', 'new'].includes(e.status);

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
			return e && hasEnded(e) ? e : undefined;
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
	execution: Execution,
	tasks: SimTask[],
	tag: string,
	sim: Simulator,
	collector: { received: Collected[] },
) {
	const out = lastRunOutput(execution, 'KIE');
	expect(out).toHaveLength(tasks.length);
	out.forEach((item, i) => {
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
export function callbackDeliveries(sim: Simulator) {
	const of = (taskId: string) => sim.callbacks.filter((c) => c.taskId === taskId);
	return {
		of,
		ok: (taskId: string) =>
			of(taskId).find((c) => typeof c.status === 'number' && c.status >= 200 && c.status < 300),
		brief: () =>
			sim.callbacks.map((c) => ({
				taskId: c.taskId,
				status: c.status,
				attempt: c.attempt,
				copy: c.copy,
				url: c.url.replace(/signature=\w+/, 'signature=…'),
			})),
	};
}

/** KIE's (and the simulator's) answer to an API call. */
export interface KieAnswer<Data> {
	code: number;
	msg: string;
	data: Data;
}

/** The KIE Trigger's answer to a callback it refused or took as a duplicate. */
export interface TriggerAnswer {
	error?: string;
	duplicate?: boolean;
}

/** Creates a task on the simulator's API, as a KIE node in "submit" mode would; returns its id. */
export async function createSimTask(
	sim: Simulator,
	apiPath: string,
	body: Record<string, unknown>,
): Promise<string> {
	const res = await post<KieAnswer<{ taskId: string }>>(`${sim.baseUrl}${apiPath}`, body, {
		authorization: `Bearer ${SIM_API_KEY}`,
	});
	expect(res.body).toMatchObject({ code: 200 });
	return res.body.data.taskId;
}

/** A Runway task created on the simulator with no callback URL, once it has finished. */
export async function finishedRunwayTask(sim: Simulator, prompt: string): Promise<string> {
	const taskId = await createSimTask(sim, RUNWAY_CREATE_PATH, {
		prompt,
		duration: 5,
		quality: '720p',
		aspectRatio: '16:9',
	});
	await waitFor('the task to finish', () => sim.getTask(taskId)!.state === 'success', 15_000);
	return taskId;
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
	sim: Simulator,
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
		RUNWAY_CREATE_PATH,
		runwayBody('a lighthouse', 'runway', 'r-ok'),
	);
	cases.push({ taskId: runwayOk, model: 'runway', ok: true, ref: 'r-ok', code: 200 });
	const runwayFail = await createSimTask(
		sim,
		RUNWAY_CREATE_PATH,
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
		() => sim.getTask(runwayOk)!.state === 'success',
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
export function expectTriggerItem(json: ItemJson, expected: ModelCallbackCase, sim: Simulator) {
	const delivery = sim.callbacks.find((c) => c.taskId === expected.taskId)!;
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
		expect(json.error?.message.length).toBeGreaterThan(0);
	}
}

/** A Runway success callback body as KIE sends it, for a task that finished in the simulator. */
export function runwaySuccessCallback(sim: Simulator, taskId: string) {
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
export async function postConcurrentDuplicates(sim: Simulator, triggerUrl: string, copies: number) {
	const taskId = await finishedRunwayTask(sim, 'duplicated');
	const body = runwaySuccessCallback(sim, taskId);
	const t0 = Date.now();
	const answers = await Promise.all(
		Array.from({ length: copies }, () =>
			post<TriggerAnswer>(`${triggerUrl}?model=runway&reference=dup`, body),
		),
	);
	const ms = Date.now() - t0;
	expect(answers.map((a) => a.status)).toEqual(Array(copies).fill(200));
	expect(answers.filter((a) => a.body?.duplicate === true)).toHaveLength(copies - 1);
	return { taskId, ms };
}
