import { kieEngine, runKie, startSimulator, type Simulator } from './kie-helpers';

// 100 items against the simulator's real KIE rate limit (20 new tasks per 10 s, excess rejected with
// 429): every item gets exactly one create request, none is rejected, none surfaces as an error.
// (Elapsed time against the theoretical minimum is measured by bench/, not asserted here.)

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ rateLimit: { max: 20, windowMs: 10_000 } });
});
afterAll(async () => {
	await sim.close();
});

test('a batch of 100 creates stays under the rate limit: one create request per item', async () => {
	const input = Array.from({ length: 100 }, (_, i) => ({ json: { prompt: `Scene ${i}` } }));
	const started = Date.now();
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
	const elapsed = Date.now() - started;
	expect(run.status).toBe('success');
	const items = run.output('KIE');
	expect(items).toHaveLength(100);
	expect(
		items.every(
			(item, i) =>
				item.json.status === 'queued' && (item.pairedItem as { item: number }).item === i,
		),
	).toBe(true);
	expect(new Set(items.map((item) => item.json.taskId)).size).toBe(100);
	expect(sim.count('POST /api/v1/runway/generate')).toBe(100);
	expect(sim.tasksCreated()).toBe(100);
	// The prompts reached KIE with their own items.
	const prompts = new Map(
		sim.tasks().map((task) => [task.taskId, (task.params as { prompt: string }).prompt]),
	);
	expect(items.map((item) => prompts.get(item.json.taskId as string))).toEqual(
		input.map((item) => item.json.prompt),
	);
	console.log(
		`100 creates under 20/10 s: ${(elapsed / 1000).toFixed(1)} s (theoretical minimum 40 s)`,
	);
}, 180_000);
