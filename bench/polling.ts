// Figure 2 (+ the peers' column of figure 3): one Runway task that takes 10 simulated minutes, on a
// scaled simulator clock, waited for by the KIE node (completion "poll", its default 30-s interval
// scaled like the clock) and by the fixed 3-second poller model, side by side on one simulator.
import { kieEngine, runKie } from '../test/engine/kie-helpers';
import { createRunwayTask, PEER_INTERVAL_MS, pollEvery } from './peer-poller';
import { progress, type ScenarioReport } from './report';
import { API_KEY, RUNWAY_STATUS, startBenchSimulator, type BenchSimulator } from './sim';

/** Simulated ms per wall ms: the 10-minute task takes 30 s of wall time. */
export const TIME_SCALE = 20;
const TASK_SIMULATED_MS = 10 * 60_000;
/** The node's default poll interval (seconds, as a user leaves it). */
const NODE_DEFAULT_INTERVAL_S = 30;

interface Observed {
	statusCalls: number;
	/** Simulated ms from the task's end (simulator) to the first status call that saw it ended. */
	detectionDelayMs: number | null;
}

/** Status calls for a task, with the simulated time each was received (the simulator reads the phase then). */
function watchStatusCalls(sim: BenchSimulator) {
	const calls: Array<{ taskId: string; simulatedAt: number }> = [];
	sim.on('request', (record) => {
		if (`${record.method} ${record.path}` === RUNWAY_STATUS)
			calls.push({ taskId: String(record.query.taskId), simulatedAt: sim.clock.now() });
	});
	return (taskId: string): Observed => {
		const mine = calls.filter((call) => call.taskId === taskId);
		const completedAt = sim.getTask(taskId)?.completedAt as number | null | undefined;
		const noticed =
			completedAt == null ? undefined : mine.find((call) => call.simulatedAt >= completedAt);
		return {
			statusCalls: mine.length,
			detectionDelayMs: noticed && completedAt != null ? noticed.simulatedAt - completedAt : null,
		};
	};
}

export async function benchPolling(): Promise<ScenarioReport> {
	const wallTaskS = TASK_SIMULATED_MS / TIME_SCALE / 1000;
	progress(
		`polling: one 10-minute task each for the KIE node and the fixed 3-s poller model, simulator clock scaled ${TIME_SCALE}× (10 simulated min = ${wallTaskS} s of wall time)…`,
	);
	const { sim } = await startBenchSimulator({
		timeScale: TIME_SCALE,
		taskDurationMs: TASK_SIMULATED_MS,
	});
	const observe = watchStatusCalls(sim);
	try {
		const nodeRun = runKie(kieEngine(sim), {
			resource: 'runway',
			operation: 'generate',
			prompt: 'bench polling: the KIE node',
			completion: 'poll',
			// the default 30 s on the simulated clock
			completionOptions: {
				pollIntervalSeconds: NODE_DEFAULT_INTERVAL_S / TIME_SCALE,
				timeoutMinutes: 5,
			},
		});
		const peerRun = (async () => {
			const created = await createRunwayTask(
				sim.baseUrl,
				API_KEY,
				'bench polling: the fixed 3-s poller',
			);
			if (!created.ok) throw new Error(`the poller model's create failed: ${created.message}`);
			const polled = await pollEvery(
				sim.baseUrl,
				API_KEY,
				created.taskId,
				PEER_INTERVAL_MS / TIME_SCALE,
			);
			return { taskId: created.taskId, ...polled };
		})();
		const [run, peer] = await Promise.all([nodeRun, peerRun]);
		const nodeItem = run.output('KIE')[0]?.json;
		if (run.status !== 'success' || nodeItem?.status !== 'succeeded') {
			throw new Error(
				`the KIE node's poll run ended ${run.status}: ${run.error?.message ?? JSON.stringify(nodeItem)}`,
			);
		}
		const node = observe(String(nodeItem.taskId));
		const poller = observe(peer.taskId);
		const seconds = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
		progress(
			`polling: KIE node ${node.statusCalls} status calls, noticed ${seconds(node.detectionDelayMs)} after the end; poller model ${poller.statusCalls} calls, ${seconds(poller.detectionDelayMs)}`,
		);
		return {
			title: '2. Polling',
			figures: [
				{
					name: 'Status calls, one 10-min task',
					value: node.statusCalls,
					unit: '',
					limit: 20,
					kind: 'max',
					digits: 0,
				},
				{
					name: 'Task end → noticed (simulated)',
					value: node.detectionDelayMs === null ? null : node.detectionDelayMs / 1000,
					unit: 's',
					limit: 30,
					kind: 'max',
					digits: 1,
				},
			],
			comparison: [
				{
					name: 'Status calls, one 10-min task',
					node: String(node.statusCalls),
					peer: String(poller.statusCalls),
				},
				{
					name: 'Task end → noticed (simulated)',
					node: seconds(node.detectionDelayMs),
					peer: seconds(poller.detectionDelayMs),
				},
			],
			notes: [
				`The simulator's clock is SCALED ${TIME_SCALE}×: the task takes 10 simulated minutes (${wallTaskS} s of wall time); both pollers' intervals are scaled the same way, so the KIE node's default 30 s is set as ${NODE_DEFAULT_INTERVAL_S / TIME_SCALE} s of wall time and the poller model's 3 s as ${PEER_INTERVAL_MS / TIME_SCALE} ms. Delays are given in simulated seconds.`,
				'The KIE node runs in n8n-core\'s engine with completion "poll"; the poller model (bench/peer-poller.ts) creates its own task on the same simulator at the same time and GETs its status every 3 simulated seconds.',
				'Status calls = GET record-detail requests for that task, counted by the simulator. Noticed = the first status call received at or after the task ended (the simulator ends it then and answers "success"); the delay is that call\'s simulated time minus the simulator\'s completion time.',
				"Both pollers count their interval from the task's create, and the task takes exactly 10 minutes, so the node's 20th call (the poller's 200th) lands right at its end: the delay shown is the best case. A task that ends just after a call is noticed one interval later (at most 30 s for the node, 3 s for the poller model) and costs one call more.",
			],
		};
	} finally {
		await sim.close();
	}
}
