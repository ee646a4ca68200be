import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { catalogueModel, catalogueParameters } from '../catalogue-params';
import { EXAMPLES, type Input } from '../unit/catalogue-examples';
import {
	FAST_POLL,
	kieEngine,
	requestsTo,
	runKie,
	startSimulator,
	type Simulator,
} from './kie-helpers';
import { MARKET_MODELS, type MarketModel } from '../../nodes/Kie/kie/catalogue';
import { CATALOGUE_FAMILIES } from '../../nodes/Kie/actions/catalogue';

// KIE's video catalogue through the KIE node and n8n-core's engine against the simulator: every
// curated model creates with its page's example and ends in the normalized task (poll), each family
// pauses and resumes on KIE's callback, bad input is refused before any request (at least three
// rules per model), binaries are uploaded first, Get reads each family, and "Other Market Model"
// takes any model id with JSON input.

const MARKET_CREATE = '/api/v1/jobs/createTask';
const VEO_CREATE = '/api/v1/veo/generate';
const V11 = { typeVersion: 1.1 };

let sim: Simulator;

beforeAll(async () => {
	sim = await startSimulator({ callbackRetryDelayMs: 200, taskDurationMs: 800 });
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => sim.reset());

const isVeo = (model: MarketModel) => model.api === 'veoLegacy';

/** The create request the simulator received for `model`, and the body KIE was sent. */
function createsOf(model: MarketModel) {
	return requestsTo(sim, 'POST', isVeo(model) ? VEO_CREATE : MARKET_CREATE);
}

/** What KIE must have received for `input`: Veo's fields at the top level, the rest in `input`. */
function expectedBody(model: MarketModel, input: Input): IDataObject {
	// KIE's examples send '' for "none"; the node leaves such a field out.
	const given = Object.fromEntries(
		Object.entries(input).filter(([, value]) => value !== ''),
	) as IDataObject;
	return isVeo(model) ? { ...model.fixed, ...given } : { model: model.id, input: given };
}

describe('every curated model, poll mode: one task from the page example, the normalized output', () => {
	test.each(MARKET_MODELS.map((model) => [model.id]))('%s', async (id) => {
		const model = catalogueModel(id);
		const input = EXAMPLES[id].valid[0];
		const run = await runKie(
			kieEngine(sim),
			{ ...catalogueParameters(id, input), ...FAST_POLL },
			undefined,
			V11,
		);
		expect(run.error?.message).toBeUndefined();
		expect(run.status).toBe('success');
		const creates = createsOf(model);
		expect(creates).toHaveLength(1);
		expect(sim.tasksCreated()).toBe(1);
		expect(creates[0].body).toMatchObject(expectedBody(model, input));
		const [item] = run.output('KIE');
		expect(item.json).toMatchObject({
			model: isVeo(model) ? 'veo' : id,
			api: isVeo(model) ? 'legacy' : 'market',
			status: 'succeeded',
			error: null,
		});
		expect(item.json.videoUrl).toMatch(/^http/);
		// ISO 8601; Veo's record gives no time zone, so its times stay zone-less (kie/time.ts).
		expect(item.json.completedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
		expect(item.json.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
	});
});

/** Bad inputs every entry yields from its own fields, beside the page-specific ones of EXAMPLES. */
function genericRefusals(
	model: MarketModel,
	valid: Input,
): Array<{ breaks: string; input: Input; field: string }> {
	const cases: Array<{ breaks: string; input: Input; field: string }> = [];
	for (const field of model.fields) {
		if (field.required && !['boolean', 'options'].includes(field.type)) {
			cases.push({
				breaks: `${field.name} left empty`,
				input: { ...valid, [field.name]: '' },
				field: field.name,
			});
		}
		if (field.type === 'options') {
			cases.push({
				breaks: `${field.name} not one of the options`,
				input: { ...valid, [field.name]: 'no-such-value' },
				field: field.name,
			});
		}
		if (field.maxLength !== undefined) {
			cases.push({
				breaks: `${field.name} too long`,
				input: { ...valid, [field.name]: 'x'.repeat(field.maxLength + 1) },
				field: field.name,
			});
		}
		if (field.max !== undefined && ['number', 'integer'].includes(field.type)) {
			cases.push({
				breaks: `${field.name} above its maximum`,
				input: { ...valid, [field.name]: field.max + 1 },
				field: field.name,
			});
		}
		// Values of the wrong type, as an expression can produce them.
		if (field.type === 'boolean') {
			cases.push({
				breaks: `${field.name} not true or false`,
				input: { ...valid, [field.name]: '={{ "yes" }}' },
				field: field.name,
			});
		}
		if (field.type === 'string' || field.type === 'prompt') {
			cases.push({
				breaks: `${field.name} not text`,
				input: { ...valid, [field.name]: '={{ 5 }}' },
				field: field.name,
			});
		}
		if (['imageUrl', 'videoUrl', 'audioUrl'].includes(field.type)) {
			cases.push({
				breaks: `${field.name} not a URL`,
				input: { ...valid, [field.name]: 'not a link' },
				field: field.name,
			});
		}
	}
	return cases;
}

/**
 * Runs a refused case: n8n itself refuses a required parameter left empty before the node runs
 * (WorkflowHasIssuesError, naming the parameter), the node refuses the rest; either way, an error.
 */
async function runRefused(
	...args: Parameters<typeof runKie>
): Promise<{ status: string; error?: Error }> {
	try {
		return await runKie(...args);
	} catch (error) {
		return { status: 'error', error: error as Error };
	}
}

describe('bad input is refused before any request, naming the field and the rule (≥ 3 rules per model)', () => {
	test.each(MARKET_MODELS.map((model) => [model.id]))('%s', async (id) => {
		const model = catalogueModel(id);
		const valid = EXAMPLES[id].valid[0];
		// A case that leaves out a field the form always fills (it has a default) cannot be entered
		// in n8n: the node sends the default, which KIE accepts.
		const enterable = EXAMPLES[id].refusals.filter((refusal) => {
			const field = model.fields.find((candidate) => candidate.name === refusal.field);
			return !(field?.default !== undefined && refusal.input[refusal.field] === undefined);
		});
		const cases = [...enterable, ...genericRefusals(model, valid)];
		const refusedFields = new Set<string>();
		const engine = kieEngine(sim);
		for (const refusal of cases) {
			sim.reset();
			const run = await runRefused(
				engine,
				{ ...catalogueParameters(id, refusal.input), ...FAST_POLL },
				undefined,
				V11,
			);
			expect({ breaks: refusal.breaks, status: run.status }).toEqual({
				breaks: refusal.breaks,
				status: 'error',
			});
			const message = run.error?.message ?? '';
			const field = model.fields.find((candidate) => candidate.name === refusal.field);
			// The message names the field as the user sees it (and KIE's name), then the rule.
			expect({
				breaks: refusal.breaks,
				names: message.includes(field?.displayName ?? refusal.field),
			}).toEqual({
				breaks: refusal.breaks,
				names: true,
			});
			expect({ breaks: refusal.breaks, requests: sim.requests.length }).toEqual({
				breaks: refusal.breaks,
				requests: 0,
			});
			refusedFields.add(`${refusal.field}: ${message.replace(/\(got.*$/, '')}`);
		}
		expect(refusedFields.size).toBeGreaterThanOrEqual(3);
	});
});

describe("each family pauses and resumes on KIE's callback (callback mode)", () => {
	test.each(CATALOGUE_FAMILIES.map((family) => [family]))('%s', async (family) => {
		const model = MARKET_MODELS.find((entry) => entry.family === family)!;
		const input = EXAMPLES[model.id].valid[0];
		const engine = kieEngine(sim);
		await engine.listen();
		try {
			const run = await runKie(
				engine,
				{
					...catalogueParameters(model.id, input),
					completion: 'callback',
					completionOptions: { timeoutMinutes: 5 },
				},
				[{ json: { row: 1 } }, { json: { row: 2 } }],
				V11,
			);
			expect(run.error?.message).toBeUndefined();
			expect(run.status).toBe('waiting');
			for (const task of sim.tasks()) expect(String(task.callBackUrl)).toContain('signature=');
			const finished = await engine.whenFinished(run, 30_000);
			expect(finished.status).toBe('success');
			const items = finished.output('KIE');
			expect(items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded']);
			expect(items.map((item) => item.json.model)).toEqual(
				Array(2).fill(isVeo(model) ? 'veo' : model.id),
			);
			expect(createsOf(model)).toHaveLength(2);
			expect(sim.tasksCreated()).toBe(2);
			// KIE called back for both tasks and n8n took each call.
			await new Promise((resolve) => setTimeout(resolve, 300));
			const answered = sim.callbacks.filter((delivery) => delivery.status === 200);
			expect(new Set(answered.map((delivery) => delivery.taskId))).toEqual(
				new Set(sim.tasks().map((task) => task.taskId)),
			);
		} finally {
			await engine.close();
		}
	});
});

describe('media, Get and any Market model', () => {
	test('a binary image is uploaded first and its URL sent in the model input', async () => {
		const id = 'hailuo/02-image-to-video-pro';
		const parameters = catalogueParameters(id, EXAMPLES[id].valid[0]);
		const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(2048, 7)]);
		const item: INodeExecutionData = {
			json: {},
			binary: {
				photo: { data: png.toString('base64'), mimeType: 'image/png', fileName: 'photo.png' },
			},
		};
		const run = await runKie(
			kieEngine(sim),
			{ ...parameters, imageSource: 'binary', imageBinaryProperty: 'photo', completion: 'submit' },
			[item],
			V11,
		);
		expect(run.error?.message).toBeUndefined();
		expect(requestsTo(sim, 'POST', '/api/file-stream-upload')).toHaveLength(1);
		const [create] = requestsTo(sim, 'POST', MARKET_CREATE);
		const imageUrl = (create.body.input as IDataObject).image_url as string;
		expect(imageUrl).toMatch(new RegExp(`^${sim.uploadBaseUrl}/files/`));
		const served = Buffer.from(await (await fetch(imageUrl)).arrayBuffer());
		expect(served.equals(png)).toBe(true);
		expect(run.output('KIE')[0].json).toMatchObject({ model: id, status: 'queued', api: 'market' });
	});

	test("a binary over the page's size limit is refused before any upload", async () => {
		const id = 'hailuo/02-image-to-video-pro';
		const parameters = catalogueParameters(id, EXAMPLES[id].valid[0]);
		const big = Buffer.alloc(11 * 1024 * 1024, 1);
		const run = await runKie(
			kieEngine(sim),
			{ ...parameters, imageSource: 'binary', imageBinaryProperty: 'photo', completion: 'submit' },
			[
				{
					json: {},
					binary: {
						photo: { data: big.toString('base64'), mimeType: 'image/png', fileName: 'big.png' },
					},
				},
			],
			V11,
		);
		expect(run.status).toBe('error');
		expect(run.error?.message).toMatch(/Image.*at most 10 MB/);
		expect(sim.requests).toHaveLength(0);
	});

	test('Get reads a task of each API: Kling on recordInfo, Veo on its record endpoint', async () => {
		const engine = kieEngine(sim);
		for (const id of ['kling-2.6/text-to-video', 'veo3.1/text-to-video']) {
			const model = catalogueModel(id);
			const created = await runKie(
				engine,
				{ ...catalogueParameters(id, EXAMPLES[id].valid[0]), completion: 'submit' },
				undefined,
				V11,
			);
			const taskId = created.output('KIE')[0].json.taskId as string;
			await new Promise((resolve) => setTimeout(resolve, 1500));
			const got = await runKie(
				engine,
				{ resource: model.family, operation: 'get', taskId },
				undefined,
				V11,
			);
			expect(got.error?.message).toBeUndefined();
			expect(got.output('KIE')[0].json).toMatchObject({
				taskId,
				model: isVeo(model) ? 'veo' : id,
				status: 'succeeded',
			});
		}
		expect(requestsTo(sim, 'GET', '/api/v1/jobs/recordInfo')).toHaveLength(1);
		expect(requestsTo(sim, 'GET', '/api/v1/veo/record-info')).toHaveLength(1);
	});

	test("a model KIE has retired: the error says so in words and names the family's other models", async () => {
		const id = 'kling-2.6/text-to-video';
		sim.retire({ models: [id] });
		const run = await runKie(
			kieEngine(sim),
			{ ...catalogueParameters(id, EXAMPLES[id].valid[0]), ...FAST_POLL },
			[{ json: {} }, { json: {} }],
			V11,
		);
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe(`KIE no longer serves the model "${id}"`);
		const description = (run.error as { description?: string }).description ?? '';
		expect(description).toContain('No task was created');
		expect(description).toContain('Kling 3.0');
		expect(sim.tasksCreated()).toBe(0);
	});

	test('Other Market Model: any model id with JSON input, polled to the end, and Get', async () => {
		const engine = kieEngine(sim);
		const input = EXAMPLES['wan/2-6-text-to-video'].valid[0];
		const run = await runKie(
			engine,
			{
				resource: 'market',
				operation: 'generate',
				modelId: 'wan/2-6-text-to-video',
				input: JSON.stringify(input),
				...FAST_POLL,
			},
			undefined,
			V11,
		);
		expect(run.error?.message).toBeUndefined();
		expect(requestsTo(sim, 'POST', MARKET_CREATE)[0].body).toEqual({
			model: 'wan/2-6-text-to-video',
			input,
		});
		const task = run.output('KIE')[0].json;
		expect(task).toMatchObject({
			model: 'wan/2-6-text-to-video',
			status: 'succeeded',
			api: 'market',
		});
		const got = await runKie(
			engine,
			{ resource: 'market', operation: 'get', taskId: task.taskId },
			undefined,
			V11,
		);
		expect(got.output('KIE')[0].json).toMatchObject({ taskId: task.taskId, status: 'succeeded' });
	});

	test("Other Market Model: bad JSON, a non-object, and a known model's rule are refused before any request", async () => {
		const engine = kieEngine(sim);
		const base = { resource: 'market', operation: 'generate', ...FAST_POLL };
		const cases: Array<[IDataObject, RegExp]> = [
			[
				{ modelId: 'wan/2-6-text-to-video', input: '{"prompt": ' },
				/Input \(JSON\) must be valid JSON/,
			],
			[{ modelId: 'wan/2-6-text-to-video', input: '["a"]' }, /must be a JSON object/],
			[
				{
					modelId: 'kling-2.6/text-to-video',
					input: '{"prompt":"x","sound":false,"aspect_ratio":"4:3","duration":"5"}',
				},
				/aspect_ratio must be one of 1:1, 16:9, 9:16/,
			],
		];
		for (const [parameters, message] of cases) {
			const run = await runKie(engine, { ...base, ...parameters }, undefined, V11);
			expect(run.status).toBe('error');
			expect(run.error?.message).toMatch(message);
		}
		expect(sim.requests).toHaveLength(0);
	});
});
