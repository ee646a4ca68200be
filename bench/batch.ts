// Figure 1 (+ the peers' column of figure 3): 100 Runway creates against the simulator's real KIE rate
// limit (20 per sliding 10 s per key, excess answered 429), by the KIE node in n8n-core's engine and by
// the fixed 3-second poller model.
import type { INodeExecutionData } from 'n8n-workflow';

import { kieEngine, runKie } from '../test/engine/kie-helpers';
import { createOneAfterAnother } from './peer-poller';
import { progress, type ScenarioReport } from './report';
import { API_KEY, RUNWAY_CREATE, startBenchSimulator } from './sim';

export const ITEMS = 100;
/** KIE's create limit, which the simulator applies to legacy and Market creates together. */
export const KIE_LIMIT = { max: 20, windowMs: 10_000 };
/** The goal: elapsed within 1.1 × the theoretical minimum. */
export const GOAL_FACTOR = 1.1;

/**
 * The earliest the last of `items` creates can be accepted under `max` per sliding `windowMs`: the
 * first `max` go at once, each later group of `max` one window after the group before it.
 */
export function theoreticalMinimumMs(items: number, max: number, windowMs: number): number {
	return (Math.ceil(items / max) - 1) * windowMs;
}

/** Output items that carry a task id and no error: the items KIE took. */
export function itemsWithTask(items: INodeExecutionData[]): number {
	return items.filter(
		(item) => typeof item.json.taskId === 'string' && item.json.taskId !== '' && !item.json.error,
	).length;
}

interface BatchOutcome {
	elapsedMs: number;
	requests: number;
	http429: number;
	tasksCreated: number;
	errors: number;
	firstError?: string;
}

async function nodeBatch(): Promise<BatchOutcome> {
	const { sim, answered } = await startBenchSimulator({ rateLimit: KIE_LIMIT });
	try {
		const input = Array.from({ length: ITEMS }, (_, i) => ({
			json: { prompt: `bench batch scene ${i}` },
		}));
		const started = performance.now();
		const run = await runKie(
			kieEngine(sim),
			{
				resource: 'runway',
				operation: 'generate',
				prompt: '={{ $json.prompt }}',
				completion: 'submit',
			},
			input,
		);
		const elapsedMs = performance.now() - started;
		const withTask = itemsWithTask(run.output('KIE'));
		return {
			elapsedMs,
			requests: sim.count(RUNWAY_CREATE),
			http429: answered.count(RUNWAY_CREATE, 429),
			tasksCreated: sim.tasksCreated(),
			errors: ITEMS - withTask,
			firstError: run.error?.message,
		};
	} finally {
		await sim.close();
	}
}

async function peerBatch(): Promise<BatchOutcome> {
	const { sim, answered } = await startBenchSimulator({ rateLimit: KIE_LIMIT });
	try {
		const prompts = Array.from({ length: ITEMS }, (_, i) => `bench batch scene ${i}`);
		const started = performance.now();
		const outcomes = await createOneAfterAnother(sim.baseUrl, API_KEY, prompts);
		const elapsedMs = performance.now() - started;
		const failed = outcomes.filter((outcome) => !outcome.ok);
		return {
			elapsedMs,
			requests: sim.count(RUNWAY_CREATE),
			http429: answered.count(RUNWAY_CREATE, 429),
			tasksCreated: sim.tasksCreated(),
			errors: failed.length,
			firstError: failed[0] && !failed[0].ok ? failed[0].message : undefined,
		};
	} finally {
		await sim.close();
	}
}

export async function benchBatch(): Promise<ScenarioReport> {
	const minimumMs = theoreticalMinimumMs(ITEMS, KIE_LIMIT.max, KIE_LIMIT.windowMs);
	progress(
		`batch: ${ITEMS} Runway creates by the KIE node (completion "submit") in n8n-core's engine, simulator limit 20 per 10 s (about ${minimumMs / 1000} s)…`,
	);
	const node = await nodeBatch();
	progress(
		`batch: KIE node ${(node.elapsedMs / 1000).toFixed(1)} s, ${node.requests} create requests, ${node.http429} × 429, ${node.errors} errors`,
	);
	progress(
		'batch: the same 100 creates by the fixed 3-s poller model (one after another, no rate-limit awareness)…',
	);
	const peer = await peerBatch();
	progress(
		`batch: poller model ${(peer.elapsedMs / 1000).toFixed(1)} s, ${peer.requests} create requests, ${peer.http429} × 429, ${peer.errors} errors`,
	);

	const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
	return {
		title: '1. Batch',
		figures: [
			{
				name: `Elapsed, ${ITEMS} creates`,
				value: node.elapsedMs / 1000,
				unit: 's',
				limit: (GOAL_FACTOR * minimumMs) / 1000,
				kind: 'max',
				digits: 1,
			},
			{ name: 'Errors surfaced', value: node.errors, unit: '', limit: 0, kind: 'max', digits: 0 },
			{
				name: 'Create requests per item (429s included)',
				value: node.requests / ITEMS,
				unit: '',
				limit: 1,
				kind: 'exact',
				digits: 2,
			},
		],
		comparison: [
			{ name: 'Create requests', node: String(node.requests), peer: String(peer.requests) },
			{ name: '429 answers', node: String(node.http429), peer: String(peer.http429) },
			{ name: 'Tasks created', node: String(node.tasksCreated), peer: String(peer.tasksCreated) },
			{
				name: 'Errors surfaced (items without a task)',
				node: String(node.errors),
				peer: String(peer.errors),
			},
			{ name: 'Elapsed', node: seconds(node.elapsedMs), peer: seconds(peer.elapsedMs) },
		],
		notes: [
			`The KIE node runs in n8n-core's engine (test/engine/harness/) with completion "submit" (the batch measures creating, not waiting), ${ITEMS} input items, against the simulator with KIE's real create limit: ${KIE_LIMIT.max} per sliding ${KIE_LIMIT.windowMs / 1000} s per API key, excess answered HTTP 429 (and not created).`,
			`Theoretical minimum = (ceil(N / ${KIE_LIMIT.max}) − 1) × ${KIE_LIMIT.windowMs / 1000} s = (ceil(${ITEMS} / ${KIE_LIMIT.max}) − 1) × ${KIE_LIMIT.windowMs / 1000} s = ${minimumMs / 1000} s: creates 1-20 go at once, 21-40 one window later, …, 81-100 at ${minimumMs / 1000} s. Limit = ${GOAL_FACTOR} × minimum = ${(GOAL_FACTOR * minimumMs) / 1000} s. Measured: ${seconds(node.elapsedMs)} = ${(node.elapsedMs / minimumMs).toFixed(3)} × the minimum (wall clock around the engine run).`,
			`Create requests and 429 answers are counted by the simulator (every POST to the create path, and the HTTP status it answered); ${node.http429} of the node's requests were answered 429.${node.firstError ? ` The node's run ended with: ${node.firstError}` : ''}`,
			`Fixed 3-s poller model (bench/peer-poller.ts): the same ${ITEMS} creates sent one after another, each as soon as the previous answer arrived, no rate-limit handling; a 429 is that item's error.${peer.firstError ? ` First error: ${peer.firstError}.` : ''}`,
		],
	};
}
