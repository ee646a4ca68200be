// Figure 6 on real n8n: the KIE Trigger (1,000 callbacks, 30 % duplicates, 50 concurrent), and n8n's
// own Webhook node taking the same POSTs as the reference; then KIE's answer time when the status API
// takes 10 s per call and every result is 1 GiB with Download Result on (the simulator's own
// callback sender, which waits 15 s and retries as KIE does).
import { mapBounded } from '../nodes/Kie/helpers/batch';
import {
	type Execution,
	executionsOf,
	host,
	type KieN8n,
	post,
	RUNWAY_CREATE_PATH,
	RUNWAY_STATUS_PATH,
	type Simulator,
	sleep,
	triggerWorkflow,
	waitFor,
} from '../test/e2e/helpers';
import { createRunwayTask } from './peer-poller';
import { percentile, progress, type ScenarioReport } from './report';
import { API_KEY, RUNWAY_STATUS } from './sim';
import { EXECUTIONS_WAIT_MS, FINISHED, ms, N8N_TITLES, settingsNote } from './n8n-common';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runwayModel = require('../simulator/models/runway');

const TRIGGER_CALLBACKS = 1000;
const DUPLICATE_SHARE = 0.3;
const TRIGGER_CONCURRENCY = 50;
export const TRIGGER_WORKFLOW = 'benchTriggerWf01';
export const TRIGGER_HOOK = 'be07e100-0000-4000-8000-0000000b0001';
export const REFERENCE_WORKFLOW = 'benchWebhookRef1';
export const REFERENCE_PATH = 'bench-reference';
/**
 * n8n skips preparing its expression sandbox for a webhook call only when the workflow starts with
 * its own Webhook node (version 2+, every parameter static); for any other node it prepares one per
 * call. This reference is that Webhook node with one expression parameter, so it pays the same.
 */
export const SANDBOX_REFERENCE_WORKFLOW = 'benchWebhookRef2';
export const SANDBOX_REFERENCE_PATH = 'bench-reference-sandbox';
const NO_CONFIRM_WORKFLOW = 'benchTriggerNc01';
const NO_CONFIRM_HOOK = 'be07e100-0000-4000-8000-0000000b0003';
const DOWNLOAD_WORKFLOW = 'benchTriggerDl01';
const DOWNLOAD_HOOK = 'be07e100-0000-4000-8000-0000000b0002';
/** KIE's answer time: tasks, copies of each callback, the status API's delay, the result's size. */
const SLOW_TASKS = 12;
const SLOW_COPIES = 3;
const SLOW_STATUS_MS = 10_000;
const LARGE_VIDEO_BYTES = 1024 ** 3;
/** KIE's wait for an answer to a callback (docs/kie-api.md §6). */
const KIE_ANSWER_LIMIT_MS = 15_000;
/** The trigger's time for the 1,000 callbacks may be at most this multiple of the Webhook node's. */
const WEBHOOK_RATIO_LIMIT = 1.25;

/** The trigger's workflows: default options (the 1,000 callbacks), and Download Result on. */
export function triggerWorkflows(credentialId: string, collectorUrl: string) {
	return [
		triggerWorkflow({
			id: TRIGGER_WORKFLOW,
			name: 'bench KIE trigger',
			webhookId: TRIGGER_HOOK,
			credentialId,
			collectorUrl,
			idPrefix: 'be07e100',
		}),
		triggerWorkflow({
			id: DOWNLOAD_WORKFLOW,
			name: 'bench KIE trigger, Download Result',
			webhookId: DOWNLOAD_HOOK,
			credentialId,
			collectorUrl,
			idPrefix: 'be07e101',
			triggerOptions: { downloadResult: true },
		}),
		triggerWorkflow({
			id: NO_CONFIRM_WORKFLOW,
			name: 'bench KIE trigger, Confirm with KIE API off',
			webhookId: NO_CONFIRM_HOOK,
			credentialId,
			collectorUrl,
			idPrefix: 'be07e102',
			triggerOptions: { confirmWithApi: false },
		}),
	];
}

/** A small seeded PRNG (mulberry32), so every run sends the same duplicates in the same order. */
function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
	};
}

interface Blast {
	startedAt: number;
	totalMs: number;
	answers: Array<{ status: number; latencyMs: number; duplicate: boolean; text: string }>;
}

/** POSTs every body to `url`, `concurrency` in flight at a time; one answer per body, in order. */
async function blast(url: string, bodies: string[], concurrency: number): Promise<Blast> {
	const answers: Blast['answers'] = [];
	const startedAt = Date.now();
	const started = performance.now();
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < bodies.length) {
				const index = next++;
				const sentAt = performance.now();
				let status = 0;
				let text = '';
				try {
					const response = await fetch(url, {
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: bodies[index],
					});
					text = await response.text();
					status = response.status;
				} catch (error) {
					text = (error as Error).message;
				}
				answers[index] = {
					status,
					latencyMs: performance.now() - sentAt,
					duplicate: /"duplicate":\s*true/.test(text),
					text,
				};
			}
		}),
	);
	return { startedAt, totalMs: performance.now() - started, answers };
}

const is2xx = (status: number) => status >= 200 && status < 300;

function summarise(result: Blast) {
	const latencies = result.answers.map((answer) => answer.latencyMs);
	const byStatus = new Map<string, number>();
	for (const { status } of result.answers)
		byStatus.set(
			String(status || 'network error'),
			(byStatus.get(String(status || 'network error')) ?? 0) + 1,
		);
	const other = result.answers.find((answer) => !is2xx(answer.status));
	return {
		answered2xx: result.answers.filter((answer) => is2xx(answer.status)).length,
		latency: `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))} / ${ms(Math.max(...latencies))}`,
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99),
		byStatus: `${[...byStatus].map(([status, n]) => `${status}: ${n}`).join(', ')}${other ? `; first other answer: ${other.text.slice(0, 160)}` : ''}`,
	};
}

/**
 * Waits until a workflow has `expected` finished executions, or nothing has changed for 10 s with
 * nothing running (some were never started), at most EXECUTIONS_WAIT_MS; then reads them all.
 */
async function settledExecutions(
	env: KieN8n,
	workflowId: string,
	expected: number,
): Promise<{ settled: boolean; executions: Execution[] }> {
	let seen = -1;
	let stableSince = Date.now();
	const settled = await waitFor(
		`the executions of ${workflowId} to finish`,
		async () => {
			const rows = (await host.sqliteQuery(
				env.userFolder,
				'SELECT status, COUNT(*) AS n FROM execution_entity WHERE workflowId = ? GROUP BY status',
				[workflowId],
			)) as Array<{ status: string; n: number }>;
			const total = rows.reduce((sum, row) => sum + row.n, 0);
			if (total !== seen) [seen, stableSince] = [total, Date.now()];
			return (
				rows.every((row) => FINISHED(row.status)) &&
				(total >= expected || Date.now() - stableSince > 10_000)
			);
		},
		EXECUTIONS_WAIT_MS,
		3000, // each look starts a process: not more often, the machine is busy enough
	).then(
		() => true,
		() => false,
	);
	if (settled) await new Promise((resolve) => setTimeout(resolve, 3000)); // anything late shows up now
	return { settled, executions: await executionsOf(env.userFolder, workflowId) };
}

function countByStatus(executions: Execution[]): string {
	const byStatus = new Map<string, number>();
	for (const execution of executions)
		byStatus.set(execution.status, (byStatus.get(execution.status) ?? 0) + 1);
	return [...byStatus].map(([status, n]) => `${status} ${n}`).join(', ') || 'none';
}

const lastStopped = (executions: Execution[]) =>
	Math.max(0, ...executions.map((execution) => new Date(execution.stoppedAt ?? 0).getTime()));

/**
 * KIE's side with a slow status API and 1 GiB results: tasks end one a second, each callback is sent
 * SLOW_COPIES times by the simulator's sender (15 s timeout, retried after a late or non-2xx answer).
 */
async function answerUnderSlowStatus(env: KieN8n, sim: Simulator) {
	sim.configure({ videoSizeBytes: LARGE_VIDEO_BYTES, taskDurationMs: 500 });
	sim.injectFault({
		method: 'GET',
		path: RUNWAY_STATUS_PATH,
		kind: 'slow',
		delayMs: SLOW_STATUS_MS,
		times: 100_000,
	});
	sim.setCallbackBehaviour({ mode: 'duplicate', times: SLOW_COPIES });
	const callbacks0 = sim.callbacks.length;
	const url = `${env.n8n.webhookUrl(`${DOWNLOAD_HOOK}/kie`)}?model=runway`;
	const taskIds: string[] = [];
	for (let i = 0; i < SLOW_TASKS; i++) {
		const response = await fetch(`${sim.baseUrl}${RUNWAY_CREATE_PATH}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
			body: JSON.stringify({
				prompt: `bench slow status ${i}`,
				duration: 5,
				quality: '720p',
				aspectRatio: '16:9',
				callBackUrl: url,
			}),
		});
		const body = (await response.json()) as { code?: number; data?: { taskId?: string } };
		if (body.code !== 200 || !body.data?.taskId) throw new Error(`create ${i} failed`);
		taskIds.push(body.data.taskId);
		await sleep(1000);
	}
	await waitFor(
		'every copy of every callback to be answered',
		() => sim.callbacks.length - callbacks0 >= SLOW_TASKS * SLOW_COPIES,
		10 * 60_000,
		1000,
	);
	const run = await settledExecutions(env, DOWNLOAD_WORKFLOW, SLOW_TASKS);
	const records = sim.callbacks.slice(callbacks0);
	const answerMs = records.map((record) => record.at - record.sentAt);
	const stored = run.executions.filter(
		(execution) =>
			execution.data?.resultData?.runData?.['KIE Trigger']?.[0]?.data?.main?.[0]?.[0]?.binary?.data,
	).length;
	sim.configure({ videoSizeBytes: 1048576, taskDurationMs: 0 });
	sim.setCallbackBehaviour({ mode: 'normal' });
	return {
		p50: percentile(answerMs, 50),
		p99: percentile(answerMs, 99),
		max: Math.max(...answerMs),
		callbacks: records.length,
		not2xx: records.filter((record) => !is2xx(Number(record.status))).length,
		retried: records.filter((record) => record.attempt > 1).length,
		executions: run.executions.length,
		byStatus: countByStatus(run.executions),
		stored,
	};
}

/**
 * Figure 6. `throughputOnly`: the 1,000 callbacks and the Webhook node's reference only (figure 6l,
 * on an n8n with other settings), under its own title.
 */
export async function trigger(
	env: KieN8n,
	sim: Simulator,
	options: { title?: string; throughputOnly?: boolean } = {},
): Promise<ScenarioReport> {
	const unique = Math.round(TRIGGER_CALLBACKS * (1 - DUPLICATE_SHARE));
	progress(
		`trigger: creating ${unique} finished Runway tasks in the trigger's simulator (setup, not measured)…`,
	);
	const created = await mapBounded(
		Array.from({ length: unique }, (_, i) => i),
		10,
		async (i) => {
			const outcome = await createRunwayTask(sim.baseUrl, API_KEY, `bench trigger task ${i}`);
			if (!outcome.ok) throw new Error(`setup create ${i} failed: ${outcome.message}`);
			return outcome.taskId;
		},
	);
	await waitFor(
		'the tasks to finish',
		() => created.every((id) => sim.getTask(id)!.state === 'success'),
		30_000,
	);

	// Each task's callback exactly as the simulator sends it; then 30 % duplicates, shuffled.
	const bodyOf = new Map(
		created.map((id) => [
			id,
			JSON.stringify(runwayModel.callbackBody(sim.taskStore.get(id), sim.modelContext())),
		]),
	);
	const random = seededRandom(20_240_501);
	const sends = [
		...created,
		...Array.from(
			{ length: TRIGGER_CALLBACKS - unique },
			() => created[Math.floor(random() * unique)],
		),
	];
	for (let i = sends.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[sends[i], sends[j]] = [sends[j], sends[i]];
	}
	const bodies = sends.map((id) => bodyOf.get(id)!);
	const url = `${env.n8n.webhookUrl(`${TRIGGER_HOOK}/kie`)}?model=runway`;
	await waitFor(
		'the trigger webhook to be registered',
		async () => (await post(url, { hello: 1 })).status === 400,
		30_000,
	);

	progress(
		`trigger: sending ${TRIGGER_CALLBACKS} callbacks (${unique} tasks, ${TRIGGER_CALLBACKS - unique} duplicates), ${TRIGGER_CONCURRENCY} at a time…`,
	);
	const status0 = sim.count(RUNWAY_STATUS);
	const sent = await blast(url, bodies, TRIGGER_CONCURRENCY);
	const answers = summarise(sent);
	progress(
		`trigger: ${answers.answered2xx} of ${TRIGGER_CALLBACKS} answered 2xx in ${(sent.totalMs / 1000).toFixed(2)} s (${answers.byStatus}); waiting for the executions…`,
	);
	const { settled, executions } = await settledExecutions(env, TRIGGER_WORKFLOW, unique);
	const confirmations = sim.count(RUNWAY_STATUS) - status0;
	const taskIdOf = (execution: Execution): string =>
		String(
			execution.data?.resultData?.runData?.['KIE Trigger']?.[0]?.data?.main?.[0]?.[0]?.json
				?.taskId ?? '',
		);
	const perTask = new Map<string, number>();
	for (const execution of executions)
		perTask.set(taskIdOf(execution), (perTask.get(taskIdOf(execution)) ?? 0) + 1);
	const exactlyOnce = created.filter((id) => perTask.get(id) === 1).length;
	const never = created.filter((id) => !perTask.has(id)).length;
	const more = created.filter((id) => (perTask.get(id) ?? 0) > 1).length;
	const unreadable = executions.filter((execution) => !bodyOf.has(taskIdOf(execution))).length;
	progress(
		`trigger: ${executions.length} executions (${countByStatus(executions)}) for ${unique} tasks; ${exactlyOnce} tasks with exactly one`,
	);

	// Reference: n8n's own Webhook node under the same POSTs (no dedupe: one execution per POST).
	progress(`trigger: reference, the same ${TRIGGER_CALLBACKS} POSTs to n8n's own Webhook node…`);
	const reference = await blast(env.n8n.webhookUrl(REFERENCE_PATH), bodies, TRIGGER_CONCURRENCY);
	const referenceAnswers = summarise(reference);
	const referenceRun = await settledExecutions(env, REFERENCE_WORKFLOW, TRIGGER_CALLBACKS);
	progress(
		`trigger: reference ${referenceAnswers.answered2xx} answered 2xx in ${(reference.totalMs / 1000).toFixed(2)} s; executions ${countByStatus(referenceRun.executions)}`,
	);

	const unfinished = (run: { settled: boolean; executions: Execution[] }) =>
		run.settled
			? ''
			: `; still unfinished after ${EXECUTIONS_WAIT_MS / 1000} s: ${run.executions.filter((execution) => !FINISHED(execution.status)).length}`;
	const throughput = {
		figures: [
			{
				name: `Callbacks answered 2xx (of ${TRIGGER_CALLBACKS})`,
				value: answers.answered2xx,
				unit: '',
				limit: TRIGGER_CALLBACKS,
				kind: 'exact',
				digits: 0,
			},
			{
				name: `Total time, ${TRIGGER_CALLBACKS} callbacks, ÷ n8n's Webhook node's (same run)`,
				value: sent.totalMs / reference.totalMs,
				unit: '×',
				limit: WEBHOOK_RATIO_LIMIT,
				kind: 'max',
				digits: 2,
			},
			{
				name: 'Executions per unique task',
				value: executions.length / unique,
				unit: '',
				limit: 1,
				kind: 'exact',
				digits: 3,
			},
			{
				name: 'Unique tasks without exactly 1 execution',
				value: unique - exactlyOnce,
				unit: '',
				limit: 0,
				kind: 'max',
				digits: 0,
			},
		] satisfies ScenarioReport['figures'],
		details: [
			{
				name: `Total time, ${TRIGGER_CALLBACKS} callbacks`,
				value: `${(sent.totalMs / 1000).toFixed(2)} s`,
			},
			{ name: 'Per-request latency p50 / p99 / max', value: answers.latency },
			{ name: 'Answers by HTTP status', value: answers.byStatus },
			{
				name: 'Answers marked duplicate',
				value: `${sent.answers.filter((answer) => answer.duplicate).length} (sent ${TRIGGER_CALLBACKS - unique})`,
			},
			{
				name: 'Executions (n8n sqlite) by status',
				value: `${countByStatus(executions)}${unfinished({ settled, executions })}`,
			},
			{
				name: 'Unique tasks with 0 / >1 executions; executions without a known task id in their data',
				value: `${never} / ${more}; ${unreadable}`,
			},
			{
				name: 'First callback sent → last execution finished',
				value: `${((lastStopped(executions) - sent.startedAt) / 1000).toFixed(1)} s`,
			},
			{
				name: 'Confirming status calls from n8n (Confirm with KIE API on)',
				value: String(confirmations),
			},
			{
				name: "Reference, n8n's Webhook node: answered 2xx, total time, latency p50 / p99 / max",
				value: `${referenceAnswers.answered2xx} of ${TRIGGER_CALLBACKS}, ${(reference.totalMs / 1000).toFixed(2)} s, ${referenceAnswers.latency}`,
			},
			{
				name: "Reference, n8n's Webhook node: executions; first POST → last execution finished",
				value: `${countByStatus(referenceRun.executions)}${unfinished(referenceRun)}; ${((lastStopped(referenceRun.executions) - reference.startedAt) / 1000).toFixed(1)} s`,
			},
		],
		notes: [
			`Real n8n, workflow = test/e2e/helpers/workflows.ts triggerWorkflow (KIE Trigger with default options: confirm with the API on, drop duplicates on; then an HTTP Request to a collector). ${unique} Runway tasks are first created and finished in the trigger's own simulator over its API (setup: that simulator's create limit is raised so this takes seconds; not measured), so every confirmation finds a real task. ${settingsNote()}`,
			`${TRIGGER_CALLBACKS} POSTs to the trigger's production URL with the body the simulator itself sends for each task (simulator/models/runway.js callbackBody): each task once plus ${TRIGGER_CALLBACKS - unique} duplicates of random tasks (seeded), shuffled, ${TRIGGER_CONCURRENCY} in flight at a time (fetch).`,
			"Total time = first POST sent to last answer received. Latency = per POST, sent to answer read; p50/p99 by nearest rank. Executions are counted in n8n's sqlite database (execution_entity for the workflow) and each execution's trigger item is read from its data (execution_data), so every task id is checked to appear exactly once.",
			`Reference: afterwards, the same ${TRIGGER_CALLBACKS} bodies, ${TRIGGER_CONCURRENCY} at a time, to n8n's own Webhook node (response "Immediately") -> the same collector on the same n8n: what n8n itself does under this load (it starts one execution per POST, ${TRIGGER_CALLBACKS} in all). The ratio is the trigger's total time over the Webhook node's, both in this run.`,
		],
	};
	if (options.throughputOnly) return { title: options.title ?? N8N_TITLES.trigger, ...throughput };

	// Where the difference goes: n8n's own Webhook node when it too gets the expression sandbox, and
	// the trigger without its confirming status call (not a goal: the default confirms).
	progress(
		`trigger: reference, the same POSTs to n8n's Webhook node with one expression parameter…`,
	);
	const sandboxReference = await blast(
		env.n8n.webhookUrl(SANDBOX_REFERENCE_PATH),
		bodies,
		TRIGGER_CONCURRENCY,
	);
	const sandboxRun = await settledExecutions(env, SANDBOX_REFERENCE_WORKFLOW, TRIGGER_CALLBACKS);
	progress(
		`trigger: the same POSTs to a trigger with Confirm with KIE API off (${(sandboxReference.totalMs / 1000).toFixed(2)} s before)…`,
	);
	const noConfirm = await blast(
		`${env.n8n.webhookUrl(`${NO_CONFIRM_HOOK}/kie`)}?model=runway`,
		bodies,
		TRIGGER_CONCURRENCY,
	);
	const noConfirmRun = await settledExecutions(env, NO_CONFIRM_WORKFLOW, unique);
	progress(`trigger: Confirm with KIE API off: ${(noConfirm.totalMs / 1000).toFixed(2)} s`);

	progress(
		`trigger: KIE's answer time, status API ${SLOW_STATUS_MS / 1000} s per call, ${SLOW_TASKS} tasks of 1 GiB with Download Result, each callback sent ${SLOW_COPIES} times…`,
	);
	const slow = await answerUnderSlowStatus(env, sim);
	progress(
		`trigger: answer p50 / p99 / max ${ms(slow.p50)} / ${ms(slow.p99)} / ${ms(slow.max)}; ${slow.retried} retried; executions ${slow.byStatus}`,
	);

	return {
		title: options.title ?? N8N_TITLES.trigger,
		figures: [
			...throughput.figures,
			{
				name: `KIE's answer p99, status API ${SLOW_STATUS_MS / 1000} s, 1 GiB results downloaded`,
				value: slow.p99 === null ? null : slow.p99 / 1000,
				unit: 's',
				limit: KIE_ANSWER_LIMIT_MS / 1000,
				kind: 'max',
				digits: 2,
			},
			{
				name: 'Callbacks KIE sent again (slow status API, 1 GiB results)',
				value: slow.retried,
				unit: '',
				limit: 0,
				kind: 'max',
				digits: 0,
			},
		],
		details: [
			...throughput.details,
			{
				name: "Reference 2, n8n's Webhook node with one expression parameter (n8n then prepares its expression sandbox for every call, as for any node but its own static Webhook node): total time, executions; the trigger's time ÷ it",
				value: `${(sandboxReference.totalMs / 1000).toFixed(2)} s, ${countByStatus(sandboxRun.executions)}${unfinished(sandboxRun)}; ${(sent.totalMs / sandboxReference.totalMs).toFixed(2)}×`,
			},
			{
				name: "The trigger with Confirm with KIE API off (no status call): total time, executions; ÷ the Webhook node's",
				value: `${(noConfirm.totalMs / 1000).toFixed(2)} s, ${countByStatus(noConfirmRun.executions)}${unfinished(noConfirmRun)}; ${(noConfirm.totalMs / reference.totalMs).toFixed(2)}×`,
			},
			{
				name: "KIE's answer p50 / p99 / max (slow status API, 1 GiB results)",
				value: `${ms(slow.p50)} / ${ms(slow.p99)} / ${ms(slow.max)} over ${slow.callbacks} callbacks; not 2xx: ${slow.not2xx}`,
			},
			{
				name: 'Executions (slow status API, 1 GiB results): by status; with the video stored',
				value: `${slow.byStatus} for ${SLOW_TASKS} tasks; ${slow.stored}`,
			},
		],
		notes: [
			...throughput.notes,
			`Where the difference goes (not goals), then: the same ${TRIGGER_CALLBACKS} bodies to n8n's Webhook node with one expression parameter (option Ignore Bots = {{ false }}): n8n prepares its expression sandbox for a webhook call unless the workflow starts with its own Webhook node (version 2 or later, every parameter static; n8n 2.40.7 live-webhooks.js webhookPhaseNeedsIsolate), so this reference pays per call what every other node, the KIE Trigger too, pays; and to a third trigger workflow with Confirm with KIE API off (no status call).`,
			`KIE's answer time: then the simulator's status API is slowed to ${SLOW_STATUS_MS / 1000} s per call (fault 'slow') and every result is 1 GiB; ${SLOW_TASKS} tasks, created one a second with the URL of a second trigger workflow (Download Result on) as callBackUrl, and the simulator's own sender delivers each callback ${SLOW_COPIES} times, waiting 15 s for each answer and retrying after a late or non-2xx one, as KIE does. Answer time = each attempt's send to its answer, as the sender recorded it.`,
		],
	};
}
