// The Market API tests' shared set-up: one simulator with long tasks (the tests move its clock or end
// tasks themselves), a callback receiver whose answers a test may script, and the calls they make.
import { post, get, startReceiver, startSim, type KieBody, type Sim } from './helpers';

export const CREATE = '/api/v1/jobs/createTask';
export const RECORD = '/api/v1/jobs/recordInfo';
export const KLING_TEXT = {
	model: 'kling-2.6/text-to-video',
	input: { prompt: 'A fox in snow', sound: false, aspect_ratio: '16:9', duration: '5' },
};

export interface MarketContext {
	sim: Sim;
	receiver: Awaited<ReturnType<typeof startReceiver>>;
	/** The receiver's HTTP status for its i-th hit (200 unless a test says otherwise). */
	status: (i: number) => number;
	create(body: unknown): ReturnType<typeof post>;
	record(taskId: string): Promise<KieBody>;
	createOk(body?: Record<string, unknown>): Promise<string>;
	control(route: string, body: unknown): Promise<{ status: number; body: KieBody }>;
}

/** Registers the suite's hooks; the context's sim and receiver exist from beforeAll on. */
export function useMarketSimulator(): MarketContext {
	let sim: Sim | undefined;
	let receiver: MarketContext['receiver'] | undefined;
	const started = <T>(value: T | undefined, what: string): T => {
		if (value === undefined) throw new Error(`${what} is used before beforeAll started it`);
		return value;
	};
	const ctx: MarketContext = {
		get sim() {
			return started(sim, 'the simulator');
		},
		get receiver() {
			return started(receiver, 'the callback receiver');
		},
		status: () => 200,
		create: (body: unknown) => post(ctx.sim.baseUrl, CREATE, body),
		record: async (taskId: string) =>
			(await get(ctx.sim.baseUrl, `${RECORD}?taskId=${taskId}`)).body,
		createOk: async (body: Record<string, unknown> = KLING_TEXT) => {
			const res = await ctx.create(body);
			expect(res.body).toEqual({ code: 200, msg: 'success', data: { taskId: expect.any(String) } });
			return res.body.data.taskId as string;
		},
		control: async (route: string, body: unknown) => {
			const res = await fetch(`${ctx.sim.baseUrl}/__sim/${route}`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify(body),
			});
			return { status: res.status, body: (await res.json()) as KieBody };
		},
	};
	beforeAll(async () => {
		sim = await startSim({ taskDurationMs: 100_000 });
		receiver = await startReceiver((i) => ctx.status(i));
	});
	afterAll(async () => {
		await ctx.sim.close();
		await ctx.receiver.close();
	});
	beforeEach(() => {
		ctx.sim.reset();
		ctx.receiver.hits.length = 0;
		ctx.status = () => 200;
	});
	return ctx;
}
