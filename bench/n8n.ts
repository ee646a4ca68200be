// Figures 4 and 6 on one real n8n (scripts/lib/n8n-host, with the package installed from dist/):
// callback mode (Webhook -> Split Out -> KIE "callback" -> collector, 20 runs of 3 tasks) and the KIE
// Trigger (1,000 callbacks, 30 % duplicates, 50 concurrent). Each has its own simulator.
import { mapBounded } from '../nodes/Kie/api/completion';
import {
	callbackModeWorkflow,
	chainWorkflow,
	collectorNode,
	executionsOf,
	host,
	kieCredential,
	type Execution,
	type KieN8n,
	post,
	type Simulator,
	simulatorLib,
	startCollector,
	startN8nWithKie,
	triggerWorkflow,
	waitFor,
	webhookNode,
	type WorkflowNode,
} from '../test/e2e/helpers';
import { createRunwayTask } from './peer-poller';
import { percentile, progress, type ScenarioReport } from './report';
import { API_KEY, RUNWAY_CREATE, RUNWAY_STATUS } from './sim';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const runwayModel = require('../simulator/models/runway');

const CALLBACK_RUNS = 20;
const ITEMS_PER_RUN = 3;
const CALLBACK_TASK_MS = 3000;
const CALLBACK_WORKFLOW = 'benchCbModeWf001';
const CALLBACK_PATH = 'bench-cb';

const TRIGGER_CALLBACKS = 1000;
const DUPLICATE_SHARE = 0.3;
const TRIGGER_CONCURRENCY = 50;
const TRIGGER_WORKFLOW = 'benchTriggerWf01';
const TRIGGER_HOOK = 'be07e100-0000-4000-8000-0000000b0001';
const REFERENCE_WORKFLOW = 'benchWebhookRef1';
const REFERENCE_PATH = 'bench-reference';

/** n8n runs with its defaults; BENCH_N8N_ENV (a JSON object) adds settings, e.g. to try a larger sqlite pool. */
export function n8nSettings(): Record<string, string> {
	return process.env.BENCH_N8N_ENV
		? (JSON.parse(process.env.BENCH_N8N_ENV) as Record<string, string>)
		: {};
}

/** How long the executions may take to finish after the last answer before the bench reads what there is. */
const EXECUTIONS_WAIT_MS = 180_000;

function settingsNote(): string {
	const extra = n8nSettings();
	return `n8n settings: its defaults (regular mode, sqlite)${Object.keys(extra).length ? ` plus BENCH_N8N_ENV ${JSON.stringify(extra)}` : ''}.`;
}

const FINISHED = (status: string) => !['new', 'running', 'waiting'].includes(status);

const ms = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)} ms`);

// ---------------------------------------------------------------------------------------------
// 4. Callback mode

async function callbackMode(
	env: KieN8n,
	sim: Simulator,
	collector: Awaited<ReturnType<typeof startCollector>>,
): Promise<ScenarioReport> {
	progress(
		`callback: ${CALLBACK_RUNS} runs of ${ITEMS_PER_RUN} Runway tasks (${CALLBACK_TASK_MS / 1000} s each) through Webhook -> KIE (callback) -> collector on real n8n…`,
	);
	const runs: Array<{
		callsPerTask: number;
		toStoppedMs: number;
		toCollectedMs: number;
		failedDeliveries: number;
		status: string;
	}> = [];
	let lastExecutionId = 0;
	for (let run = 1; run <= CALLBACK_RUNS; run++) {
		const prefix = `bench callback run ${run} clip `;
		const creates0 = sim.count(RUNWAY_CREATE);
		const items = Array.from({ length: ITEMS_PER_RUN }, (_, i) => ({
			prompt: `${prefix}${i}`,
			ref: `run${run}-${i}`,
			timeoutMinutes: 5,
		}));
		const answer = await host.callWebhook(env.n8n, CALLBACK_PATH, { items });
		if (answer.status !== 200) throw new Error(`run ${run}: the webhook answered ${answer.status}`);
		const execution = await waitFor(
			`run ${run} to finish`,
			async () => {
				const rows = await host.sqliteQuery(
					env.userFolder,
					'SELECT id, status, stoppedAt FROM execution_entity WHERE workflowId = ? AND id > ?',
					[CALLBACK_WORKFLOW, lastExecutionId],
				);
				const row = rows.find((candidate: any) => FINISHED(candidate.status));
				// sqlite holds n8n's UTC times without a zone
				return (
					row && {
						id: String(row.id),
						status: String(row.status),
						stoppedAt: `${String(row.stoppedAt).replace(' ', 'T')}Z`,
					}
				);
			},
			120_000,
			250,
		);
		lastExecutionId = Number(execution.id);
		const taskIds: string[] = sim
			.tasks()
			.filter((task: any) => String(task.params?.prompt).startsWith(prefix))
			.map((task: any) => task.taskId);
		const deliveries = await waitFor(
			`run ${run}: every callback recorded`,
			() => {
				const mine = sim.callbacks.filter((c: any) => taskIds.includes(c.taskId));
				return taskIds.every((id) =>
					mine.some((c: any) => c.taskId === id && c.status >= 200 && c.status < 300),
				)
					? mine
					: undefined;
			},
			30_000,
			50,
		);
		const lastSentAt = Math.max(...deliveries.map((c: any) => c.sentAt as number));
		const collected = collector.received.filter((c) => c.query.exec === execution.id);
		const statusCalls = sim.requests.filter(
			(r: any) => `${r.method} ${r.path}` === RUNWAY_STATUS && taskIds.includes(r.query.taskId),
		).length;
		const creates = sim.count(RUNWAY_CREATE) - creates0;
		runs.push({
			callsPerTask: (creates + statusCalls) / ITEMS_PER_RUN,
			toStoppedMs: new Date(execution.stoppedAt).getTime() - lastSentAt,
			toCollectedMs: collected.length ? Math.max(...collected.map((c) => c.at)) - lastSentAt : NaN,
			failedDeliveries: deliveries.filter((c: any) => !(c.status >= 200 && c.status < 300)).length,
			status: `${execution.status}${taskIds.length === ITEMS_PER_RUN && collected.length === ITEMS_PER_RUN ? '' : ` (${taskIds.length} tasks, ${collected.length} items collected)`}`,
		});
		const last = runs[runs.length - 1];
		progress(
			`callback: run ${run}/${CALLBACK_RUNS} ${last.status}, ${last.callsPerTask.toFixed(2)} calls per task, last callback -> finished ${ms(last.toStoppedMs)}`,
		);
	}
	const toStopped = runs.map((run) => run.toStoppedMs);
	const toCollected = runs.map((run) => run.toCollectedMs).filter(Number.isFinite);
	const worstCalls = Math.max(...runs.map((run) => run.callsPerTask));
	const meanCalls = runs.reduce((sum, run) => sum + run.callsPerTask, 0) / runs.length;
	const notSuccess = runs.filter((run) => run.status !== 'success');
	return {
		title: N8N_TITLES.callback,
		figures: [
			{
				name: 'Create + status calls per task (worst run)',
				value: worstCalls,
				unit: '',
				limit: 2,
				kind: 'max',
				digits: 2,
			},
			{
				name: 'Last callback sent → execution finished, p50',
				value: percentile(toStopped, 50),
				unit: 'ms',
				limit: 1000,
				kind: 'max',
				digits: 0,
			},
			{
				name: 'Last callback sent → execution finished, p95',
				value: percentile(toStopped, 95),
				unit: 'ms',
				limit: 1000,
				kind: 'max',
				digits: 0,
			},
		],
		details: [
			{ name: 'Create + status calls per task (mean of runs)', value: meanCalls.toFixed(2) },
			{
				name: 'Last callback sent → collector got the resumed items, p50 / p95',
				value: `${ms(percentile(toCollected, 50))} / ${ms(percentile(toCollected, 95))}`,
			},
			{
				name: 'Last callback sent → execution finished, min / max',
				value: `${ms(Math.min(...toStopped))} / ${ms(Math.max(...toStopped))}`,
			},
			{
				name: 'Runs that ended in success',
				value: `${runs.length - notSuccess.length} of ${runs.length}${notSuccess.length ? ` (others: ${notSuccess.map((run) => run.status).join('; ')})` : ''}`,
			},
			{
				name: 'Callback attempts answered non-2xx (retried by the simulator)',
				value: String(runs.reduce((sum, run) => sum + run.failedDeliveries, 0)),
			},
		],
		notes: [
			`Real n8n with the packed package; workflow = test/e2e/helpers/workflows.ts callbackModeWorkflow (Webhook -> Split Out -> KIE Runway generate, completion "callback" -> HTTP Request to a collector). ${CALLBACK_RUNS} runs one after another, each ${ITEMS_PER_RUN} items; the simulator ends each task ${CALLBACK_TASK_MS / 1000} s after its create and sends its callback (unsigned, normal mode) to the execution's resume URL. ${settingsNote()}`,
			"Calls per task = (create requests during the run + record-detail requests for the run's task ids) / tasks, counted by the simulator; the figure is the worst run.",
			"Latency = the execution's stoppedAt (n8n's own record in its sqlite database, ms precision) minus the moment the simulator sent the last callback of the run (its callback record's sentAt, taken just before the POST). The collector variant ends when the HTTP Request node after KIE delivered the run's last item. p50/p95 by nearest rank over the runs.",
		],
	};
}

// ---------------------------------------------------------------------------------------------
// 6. Trigger

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

async function trigger(env: KieN8n, sim: Simulator): Promise<ScenarioReport> {
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
	return {
		title: N8N_TITLES.trigger,
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
				name: `Total time, ${TRIGGER_CALLBACKS} callbacks`,
				value: sent.totalMs / 1000,
				unit: 's',
				limit: 15,
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
		],
		details: [
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
			`Reference: afterwards, the same ${TRIGGER_CALLBACKS} bodies, ${TRIGGER_CONCURRENCY} at a time, to n8n's own Webhook node (response "Immediately") -> the same collector on the same n8n: what n8n itself does under this load (it starts one execution per POST, ${TRIGGER_CALLBACKS} in all).`,
		],
	};
}

export const N8N_TITLES = { callback: '4. Callback mode', trigger: '6. Trigger' } as const;
export type N8nScenario = keyof typeof N8N_TITLES;

/** Starts one real n8n for the chosen scenarios and measures them; a scenario that fails yields its error. */
export async function benchN8n(
	scenarios: readonly N8nScenario[],
): Promise<Array<{ name: N8nScenario; outcome: ScenarioReport | Error }>> {
	const callbackSim = await simulatorLib.createSimulator({
		taskDurationMs: CALLBACK_TASK_MS,
		callbackRetryDelayMs: 500,
	});
	const triggerSim = await simulatorLib.createSimulator({
		taskDurationMs: 0,
		rateLimit: { max: 1_000_000, windowMs: 10_000 },
	});
	const collector = await startCollector();
	let env: KieN8n | undefined;
	try {
		progress('n8n: installing the package into a fresh user folder and starting real n8n…');
		env = await startN8nWithKie({
			tag: 'bench-n8n',
			credentials: [
				kieCredential('benchCbCred00001', callbackSim),
				kieCredential('benchTrigCred001', triggerSim),
			],
			workflows: [
				callbackModeWorkflow({
					id: CALLBACK_WORKFLOW,
					name: 'bench callback mode',
					webhookPath: CALLBACK_PATH,
					credentialId: 'benchCbCred00001',
					collectorUrl: collector.url,
					idPrefix: 'be0c0b00',
				}),
				triggerWorkflow({
					id: TRIGGER_WORKFLOW,
					name: 'bench KIE trigger',
					webhookId: TRIGGER_HOOK,
					credentialId: 'benchTrigCred001',
					collectorUrl: collector.url,
					idPrefix: 'be07e100',
				}),
				chainWorkflow(REFERENCE_WORKFLOW, "bench reference: n8n's Webhook node", [
					webhookNode(REFERENCE_PATH, { responseMode: 'onReceived' }),
					collectorNode(collector.url) as WorkflowNode,
				]),
			],
			env: n8nSettings(),
		});
		const measure = {
			callback: () => callbackMode(env!, callbackSim, collector),
			trigger: () => trigger(env!, triggerSim),
		};
		const outcomes: Array<{ name: N8nScenario; outcome: ScenarioReport | Error }> = [];
		for (const name of scenarios)
			outcomes.push({ name, outcome: await measure[name]().catch((error: Error) => error) });
		return outcomes;
	} finally {
		await env?.stop();
		await callbackSim.close();
		await triggerSim.close();
		await collector.close();
	}
}
