import { createEngine, type Engine } from './harness';
import {
	API_KEY,
	FAST_POLL,
	KIE,
	KIE_TRIGGER,
	kieEngine,
	requestsTo,
	runKie,
	startSimulator,
	type Simulator,
} from './kie-helpers';
import { KieApi } from '../../credentials/KieApi.credentials';
import { Kie } from '../../nodes/Kie/Kie.node';
import { KieTrigger } from '../../nodes/Kie/KieTrigger.node';
import { CREDENTIAL_TYPE } from '../e2e/helpers/constants';

// KIE's Market API (docs/kie-api.md §11) through n8n-core's engine against the simulator: Runway
// Generate, Extend and Aleph on the Market path in poll and callback modes, the KIE API setting
// (Automatic, Market, Legacy; node version 1 = Legacy), exactly one task per item whatever happens,
// Get across both APIs, and the rules that are no stricter than KIE's pages.

const MARKET_CREATE = '/api/v1/jobs/createTask';
const MARKET_RECORD = '/api/v1/jobs/recordInfo';
const V11 = { typeVersion: 1.1 };

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ callbackRetryDelayMs: 200 });
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => sim.reset());

const runwayGenerate = { resource: 'runway', operation: 'generate', prompt: 'A red balloon' };
const alephGenerate = {
	resource: 'aleph',
	operation: 'generate',
	prompt: 'Make it a watercolor painting',
	videoSource: 'url',
	videoUrl: 'https://example.com/in.mp4',
};

/** The legacy create paths, none of which a Market run may touch. */
const LEGACY_CREATES = [
	'/api/v1/runway/generate',
	'/api/v1/runway/extend',
	'/api/v1/aleph/generate',
];
function legacyCreates(): number {
	return LEGACY_CREATES.reduce((sum, path) => sum + requestsTo(sim, 'POST', path).length, 0);
}

/** A succeeded Runway task made on the Market API, to extend. */
async function marketRunwayTask(engine: Engine): Promise<string> {
	const run = await runKie(engine, { ...runwayGenerate, ...FAST_POLL }, undefined, V11);
	expect(run.output('KIE')[0].json).toMatchObject({ status: 'succeeded', api: 'market' });
	return run.output('KIE')[0].json.taskId as string;
}

describe('the Market path, poll mode (version 1.1, KIE API: Automatic)', () => {
	test('Runway Generate: createTask with snake_case input, read through recordInfo', async () => {
		const run = await runKie(
			kieEngine(sim),
			{ ...runwayGenerate, aspectRatio: '9:16', waterMark: 'brand', ...FAST_POLL },
			[{ json: {} }, { json: {} }],
			V11,
		);
		expect(run.status).toBe('success');
		const creates = requestsTo(sim, 'POST', MARKET_CREATE);
		expect(creates).toHaveLength(2);
		expect(creates[0].body).toEqual({
			model: 'runway',
			input: {
				prompt: 'A red balloon',
				duration: 5,
				quality: '720p',
				aspect_ratio: '9:16',
				watermark: 'brand',
			},
		});
		expect(legacyCreates()).toBe(0);
		expect(sim.tasksCreated()).toBe(2);
		expect(requestsTo(sim, 'GET', MARKET_RECORD).length).toBeGreaterThanOrEqual(2);
		expect(requestsTo(sim, 'GET', '/api/v1/runway/record-detail')).toHaveLength(0);
		for (const item of run.output('KIE')) {
			expect(item.json).toMatchObject({
				model: 'runway',
				api: 'market',
				status: 'succeeded',
				error: null,
				creditsConsumed: expect.any(Number),
			});
			expect(item.json.videoUrl).toMatch(/^http/);
			expect(item.json.completedAt).toMatch(/Z$/);
		}
	});

	test('Runway Extend: runway/extend-ai-video, model runway-extend', async () => {
		const engine = kieEngine(sim);
		const parentId = await marketRunwayTask(engine);
		const run = await runKie(
			engine,
			{
				resource: 'runway',
				operation: 'extend',
				taskId: parentId,
				prompt: 'It drifts away',
				quality: '720p',
				...FAST_POLL,
			},
			undefined,
			V11,
		);
		expect(run.status).toBe('success');
		expect(requestsTo(sim, 'POST', MARKET_CREATE)[1].body).toEqual({
			model: 'runway/extend-ai-video',
			input: { task_id: parentId, prompt: 'It drifts away', quality: '720p' },
		});
		expect(run.output('KIE')[0].json).toMatchObject({
			model: 'runway-extend',
			api: 'market',
			status: 'succeeded',
		});
		expect(legacyCreates()).toBe(0);
		expect(sim.tasksCreated()).toBe(2);
	});

	test('Aleph: runway/gen4-aleph, model aleph', async () => {
		const run = await runKie(
			kieEngine(sim),
			{
				...alephGenerate,
				additionalFields: { aspectRatio: '21:9', seed: 42, uploadCn: true, waterMark: 'studio' },
				...FAST_POLL,
			},
			undefined,
			V11,
		);
		expect(run.status).toBe('success');
		expect(requestsTo(sim, 'POST', MARKET_CREATE)[0].body).toEqual({
			model: 'runway/gen4-aleph',
			input: {
				prompt: 'Make it a watercolor painting',
				video_url: 'https://example.com/in.mp4',
				aspect_ratio: '21:9',
				seed: 42,
				upload_cn: true,
				watermark: 'studio',
			},
		});
		expect(run.output('KIE')[0].json).toMatchObject({
			model: 'aleph',
			api: 'market',
			status: 'succeeded',
		});
		expect(legacyCreates()).toBe(0);
	});
});

describe('the Market path, callback mode', () => {
	let engine: Engine;
	beforeEach(async () => {
		engine = kieEngine(sim);
		await engine.listen();
	});
	afterEach(async () => {
		await engine.close();
	});
	const callback = { completion: 'callback', completionOptions: { timeoutMinutes: 5 } };

	test.each([
		['Runway Generate', runwayGenerate, 'runway'],
		['Aleph', alephGenerate, 'aleph'],
	])(
		'%s: waits, takes the Market callback (data.taskId), one status call per task',
		async (_name, operation, model) => {
			const run = await runKie(
				engine,
				{ ...operation, ...callback },
				[{ json: {} }, { json: {} }],
				V11,
			);
			expect(run.status).toBe('waiting');
			for (const task of sim.tasks()) expect(String(task.callBackUrl)).toContain('signature=');
			const finished = await engine.whenFinished(run, 30_000);
			expect(finished.status).toBe('success');
			const items = finished.output('KIE');
			expect(items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded']);
			for (const item of items) expect(item.json).toMatchObject({ model, api: 'market' });
			expect(items.map((item) => item.json.taskId)).toEqual(sim.tasks().map((task) => task.taskId));
			expect(requestsTo(sim, 'POST', MARKET_CREATE)).toHaveLength(2);
			expect(requestsTo(sim, 'GET', MARKET_RECORD)).toHaveLength(2);
			expect(legacyCreates()).toBe(0);
		},
	);

	test('Runway Extend: the extension of a Market task, by callback', async () => {
		const parentId = await marketRunwayTask(engine);
		const run = await runKie(
			engine,
			{
				resource: 'runway',
				operation: 'extend',
				taskId: parentId,
				prompt: 'It drifts away',
				quality: '720p',
				...callback,
			},
			undefined,
			V11,
		);
		expect(run.status).toBe('waiting');
		const finished = await engine.whenFinished(run, 30_000);
		expect(finished.output('KIE')[0].json).toMatchObject({
			model: 'runway-extend',
			api: 'market',
			status: 'succeeded',
		});
		expect(sim.tasksCreated()).toBe(2);
	});
});

describe('the KIE API setting', () => {
	test('version 1 nodes send the legacy requests exactly as before (no api parameter set)', async () => {
		const run = await runKie(kieEngine(sim), {
			...runwayGenerate,
			completion: 'submit',
		});
		expect(run.status).toBe('success');
		expect(requestsTo(sim, 'POST', '/api/v1/runway/generate')[0].body).toEqual({
			prompt: 'A red balloon',
			duration: 5,
			quality: '720p',
			aspectRatio: '16:9',
			waterMark: '',
		});
		expect(requestsTo(sim, 'POST', MARKET_CREATE)).toHaveLength(0);
		expect(run.output('KIE')[0].json).toMatchObject({ api: 'legacy', status: 'queued' });
	});

	test('Legacy on version 1.1: legacy endpoints only', async () => {
		const run = await runKie(
			kieEngine(sim),
			{ ...runwayGenerate, api: 'legacy', ...FAST_POLL },
			undefined,
			V11,
		);
		expect(run.output('KIE')[0].json).toMatchObject({ api: 'legacy', status: 'succeeded' });
		expect(requestsTo(sim, 'POST', MARKET_CREATE)).toHaveLength(0);
		expect(requestsTo(sim, 'GET', MARKET_RECORD)).toHaveLength(0);
		expect(sim.tasksCreated()).toBe(1);
	});

	test('Market: never the legacy endpoint, even when the Market API refuses the model', async () => {
		sim.retire({ models: ['runway'] });
		const run = await runKie(
			kieEngine(sim),
			{ ...runwayGenerate, api: 'market', ...FAST_POLL },
			undefined,
			V11,
		);
		expect(run.status).toBe('error');
		expect(requestsTo(sim, 'POST', MARKET_CREATE)).toHaveLength(1);
		expect(legacyCreates()).toBe(0);
		expect(sim.tasksCreated()).toBe(0);
	});

	test('Automatic falls back to Legacy when the Market API has retired the model: one task per item', async () => {
		sim.retire({ models: ['runway'] });
		const run = await runKie(
			kieEngine(sim),
			{ ...runwayGenerate, ...FAST_POLL },
			[{ json: {} }, { json: {} }, { json: {} }],
			V11,
		);
		expect(run.status).toBe('success');
		expect(sim.tasksCreated()).toBe(3);
		expect(requestsTo(sim, 'POST', '/api/v1/runway/generate')).toHaveLength(3);
		expect(requestsTo(sim, 'POST', MARKET_CREATE).length).toBeLessThanOrEqual(3);
		for (const item of run.output('KIE'))
			expect(item.json).toMatchObject({ api: 'legacy', status: 'succeeded', model: 'runway' });
	});

	test.each(['code500', 'http500', 'code408', 'reset'])(
		'Automatic: no fallback after %s on the Market create (KIE may have created the task)',
		async (kind) => {
			sim.injectFault({ method: 'POST', path: MARKET_CREATE, kind, times: 1 });
			const run = await runKie(kieEngine(sim), { ...runwayGenerate, ...FAST_POLL }, undefined, V11);
			expect(run.status).toBe('error');
			expect(String(run.error?.description)).toMatch(/may have created/i);
			expect(requestsTo(sim, 'POST', MARKET_CREATE)).toHaveLength(1);
			expect(legacyCreates()).toBe(0);
		},
	);

	test('Aleph discontinued on both APIs: the error says so and names the alternatives', async () => {
		sim.retire({ models: ['runway/gen4-aleph'], paths: ['/api/v1/aleph/generate'] });
		const run = await runKie(kieEngine(sim), { ...alephGenerate, ...FAST_POLL }, undefined, V11);
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe('KIE no longer offers Runway Aleph (video to video)');
		expect(String(run.error?.description)).toMatch(/Runway Gen4.*Wan 2\.6 video-to-video/s);
		expect(sim.tasksCreated()).toBe(0);
	});

	test('Luma Modify answered 404: the error says KIE no longer serves it', async () => {
		sim.retire({ paths: ['/api/v1/modify/generate'] });
		const run = await runKie(kieEngine(sim), {
			resource: 'luma',
			operation: 'modify',
			prompt: 'Make it night',
			videoSource: 'url',
			videoUrl: 'https://example.com/in.mp4',
			completion: 'submit',
		});
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe('KIE no longer serves Luma Modify');
		expect(sim.tasksCreated()).toBe(0);
	});
});

describe('Get across both APIs', () => {
	test('a legacy id and a Market id are each read with one status call', async () => {
		const engine = kieEngine(sim);
		const legacy = await runKie(engine, { ...runwayGenerate, completion: 'submit' });
		const market = await runKie(
			engine,
			{ ...runwayGenerate, completion: 'submit' },
			undefined,
			V11,
		);
		const legacyId = legacy.output('KIE')[0].json.taskId as string;
		const marketId = market.output('KIE')[0].json.taskId as string;
		for (const id of [legacyId, marketId]) sim.completeTask(id);
		const before = sim.requests.length;
		const got = await runKie(
			engine,
			{ resource: 'runway', operation: 'get', taskId: '={{ $json.id }}' },
			[{ json: { id: legacyId } }, { json: { id: marketId } }],
			V11,
		);
		expect(got.status).toBe('success');
		expect(got.output('KIE').map((item) => item.json.api)).toEqual(['legacy', 'market']);
		expect(got.output('KIE').map((item) => item.json.status)).toEqual(['succeeded', 'succeeded']);
		expect(sim.requests.slice(before).filter((request) => request.method === 'GET')).toHaveLength(
			2,
		);
	});

	test('an extension read through Get says runway-extend (legacy record-detail)', async () => {
		const engine = kieEngine(sim);
		const first = await runKie(engine, { ...runwayGenerate, ...FAST_POLL });
		const parentId = first.output('KIE')[0].json.taskId as string;
		const extended = await runKie(engine, {
			resource: 'runway',
			operation: 'extend',
			taskId: parentId,
			prompt: 'On it goes',
			quality: '720p',
			...FAST_POLL,
		});
		const got = await runKie(engine, {
			resource: 'runway',
			operation: 'get',
			taskId: extended.output('KIE')[0].json.taskId,
		});
		expect(got.output('KIE')[0].json).toMatchObject({
			model: 'runway-extend',
			parentTaskId: parentId,
		});
	});

	test('an id neither API knows: the error says so', async () => {
		const got = await runKie(
			kieEngine(sim),
			{ resource: 'aleph', operation: 'get', taskId: 'task_12345678' },
			undefined,
			V11,
		);
		expect(got.status).toBe('error');
		expect(got.error?.message).toBe('KIE has no record of Runway Aleph task "task_12345678"');
		expect(requestsTo(sim, 'GET', MARKET_RECORD)).toHaveLength(1);
		expect(requestsTo(sim, 'GET', '/api/v1/aleph/record-info')).toHaveLength(1);
	});
});

describe('rules no stricter than KIE pages', () => {
	test('an Extend prompt over 1,800 characters passes validation (KIE states no limit)', async () => {
		const engine = kieEngine(sim);
		const first = await runKie(engine, { ...runwayGenerate, ...FAST_POLL });
		const prompt = 'x'.repeat(2000);
		await runKie(engine, {
			resource: 'runway',
			operation: 'extend',
			taskId: first.output('KIE')[0].json.taskId,
			prompt,
			quality: '720p',
			completion: 'submit',
		});
		expect(requestsTo(sim, 'POST', '/api/v1/runway/extend')[0].body.prompt).toBe(prompt);
	});

	test('an Aleph watermark over 20 characters passes validation (KIE only recommends 1-20)', async () => {
		const waterMark = 'a watermark of 29 characters.';
		await runKie(kieEngine(sim), {
			...alephGenerate,
			additionalFields: { waterMark },
			completion: 'submit',
		});
		expect(requestsTo(sim, 'POST', '/api/v1/aleph/generate')[0].body.waterMark).toBe(waterMark);
	});

	// With an https:// KIE base URL (real KIE), http:// media URLs used to be refused. The base URL
	// here speaks TLS to a plain-http port, so a request that passes validation fails on the wire.
	function httpsEngine(): Engine {
		return createEngine({
			nodeTypes: { [KIE]: Kie, [KIE_TRIGGER]: KieTrigger },
			credentialTypes: { [CREDENTIAL_TYPE]: KieApi },
			credentials: {
				[CREDENTIAL_TYPE]: {
					id: '1',
					name: 'KIE (https)',
					data: {
						apiKey: API_KEY,
						baseUrl: sim.baseUrl.replace(/^http:/, 'https:'),
						uploadBaseUrl: sim.uploadBaseUrl,
					},
				},
			},
		});
	}

	test.each([
		[
			'Runway image',
			{ ...runwayGenerate, imageSource: 'url', imageUrl: 'http://example.com/cat.png' },
		],
		[
			'Luma video',
			{
				resource: 'luma',
				operation: 'modify',
				prompt: 'Night',
				videoSource: 'url',
				videoUrl: 'http://example.com/in.mp4',
			},
		],
	])('an http:// %s URL passes validation with real KIE', async (_name, parameters) => {
		const run = await runKie(httpsEngine(), { ...parameters, completion: 'submit' });
		expect(run.status).toBe('error');
		expect(run.error?.message).not.toMatch(/must be an https/);
		expect(String(run.error?.description)).not.toContain('Nothing was sent to KIE');
	});

	test('Aleph still asks for https (its page does)', async () => {
		const run = await runKie(httpsEngine(), {
			...alephGenerate,
			videoUrl: 'http://example.com/in.mp4',
			completion: 'submit',
		});
		expect(run.status).toBe('error');
		expect(run.error?.message).toMatch(/must be an https/);
	});
});
