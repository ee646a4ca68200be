// Figure 4k on real n8n: one callback-mode run of 1,000 items (Webhook -> Split Out -> KIE "callback"
// -> collector), with its own simulator and n8n. The node paces creates at KIE's 20 per 10 s, so
// creating the tasks takes ~500 s; the simulator's tasks take CALLBACK_1000_TASK_MS, so the first
// ones end (and call back) while later ones are still being created: n8n refuses those callbacks
// (409, the run is not stored as waiting yet), and the node's early check a minute after the pause
// reads those tasks. Status calls are counted per task and split by reason.
import {
	callbackModeWorkflow,
	host,
	kieCredential,
	simulatorLib,
	startCollector,
	startN8nWithKie,
	waitFor,
} from '../test/e2e/helpers';
import { EARLY_CHECK_MS } from '../nodes/Kie/helpers/callbackMode';
import { FINISHED, ms, n8nSettings, settingsNote } from './n8n-common';
import { progress, type ScenarioReport } from './report';
import { RUNWAY_CREATE, RUNWAY_STATUS } from './sim';

export const CALLBACK_1000_TITLE = '4k. Callback mode, 1,000 items in one run';
const ITEMS = 1000;
/** Longer than the early check's minute, so that some tasks are still running when it comes. */
const CALLBACK_1000_TASK_MS = 120_000;
const WORKFLOW = 'benchCb1000Wf001';
const HOOK = 'bench-cb-1000';

export async function benchCallback1000(): Promise<ScenarioReport> {
	const sim = await simulatorLib.createSimulator({
		taskDurationMs: CALLBACK_1000_TASK_MS,
		callbackRetryDelayMs: 1000,
		// 1,000 Runway tasks cost 12,000 credits, more than the simulator's default balance.
		credits: 1_000_000,
	});
	const collector = await startCollector();
	const env = await startN8nWithKie({
		tag: 'bench-cb-1000',
		credentials: [kieCredential('benchCb1000Cred1', sim)],
		workflows: [
			callbackModeWorkflow({
				id: WORKFLOW,
				name: 'bench callback mode, 1,000 items',
				webhookPath: HOOK,
				credentialId: 'benchCb1000Cred1',
				collectorUrl: collector.url,
				idPrefix: 'be0c1000',
			}),
		],
		env: n8nSettings(),
	});
	try {
		progress(
			`callback-1000: one run of ${ITEMS} Runway tasks (${CALLBACK_1000_TASK_MS / 1000} s each; creation paced at 20 per 10 s, ~${(ITEMS / 2 / 60).toFixed(0)} min)…`,
		);
		const items = Array.from({ length: ITEMS }, (_, i) => ({
			prompt: `bench 1000 clip ${String(i).padStart(4, '0')}`,
			ref: `k${i}`,
			timeoutMinutes: 30,
		}));
		const started = Date.now();
		const answer = await host.callWebhook(env.n8n, HOOK, { items });
		if (answer.status !== 200) throw new Error(`the webhook answered ${answer.status}`);
		const executions = () => host.getExecutions(env.userFolder, WORKFLOW);
		const waiting = await waitFor(
			'the run to wait',
			async () => (await executions()).find((e) => e.status === 'waiting'),
			ITEMS * 1000,
			500,
		);
		const pausedSeenAt = Date.now();
		progress(`callback-1000: paused after ${ms(pausedSeenAt - started)}; waiting for the resume…`);
		const done = await waitFor(
			'the run to finish',
			async () => {
				const execution = (await executions()).find((e) => e.id === waiting.id);
				return execution && FINISHED(execution.status) ? execution : undefined;
			},
			CALLBACK_1000_TASK_MS + EARLY_CHECK_MS + 10 * 60_000,
			500,
		);
		const stoppedAt = new Date(done.stoppedAt!).getTime();

		const tasks = sim.tasks().filter((t) => String(t.params?.prompt).startsWith('bench 1000 '));
		// n8n refuses a callback (409) before any node code runs; any other attempt reached webhook(),
		// even one answered after KIE's 15 s. A read after such an attempt was sent confirms that
		// callback; any other read before the resume is the early check's (the time limit, 30 min,
		// was never reached).
		const reachedNode = new Map<string, number>();
		const accepted = new Map<string, number>();
		for (const c of sim.callbacks) {
			if (c.status !== 409 && !reachedNode.has(c.taskId)) reachedNode.set(c.taskId, c.sentAt);
			if (c.status === 200 && !accepted.has(c.taskId)) accepted.set(c.taskId, c.at);
		}
		let onCallback = 0;
		let earlyCheck = 0;
		const perTask = new Map<string, number>();
		for (const r of sim.requests) {
			if (`${r.method} ${r.path}` !== RUNWAY_STATUS) continue;
			const taskId = String(r.query.taskId);
			perTask.set(taskId, (perTask.get(taskId) ?? 0) + 1);
			const reached = reachedNode.get(taskId);
			if (reached !== undefined && r.at >= reached) onCallback += 1;
			else earlyCheck += 1;
		}
		const reads = [...perTask.values()];
		const maxPerTask = Math.max(0, ...reads);
		const refused = tasks.filter((t) => !reachedNode.has(t.taskId)).length;
		const lateAnswers = sim.callbacks.filter((c) => typeof c.status !== 'number').length;
		const lastAccepted = Math.max(...accepted.values());
		const lastEnd = Math.max(...tasks.map((t) => Number(t.completedAt ?? 0)));
		const collected = collector.received.filter((c) => c.query.exec === done.id).length;
		const creates = sim.count(RUNWAY_CREATE);
		return {
			title: CALLBACK_1000_TITLE,
			figures: [
				{
					name: 'Status calls per task (mean; early check included)',
					value: (onCallback + earlyCheck) / ITEMS,
					unit: '',
					limit: 2,
					kind: 'max',
					digits: 2,
				},
				{
					name: 'Last accepted callback → execution finished',
					value: stoppedAt - lastAccepted,
					unit: 'ms',
					limit: 10_000,
					kind: 'max',
					digits: 0,
				},
				{
					name: 'Last task ended → execution finished',
					value: stoppedAt - lastEnd,
					unit: 'ms',
					limit: EARLY_CHECK_MS + 10_000,
					kind: 'max',
					digits: 0,
				},
			],
			details: [
				{ name: 'Execution status; items collected', value: `${done.status}; ${collected}` },
				{ name: 'Create calls; tasks', value: `${creates}; ${tasks.length}` },
				{
					name: 'Status calls by reason: callback confirmation / early check',
					value: `${onCallback} / ${earlyCheck}`,
				},
				{ name: 'Status calls of the busiest task', value: String(maxPerTask) },
				{
					name: 'Callback attempts n8n answered after 15 s or not at all (KIE would retry)',
					value: String(lateAnswers),
				},
				{
					name: 'Tasks whose every callback n8n refused (ended before the pause was stored)',
					value: String(refused),
				},
				{ name: 'Webhook call → run paused', value: ms(pausedSeenAt - started) },
				{ name: 'Run paused → execution finished', value: ms(stoppedAt - pausedSeenAt) },
			],
			notes: [
				`One run of ${ITEMS} items on real n8n (${settingsNote()}), the task list in a binary data file. Tasks take ${CALLBACK_1000_TASK_MS / 1000} s; KIE's create limit (20 per 10 s, kept by the node's pacer against the simulator's default limit) makes creation take ~${(ITEMS / 2 / 60).toFixed(0)} min.`,
				`The early check (${EARLY_CHECK_MS / 1000} s after the pause) reads every task still open then: those whose callbacks n8n refused while tasks were still being created, and those still running, which are read again when their callback comes (the tasks read twice).`,
			],
		};
	} finally {
		await env.stop();
		await sim.close();
		await collector.close();
	}
}
