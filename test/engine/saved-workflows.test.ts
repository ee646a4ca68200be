// The KIE nodes of the workflows saved with 0.1.0 (test/fixtures/saved-0.1.0), each with its saved
// parameters and typeVersion 1, run through n8n-core's engine against its own simulator, over the
// items its upstream nodes give it. The fast companion of test/e2e/saved-workflows.test.ts, which
// runs the whole files (and their KIE Triggers) on real n8n. Same checks: success, 0.1.0's endpoints
// only, one create call per item, 0.1.0's output fields. And the checks' own teeth: the same saved
// parameters at typeVersion 1.1 do reach the Market API.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Engine, RunResult } from './harness';
import { API_KEY, KIE, kieEngine, type Simulator, startSimulator } from './kie-helpers';
import {
	callsNot010,
	CREATES_0_1_0,
	callOf,
	readSavedWorkflow,
	SAVED_KIE_TYPE,
	savedOutputCheck,
	savedWorkflowFiles,
	substitutedWorkflow,
} from '../fixtures/saved-workflows';
import type { WorkflowFileNode } from '../e2e/helpers/workflows';

/** What a case's input is built from: its simulator, and the tasks the test made on it. */
interface CaseContext {
	sim: Simulator;
	testTaskIds: string[];
}

/** A saved KIE node and the items its upstream nodes give it in the saved workflow. */
interface EngineCase {
	file: string;
	node: string;
	input(ctx: CaseContext): Promise<INodeExecutionData[]>;
}

const items = (...jsons: IDataObject[]): INodeExecutionData[] => jsons.map((json) => ({ json }));

/** A finished Runway task made by the test (for Get, or as a source video). */
async function testTask(ctx: CaseContext): Promise<string> {
	const res = await fetch(`${ctx.sim.baseUrl}/api/v1/runway/generate`, {
		method: 'POST',
		headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
		body: JSON.stringify({ prompt: 'test', duration: 5, quality: '720p', aspectRatio: '16:9' }),
	});
	const { data } = (await res.json()) as { data: { taskId: string } };
	ctx.testTaskIds.push(data.taskId);
	for (let i = 0; i < 100 && ctx.sim.getTask(data.taskId)?.state !== 'success'; i++) {
		await new Promise((r) => setTimeout(r, 100));
	}
	return data.taskId;
}

const sourceVideo = async (ctx: CaseContext) =>
	`${ctx.sim.baseUrl}/files/${await testTask(ctx)}.mp4`;

const CASES: EngineCase[] = [
	{
		file: 'e2e-callback-mode.json',
		node: 'KIE',
		input: async () =>
			items(
				{ prompt: 'cb clip 0', ref: 'cb-ref-0', timeoutMinutes: 2 },
				{ prompt: 'cb clip 1', ref: 'cb-ref-1', timeoutMinutes: 2 },
			),
	},
	{
		file: 'e2e-queue-callback-then-wait.json',
		node: 'KIE',
		input: async () => items({ prompt: 'wait clip 0', ref: 'wait-ref-0', timeoutMinutes: 2 }),
	},
	{
		file: 'e2e-faults-poll.json',
		node: 'KIE',
		input: async () => items({ prompt: 'calm sea' }, { prompt: 'harbour' }),
	},
	{
		file: 'e2e-faults-poll-download.json',
		node: 'KIE',
		input: async () => items({ prompt: 'a download' }),
	},
	{
		file: 'e2e-faults-get-download.json',
		node: 'KIE',
		input: async (ctx) => items({ taskId: await testTask(ctx) }),
	},
	{
		file: 'e2e-restart-get.json',
		node: 'KIE Get',
		input: async (ctx) => items({ taskId: await testTask(ctx) }),
	},
	{ file: 'e2e-node-credits.json', node: 'KIE Credits', input: async () => items({}) },
	{
		file: 'e2e-node-runway-batch-to-disk.json',
		node: 'KIE Runway',
		input: async () =>
			items({ prompt: 'a red fox' }, { prompt: 'a lighthouse' }, { prompt: 'rain' }),
	},
	{
		file: 'e2e-node-aleph-from-binary.json',
		node: 'KIE Aleph',
		input: async () => [
			{
				json: {},
				binary: {
					data: {
						data: Buffer.alloc(100_000, 7).toString('base64'),
						mimeType: 'video/mp4',
						fileName: 'clip.mp4',
					},
				},
			},
		],
	},
	{
		file: 'e2e-security-poll-download.json',
		node: 'KIE',
		input: async () => items({ prompt: 'security ok', timeoutMinutes: 2 }),
	},
	{
		file: 'e2e-security-upload.json',
		node: 'KIE',
		input: async (ctx) => items({ fileUrl: await sourceVideo(ctx) }),
	},
	{
		file: 'example-batch-prompts.json',
		node: 'KIE Runway Generate',
		input: async () =>
			items(...[1, 2, 3, 4, 5].map((row) => ({ row, prompt: `row ${row} of the batch` }))),
	},
	{
		file: 'example-scheduled-runway-to-disk.json',
		node: 'KIE Runway Generate',
		input: async () => items({ prompt: 'a misty pine forest', folder: '/tmp' }),
	},
	{
		file: 'example-webhook-aleph-restyle-callback.json',
		node: 'KIE Aleph Restyle',
		input: async (ctx) =>
			items({ body: { videoUrl: await sourceVideo(ctx), prompt: 'snow', reference: 'order-42' } }),
	},
	{
		file: 'example-luma-submit-to-trigger.json',
		node: 'KIE Luma Modify (Submit)',
		input: async (ctx) =>
			items({ body: { videoUrl: await sourceVideo(ctx), prompt: 'snow', reference: 'row-17' } }),
	},
];

/** The saved node, with README.md's substitution (nobody listens at the trigger URL it names). */
function savedNode(file: string, name: string): WorkflowFileNode {
	const workflow = substitutedWorkflow(file, {
		credential: { id: '1', name: 'KIE (simulator)' },
		n8nUrl: 'http://127.0.0.1:9',
		outDir: '/tmp',
		collectorUrl: 'http://127.0.0.1:9',
		clipUrl: 'http://127.0.0.1:9',
	});
	return workflow.nodes.find((n) => n.name === name)!;
}

/** Runs a saved node at a typeVersion on its own simulator and engine, to its end. */
async function runSaved(engineCase: EngineCase, typeVersion = 1) {
	const sim = await startSimulator({
		taskDurationMs: 1500,
		recordNullMs: 200,
		videoSizeBytes: 50_000,
	});
	const engine: Engine = kieEngine(sim);
	const ctx: CaseContext = { sim, testTaskIds: [] };
	try {
		const node = savedNode(engineCase.file, engineCase.node);
		await engine.listen();
		let run: RunResult = await engine.run({
			nodes: [{ name: node.name, type: KIE, typeVersion, parameters: node.parameters as never }],
			input: await engineCase.input(ctx),
		});
		if (run.status === 'waiting') run = await engine.whenFinished(run, 60_000);
		return { node, run, ctx, requests: [...sim.requests], tasks: sim.tasks() };
	} finally {
		await engine.close();
		await sim.close();
	}
}

describe('the KIE nodes of workflows saved with 0.1.0, through the engine', () => {
	// All at once (two examples poll every 30 s, as saved).
	const runs = new Map<EngineCase, ReturnType<typeof runSaved>>();
	beforeAll(() => {
		for (const engineCase of CASES) {
			const running = runSaved(engineCase);
			running.catch(() => undefined); // reported by its own test
			runs.set(engineCase, running);
		}
	});
	afterAll(async () => {
		await Promise.allSettled(runs.values());
	});

	test('every saved KIE node has a case (the KIE Triggers run in the e2e test only)', () => {
		const saved = savedWorkflowFiles().flatMap((file) =>
			readSavedWorkflow(file)
				.nodes.filter((n) => n.type === SAVED_KIE_TYPE)
				.map((n) => `${file} › ${n.name}`),
		);
		expect(CASES.map((c) => `${c.file} › ${c.node}`).sort()).toEqual(saved.sort());
	});

	test.each(CASES.map((c) => [`${c.file} › ${c.node}`, c] as const))(
		'%s: success, 0.1.0 endpoints only, one create per item, 0.1.0 output fields',
		async (_name, engineCase) => {
			const { node, run, ctx, requests, tasks } = await runs.get(engineCase)!;
			expect(run.error).toBeUndefined();
			expect(run.status).toBe('success');
			expect(callsNot010(requests)).toEqual([]);
			const { problems, created } = savedOutputCheck(node, run.output(node.name));
			expect(problems).toEqual([]);
			const creates = requests.map(callOf).filter((call) => CREATES_0_1_0.includes(call));
			expect(creates.length - ctx.testTaskIds.length).toBe(created.length);
			const nodeTasks = tasks.filter((t) => !ctx.testTaskIds.includes(t.taskId));
			expect(nodeTasks.map((t) => t.taskId).sort()).toEqual([...created].sort());
		},
	);

	test('the checks have teeth: the same saved Runway node at typeVersion 1.1 calls the Market API', async () => {
		const pollCase = CASES.find((c) => c.file === 'e2e-faults-poll.json')!;
		const { run, requests } = await runSaved(pollCase, 1.1);
		expect(run.status).toBe('success');
		expect(callsNot010(requests)).toContain('POST /api/v1/jobs/createTask');
	});
});
