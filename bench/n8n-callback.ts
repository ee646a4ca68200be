// Figure 4 on real n8n: callback mode (Webhook -> Split Out -> KIE "callback" -> collector, 20 runs of
// 3 tasks).
import {
	chainWorkflow,
	collectorNode,
	host,
	type KieN8n,
	post,
	type Simulator,
	startCollector,
	waitFor,
	waitForWebhookNode,
	webhookNode,
	type WorkflowNode,
} from '../test/e2e/helpers';
import { percentile, progress, type ScenarioReport } from './report';
import { RUNWAY_CREATE, RUNWAY_STATUS } from './sim';
import { FINISHED, ms, N8N_TITLES, settingsNote } from './n8n-common';

/** A callback KIE would count as delivered: n8n answered 2xx (a failed attempt records an error text). */
const delivered = (attempt: { status: number | string }) =>
	typeof attempt.status === 'number' && attempt.status >= 200 && attempt.status < 300;

const CALLBACK_RUNS = 20;
const ITEMS_PER_RUN = 3;
export const CALLBACK_TASK_MS = 3000;
export const CALLBACK_WORKFLOW = 'benchCbModeWf001';
export const CALLBACK_PATH = 'bench-cb';
const WAIT_REFERENCE_WORKFLOW = 'benchWaitRef0001';
const WAIT_REFERENCE_PATH = 'bench-wait-reference';

/**
 * The reference for the resume latency: n8n's own Wait node (resume on a webhook call), which tells
 * the collector its resume URL before it pauses: Webhook -> Announce -> Wait -> Collect.
 */
export function waitReferenceWorkflow(collectorUrl: string) {
	const announce: WorkflowNode = {
		...collectorNode(collectorUrl, 'Announce'),
		parameters: {
			method: 'POST',
			url: `=${collectorUrl}/collect?exec={{ $execution.id }}&announce=1`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify({ resumeUrl: $execution.resumeUrl }) }}',
			options: {},
		},
	};
	const wait = waitForWebhookNode(
		'Wait',
		'be0c0b0f-0000-4000-8000-000000000003',
		'be0c0b0f-0000-4000-8000-000000000009',
	);
	return chainWorkflow(WAIT_REFERENCE_WORKFLOW, "bench reference: n8n's Wait node", [
		webhookNode(WAIT_REFERENCE_PATH, { responseMode: 'onReceived' }),
		announce,
		wait,
		collectorNode(collectorUrl),
	]);
}

/**
 * The first execution of a workflow after `afterId` whose status `wanted` accepts, with its stoppedAt
 * as an ISO string (read from n8n's sqlite without the run data: cheap enough to poll).
 */
async function executionAfter(
	env: KieN8n,
	workflowId: string,
	afterId: number,
	what: string,
	wanted: (status: string) => boolean = FINISHED,
) {
	return await waitFor(
		what,
		async () => {
			const rows = await host.sqliteQuery(
				env.userFolder,
				'SELECT id, status, stoppedAt FROM execution_entity WHERE workflowId = ? AND id > ?',
				[workflowId, afterId],
			);
			const row = rows.find((candidate) => wanted(String(candidate.status)));
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
}

/**
 * n8n's own resume, as the reference: for each run, the time from the POST to a waiting Wait node's
 * resume URL to the execution's stoppedAt (the same measure as callback mode's).
 */
async function waitNodeResumes(
	env: KieN8n,
	collector: Awaited<ReturnType<typeof startCollector>>,
): Promise<number[]> {
	const latencies: number[] = [];
	let lastExecutionId = 0;
	for (let run = 1; run <= CALLBACK_RUNS; run++) {
		const started = await host.callWebhook(env.n8n, WAIT_REFERENCE_PATH, { run });
		if (started.status !== 200) throw new Error(`Wait reference ${run}: ${started.status}`);
		const announced = await waitFor(
			`Wait reference ${run}: its resume URL`,
			() =>
				collector.received.find(
					(c) => c.query.announce === '1' && Number(c.query.exec) > lastExecutionId,
				),
			30_000,
			50,
		);
		await executionAfter(
			env,
			WAIT_REFERENCE_WORKFLOW,
			lastExecutionId,
			`Wait reference ${run}: waiting`,
			(status) => status === 'waiting',
		);
		const sentAt = Date.now();
		const resumed = await post(String(announced.body.resumeUrl), {});
		if (resumed.status !== 200) throw new Error(`Wait reference ${run}: resume ${resumed.status}`);
		const execution = await executionAfter(
			env,
			WAIT_REFERENCE_WORKFLOW,
			lastExecutionId,
			`Wait reference ${run} to finish`,
		);
		lastExecutionId = Number(execution.id);
		latencies.push(new Date(execution.stoppedAt).getTime() - sentAt);
	}
	return latencies;
}

export async function callbackMode(
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
		const execution = await executionAfter(
			env,
			CALLBACK_WORKFLOW,
			lastExecutionId,
			`run ${run} to finish`,
		);
		lastExecutionId = Number(execution.id);
		const taskIds: string[] = sim
			.tasks()
			.filter((task) => String(task.params?.prompt).startsWith(prefix))
			.map((task) => task.taskId);
		const deliveries = await waitFor(
			`run ${run}: every callback recorded`,
			() => {
				const mine = sim.callbacks.filter((c) => taskIds.includes(c.taskId));
				return taskIds.every((id) => mine.some((c) => c.taskId === id && delivered(c)))
					? mine
					: undefined;
			},
			30_000,
			50,
		);
		const lastSentAt = Math.max(...deliveries.map((c) => c.sentAt as number));
		const collected = collector.received.filter((c) => c.query.exec === execution.id);
		const statusCalls = sim.requests.filter(
			(r) => `${r.method} ${r.path}` === RUNWAY_STATUS && taskIds.includes(r.query.taskId),
		).length;
		const creates = sim.count(RUNWAY_CREATE) - creates0;
		runs.push({
			callsPerTask: (creates + statusCalls) / ITEMS_PER_RUN,
			toStoppedMs: new Date(execution.stoppedAt).getTime() - lastSentAt,
			toCollectedMs: collected.length ? Math.max(...collected.map((c) => c.at)) - lastSentAt : NaN,
			failedDeliveries: deliveries.filter((c) => !delivered(c)).length,
			status: `${execution.status}${taskIds.length === ITEMS_PER_RUN && collected.length === ITEMS_PER_RUN ? '' : ` (${taskIds.length} tasks, ${collected.length} items collected)`}`,
		});
		const last = runs[runs.length - 1];
		progress(
			`callback: run ${run}/${CALLBACK_RUNS} ${last.status}, ${last.callsPerTask.toFixed(2)} calls per task, last callback -> finished ${ms(last.toStoppedMs)}`,
		);
	}
	const toStopped = runs.map((run) => run.toStoppedMs);
	progress(`callback: reference, ${CALLBACK_RUNS} resumes of n8n's own Wait node…`);
	const waitResumes = await waitNodeResumes(env, collector);
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
				name: "Reference, n8n's Wait node: POST to its resume URL → execution finished, p50 / p95; callback mode's p50 ÷ it",
				value: `${ms(percentile(waitResumes, 50))} / ${ms(percentile(waitResumes, 95))}; ${(percentile(toStopped, 50)! / percentile(waitResumes, 50)!).toFixed(2)}×`,
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
			`Reference (not a goal): afterwards, ${CALLBACK_RUNS} runs of Webhook -> HTTP Request (tells the collector $execution.resumeUrl) -> n8n's Wait node (resume on a webhook call) -> the collector, on the same n8n; once the execution is stored as waiting, the bench POSTs to the resume URL. Latency = stoppedAt minus that POST's send time: what n8n itself takes to resume a paused execution and finish it.`,
		],
	};
}
