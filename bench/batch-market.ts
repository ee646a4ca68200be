// Figures 1m and 1x: figure 1's 100 creates on KIE's Market API (POST /api/v1/jobs/createTask), by the
// KIE node version 1.1 with "KIE API" = Market, and a mixed run of 50 legacy + 50 Market creates by two
// KIE nodes in one execution. The simulator applies one create limit to both APIs (KIE's limit is per
// account; that the two APIs share it is unverified, docs/kie-api.md §11), and the node paces both
// with one limiter per account (nodes/Kie/transport/rateLimit.ts).
import { NodeConnectionTypes, type IDataObject, type INodeExecutionData } from 'n8n-workflow';

import { MARKET_CREATE_PATH } from '../nodes/Kie/kie/models';
import { KIE, kieEngine, runKie } from '../test/engine/kie-helpers';
import { GOAL_FACTOR, ITEMS, itemsWithTask, KIE_LIMIT, theoreticalMinimumMs } from './batch';
import { progress, type ScenarioReport } from './report';
import { startBenchSimulator, type AnsweredStatuses, type BenchSimulator } from './sim';

// The simulator's create paths, legacy and Market (the ones its create counter and limit cover).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CREATE_PATHS } = require('../simulator/faults') as { CREATE_PATHS: Set<string> };

/** Version 1.1, the current one (its "KIE API" default is Automatic; the runs set Market). */
const MARKET_NODE = { typeVersion: 1.1 };
const RUNWAY_GENERATE = { resource: 'runway', operation: 'generate', completion: 'submit' };
const MARKET_PARAMETERS = { ...RUNWAY_GENERATE, api: 'market', prompt: '={{ $json.prompt }}' };
/** A curated catalogue model (Kling 2.6 text to video), created on the Market API as every one is. */
const CATALOGUE_PARAMETERS = {
	resource: 'kling',
	operation: 'generate',
	videoModel: 'kling-2.6/text-to-video',
	prompt: '={{ $json.prompt }}',
	completion: 'submit',
};
/** As figure 1 runs it: version 1, whose "KIE API" default is Legacy. */
const LEGACY_PARAMETERS = { ...RUNWAY_GENERATE, prompt: '={{ $json.prompt }}' };

function prompts(count: number, label: string): INodeExecutionData[] {
	return Array.from({ length: count }, (_, i) => ({
		json: { prompt: `bench ${label} scene ${i}` },
	}));
}

/** What the simulator saw of one run's creates, split by API. */
interface Creates {
	market: number;
	/** Every other create path the simulator serves (runway, extend, aleph, modify, veo). */
	legacy: number;
	http429: number;
	tasksCreated: number;
	/** Seconds after the run started at which the first and last create of each API arrived. */
	spanS: { market?: [number, number]; legacy?: [number, number] };
}

function createsSeen(sim: BenchSimulator, answered: AnsweredStatuses, startedAt: number): Creates {
	// the request log, not a counter: each record says which path it went to and when it arrived
	const creates = sim.requests.filter(
		(request) => request.method === 'POST' && CREATE_PATHS.has(request.path),
	);
	const arrivals = (market: boolean) =>
		creates
			.filter((request) => (request.path === MARKET_CREATE_PATH) === market)
			.map((request) => (request.at - startedAt) / 1000);
	const span = (times: number[]): [number, number] | undefined =>
		times.length ? [times[0], times[times.length - 1]] : undefined;
	const market = arrivals(true);
	const legacy = arrivals(false);
	return {
		market: market.length,
		legacy: legacy.length,
		http429: [...CREATE_PATHS].reduce((sum, path) => sum + answered.count(`POST ${path}`, 429), 0),
		tasksCreated: sim.tasksCreated(),
		spanS: { market: span(market), legacy: span(legacy) },
	};
}

/** Items of one node's output whose `api` field names `api`. */
function itemsOnApi(items: INodeExecutionData[], api: string): number {
	return items.filter((item) => (item.json as IDataObject).api === api).length;
}

interface Outcome {
	elapsedMs: number;
	creates: Creates;
	errors: number;
	/** Per node: its items, and how many of them say they ran on the API it was set to. */
	nodes: Array<{ name: string; api: string; items: number; onApi: number }>;
	firstError?: string;
}

async function marketBatch(parameters: IDataObject): Promise<Outcome> {
	const { sim, answered } = await startBenchSimulator({ rateLimit: KIE_LIMIT });
	try {
		const startedAt = Date.now();
		const started = performance.now();
		const run = await runKie(kieEngine(sim), parameters, prompts(ITEMS, 'market'), MARKET_NODE);
		const elapsedMs = performance.now() - started;
		const items = run.output('KIE');
		return {
			elapsedMs,
			creates: createsSeen(sim, answered, startedAt),
			errors: ITEMS - itemsWithTask(items),
			nodes: [
				{ name: 'KIE', api: 'market', items: items.length, onApi: itemsOnApi(items, 'market') },
			],
			firstError: run.error?.message,
		};
	} finally {
		await sim.close();
	}
}

const LEGACY_NODE_NAME = 'KIE legacy';
const MARKET_NODE_NAME = 'KIE Market';

/** Start feeds the same 50 items to both nodes; n8n runs the two branches one after the other. */
async function mixedBatch(): Promise<Outcome> {
	const half = ITEMS / 2;
	const { sim, answered } = await startBenchSimulator({ rateLimit: KIE_LIMIT });
	try {
		const engine = kieEngine(sim);
		const startedAt = Date.now();
		const started = performance.now();
		const run = await engine.run({
			nodes: [
				{ name: LEGACY_NODE_NAME, type: KIE, typeVersion: 1, parameters: LEGACY_PARAMETERS },
				{ name: MARKET_NODE_NAME, type: KIE, ...MARKET_NODE, parameters: MARKET_PARAMETERS },
			],
			connections: {
				Start: {
					main: [
						[
							{ node: LEGACY_NODE_NAME, type: NodeConnectionTypes.Main, index: 0 },
							{ node: MARKET_NODE_NAME, type: NodeConnectionTypes.Main, index: 0 },
						],
					],
				},
			},
			input: prompts(half, 'mixed'),
		});
		const elapsedMs = performance.now() - started;
		const legacyItems = run.output(LEGACY_NODE_NAME);
		const marketItems = run.output(MARKET_NODE_NAME);
		return {
			elapsedMs,
			creates: createsSeen(sim, answered, startedAt),
			errors: ITEMS - itemsWithTask(legacyItems) - itemsWithTask(marketItems),
			nodes: [
				{
					name: LEGACY_NODE_NAME,
					api: 'legacy',
					items: legacyItems.length,
					onApi: itemsOnApi(legacyItems, 'legacy'),
				},
				{
					name: MARKET_NODE_NAME,
					api: 'market',
					items: marketItems.length,
					onApi: itemsOnApi(marketItems, 'market'),
				},
			],
			firstError: run.error?.message,
		};
	} finally {
		await sim.close();
	}
}

/** Items without a task (goal 0), in both batch figures. */
function errorsFigure(outcome: Outcome): ScenarioReport['figures'][number] {
	return {
		name: 'Errors surfaced',
		value: outcome.errors,
		unit: '',
		limit: 0,
		kind: 'max',
		digits: 0,
	};
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const spanText = (span?: [number, number]) =>
	span ? `${span[0].toFixed(1)} s → ${span[1].toFixed(1)} s` : 'none';

function summary(label: string, outcome: Outcome): string {
	const { creates } = outcome;
	return `${label}: ${seconds(outcome.elapsedMs)}, ${creates.market} Market + ${creates.legacy} legacy create requests, ${creates.http429} × 429, ${outcome.errors} errors`;
}

function commonDetails(outcome: Outcome, minimumMs: number) {
	const { creates } = outcome;
	return [
		{
			name: 'Elapsed / theoretical minimum',
			value: `${(outcome.elapsedMs / minimumMs).toFixed(3)}×`,
		},
		{ name: '429 answers to creates', value: String(creates.http429) },
		{ name: 'Tasks created (simulator)', value: String(creates.tasksCreated) },
		...outcome.nodes.map((node) => ({
			name: `Items of "${node.name}" whose output says api: ${node.api}`,
			value: `${node.onApi} of ${node.items}`,
		})),
		{
			name: 'Creates received, first → last (after the run started): Market; legacy',
			value: `${spanText(creates.spanS.market)}; ${spanText(creates.spanS.legacy)}`,
		},
	];
}

function limitNote(minimumMs: number, outcome: Outcome): string {
	return `Theoretical minimum, as figure 1: (ceil(${ITEMS} / ${KIE_LIMIT.max}) − 1) × ${KIE_LIMIT.windowMs / 1000} s = ${minimumMs / 1000} s; limit = ${GOAL_FACTOR} × minimum = ${(GOAL_FACTOR * minimumMs) / 1000} s. Measured: ${seconds(outcome.elapsedMs)} = ${(outcome.elapsedMs / minimumMs).toFixed(3)} × the minimum (wall clock around the engine run).${outcome.firstError ? ` The run ended with: ${outcome.firstError}` : ''}`;
}

export async function benchBatchMarket(): Promise<ScenarioReport> {
	return await marketScenario({
		title: '1m. Batch, Market API',
		label: 'batch-market',
		what: 'Runway creates on the Market API by the KIE node 1.1 (KIE API: Market, completion "submit")',
		parameters: MARKET_PARAMETERS,
		note: `The KIE node version 1.1 runs in n8n-core's engine (test/engine/harness/): Runway Generate with "KIE API" = Market and completion "submit", ${ITEMS} input items.`,
	});
}

export async function benchBatchCatalogue(): Promise<ScenarioReport> {
	return await marketScenario({
		title: '1k. Batch, a catalogue model (Kling 2.6)',
		label: 'batch-catalogue',
		what: 'Kling 2.6 text-to-video creates (the KIE node 1.1, resource Kling, completion "submit")',
		parameters: CATALOGUE_PARAMETERS,
		note: `The KIE node version 1.1 runs in n8n-core's engine (test/engine/harness/): resource Kling, Model "Kling 2.6: Text to Video" (kling-2.6/text-to-video, a curated model of nodes/Kie/kie/catalogue/), completion "submit", ${ITEMS} input items, the other fields at their defaults.`,
	});
}

async function marketScenario(scenario: {
	title: string;
	label: string;
	what: string;
	parameters: IDataObject;
	note: string;
}): Promise<ScenarioReport> {
	const minimumMs = theoreticalMinimumMs(ITEMS, KIE_LIMIT.max, KIE_LIMIT.windowMs);
	progress(
		`${scenario.label}: ${ITEMS} ${scenario.what}, simulator limit 20 per 10 s (about ${minimumMs / 1000} s)…`,
	);
	const outcome = await marketBatch(scenario.parameters);
	progress(summary(scenario.label, outcome));
	const { creates } = outcome;
	return {
		title: scenario.title,
		figures: [
			{
				name: `Elapsed, ${ITEMS} Market creates`,
				value: outcome.elapsedMs / 1000,
				unit: 's',
				limit: (GOAL_FACTOR * minimumMs) / 1000,
				kind: 'max',
				digits: 1,
			},
			errorsFigure(outcome),
			{
				name: 'createTask requests per item (429s included)',
				value: creates.market / ITEMS,
				unit: '',
				limit: 1,
				kind: 'exact',
				digits: 2,
			},
			{
				name: 'Legacy create requests',
				value: creates.legacy,
				unit: '',
				limit: 0,
				kind: 'exact',
				digits: 0,
			},
		],
		details: commonDetails(outcome, minimumMs),
		notes: [
			`${scenario.note} Against the simulator with KIE's real create limit (${KIE_LIMIT.max} per sliding ${KIE_LIMIT.windowMs / 1000} s per API key, one limit for legacy and Market creates, excess answered HTTP 429 and not created). KIE documents the limit per account; that its two APIs share it is unverified (docs/kie-api.md §11), so the simulator assumes the stricter case.`,
			limitNote(minimumMs, outcome),
			`createTask requests = POSTs to ${MARKET_CREATE_PATH} in the simulator's request log; legacy create requests = POSTs in the same log to the simulator's other create paths (Runway generate and extend, Aleph, Luma modify, Veo). 429 answers are the HTTP statuses the simulator answered on create paths. Errors = items without a task id (or with an error).`,
		],
	};
}

export async function benchBatchMixed(): Promise<ScenarioReport> {
	const minimumMs = theoreticalMinimumMs(ITEMS, KIE_LIMIT.max, KIE_LIMIT.windowMs);
	const half = ITEMS / 2;
	progress(
		`batch-mixed: ${half} legacy + ${half} Market Runway creates by two KIE nodes in one execution, simulator limit 20 per 10 s shared (about ${minimumMs / 1000} s)…`,
	);
	const outcome = await mixedBatch();
	progress(summary('batch-mixed', outcome));
	const { creates } = outcome;
	return {
		title: '1x. Batch, legacy + Market',
		figures: [
			{
				name: `Elapsed, ${half} legacy + ${half} Market creates`,
				value: outcome.elapsedMs / 1000,
				unit: 's',
				limit: (GOAL_FACTOR * minimumMs) / 1000,
				kind: 'max',
				digits: 1,
			},
			errorsFigure(outcome),
			{
				name: 'Create requests per item (429s included)',
				value: (creates.market + creates.legacy) / ITEMS,
				unit: '',
				limit: 1,
				kind: 'exact',
				digits: 2,
			},
			{
				name: `createTask requests (Market node, ${half} items)`,
				value: creates.market,
				unit: '',
				limit: half,
				kind: 'exact',
				digits: 0,
			},
			{
				name: `Legacy create requests (legacy node, ${half} items)`,
				value: creates.legacy,
				unit: '',
				limit: half,
				kind: 'exact',
				digits: 0,
			},
		],
		details: commonDetails(outcome, minimumMs),
		notes: [
			`One execution in n8n-core's engine: Start → "${LEGACY_NODE_NAME}" (the KIE node version 1, whose "KIE API" default is Legacy, as in figure 1) and Start → "${MARKET_NODE_NAME}" (version 1.1, "KIE API" = Market), both Runway Generate with completion "submit", each given the same ${half} items. n8n runs the two branches one after the other; the node paces the creates of both with one limiter per account, and the simulator counts both APIs against one limit of ${KIE_LIMIT.max} per ${KIE_LIMIT.windowMs / 1000} s.`,
			limitNote(minimumMs, outcome),
			`Counts as figure 1m: createTask POSTs from the request log, legacy creates = POSTs to the simulator's other create paths, 429s by the simulator's HTTP status.`,
		],
	};
}
