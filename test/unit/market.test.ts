import { parseCallback } from '../../nodes/Kie/kie/callbacks';
import { MARKET_RECORD_SCHEMA, marketRecordToTask, MODELS } from '../../nodes/Kie/kie/models';
import { apiOrderFor, marketBody } from '../../nodes/Kie/kie/taskApi';
import { provesNoTaskCreated } from '../../nodes/Kie/transport';
import { apisFor } from '../../nodes/Kie/helpers/completion';
import { loadWaitingRun, saveWaitingRun, apiOf } from '../../nodes/Kie/helpers/waitState';
import { marketInput as runwayMarketInput } from '../../nodes/Kie/actions/runway/generate.operation';
import { marketInput as extendMarketInput } from '../../nodes/Kie/actions/runway/extend.operation';
import { marketInput as alephMarketInput } from '../../nodes/Kie/actions/aleph/generate.operation';

// KIE's Market API (docs/kie-api.md §11): its record (the fourth status model), its callback, the
// rule for falling back to the legacy API, and how Market task ids are kept while waiting.

function market(
	record: Record<string, unknown>,
	expected: 'runway' | 'runway-extend' | 'aleph' = 'runway',
) {
	return marketRecordToTask(expected, MARKET_RECORD_SCHEMA.parse(record));
}

// KIE's English example, with a Runway model id.
const example = {
	taskId: 'task_12345678',
	model: 'runway',
	state: 'success',
	param:
		'{"model":"runway","callBackUrl":"https://your-domain.com/api/callback","input":{"prompt":"cat"}}',
	resultJson: '{"resultUrls":["https://example.com/generated-content.mp4"]}',
	failCode: '',
	failMsg: '',
	costTime: 15000,
	completeTime: 1698765432000,
	createTime: 1698765400000,
	updateTime: 1698765432000,
	creditsConsumed: 12,
};

describe('Market record (the fourth status model)', () => {
	it.each([
		['waiting', 'queued'],
		['queuing', 'queued'],
		['generating', 'processing'],
		['success', 'succeeded'],
		['fail', 'failed'],
		['something-new', 'processing'],
	])('state %s -> %s', (state, status) => {
		expect(market({ ...example, state }).status).toBe(status);
	});

	it("maps KIE's example: URLs from resultJson, epoch-ms times as ISO, credits, api", () => {
		const task = market(example);
		expect(task).toMatchObject({
			taskId: 'task_12345678',
			model: 'runway',
			status: 'succeeded',
			videoUrl: 'https://example.com/generated-content.mp4',
			videoUrls: ['https://example.com/generated-content.mp4'],
			createdAt: new Date(1698765400000).toISOString(),
			completedAt: new Date(1698765432000).toISOString(),
			api: 'market',
			creditsConsumed: 12,
			error: null,
		});
		expect(task.raw).toEqual(example);
		// A Market result is promised for 24 hours only (docs/kie-api.md §11).
		expect(task.expiresAt).toBe(new Date(1698765432000 + 24 * 3600_000).toISOString());
	});

	it('reads bad JSON in param and resultJson as nothing, not as a crash', () => {
		const task = market({ ...example, param: '{not json', resultJson: 'nope' });
		expect(task.status).toBe('succeeded');
		expect(task.videoUrls).toEqual([]);
	});

	it('maps a failure with failCode and failMsg', () => {
		const task = market({
			...example,
			state: 'fail',
			resultJson: '',
			failCode: '501',
			failMsg: 'Generation failed',
		});
		expect(task.error).toEqual({ code: 501, message: 'Generation failed' });
		expect(task.videoUrls).toEqual([]);
	});

	it('names the model from the record: extend and Aleph keep their public names', () => {
		expect(market({ ...example, model: 'runway/extend-ai-video' }).model).toBe('runway-extend');
		expect(market({ ...example, model: 'runway/gen4-aleph' }).model).toBe('aleph');
		expect(market({ ...example, model: null }, 'aleph').model).toBe('aleph');
		const other = market({ ...example, model: 'kling-2.6/text-to-video' });
		// Issue 12: a Market model the node has no own name for is called by KIE's id (docs/design.md).
		expect(other).toMatchObject({
			model: 'kling-2.6/text-to-video',
			marketModel: 'kling-2.6/text-to-video',
		});
	});

	it('reports an expired result (expireFlag 1) as failed with the code "expired"', () => {
		const task = market({ ...example, expireFlag: 1 });
		expect(task.status).toBe('failed');
		expect(task.videoUrl).toBeNull();
		expect(task.error?.code).toBe('expired');
		expect(task.error?.message).toMatch(/14 days/);
	});
});

describe('legacy Runway record', () => {
	const record = {
		taskId: 'ee603959-debb-48d1-98c4-a6d1c717eba6',
		parentTaskId: '',
		state: 'success',
		generateTime: '2023-08-15 14:30:45',
		videoInfo: { videoUrl: 'https://file.com/k/x.mp4', imageUrl: 'https://file.com/m/x.png' },
		expireFlag: 0,
	};
	const toTask = (data: object) => MODELS.runway.toTask(MODELS.runway.recordSchema.parse(data));

	it('says which API ran it', () => {
		expect(toTask(record).api).toBe('legacy');
	});

	it('an extension (parentTaskId set) is a runway-extend task, also when read as Runway', () => {
		expect(toTask({ ...record, parentTaskId: 'aaaaaaaa-debb-48d1-98c4-a6d1c717eba6' }).model).toBe(
			'runway-extend',
		);
	});

	it('expireFlag 1: failed with the code "expired", not a success with a dead link', () => {
		const task = toTask({ ...record, expireFlag: 1 });
		expect(task).toMatchObject({ status: 'failed', videoUrl: null, expiresAt: null });
		expect(task.error).toMatchObject({ code: 'expired' });
		expect(task.error?.message).toMatch(/14 days.*run the generation again/s);
	});
});

describe('Market callback', () => {
	const body = {
		code: 200,
		msg: 'success',
		data: { ...example, taskId: 'c0ffee00c0ffee00c0ffee00c0ffee00' },
	};

	it('takes the task id from data.taskId and knows it is a Market callback', () => {
		const parsed = parseCallback(body);
		expect(parsed).toMatchObject({
			taskId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
			modelHint: 'runway',
			api: 'market',
			status: 'succeeded',
			videoUrls: ['https://example.com/generated-content.mp4'],
		});
	});

	it('reads a failure (code 501, state fail) with failMsg', () => {
		const parsed = parseCallback({
			code: 501,
			msg: 'failed',
			data: { ...body.data, state: 'fail', resultJson: '', failMsg: 'Bad input' },
		});
		expect(parsed).toMatchObject({ status: 'failed', error: { code: 501, message: 'Bad input' } });
	});

	it('other Market models are "market", with the model id kept', () => {
		const parsed = parseCallback({
			...body,
			data: { ...body.data, model: 'wan/2-6-video-to-video' },
		});
		expect(parsed).toMatchObject({ modelHint: 'market', marketModel: 'wan/2-6-video-to-video' });
	});

	it('still reads Luma callbacks (camelCase data.taskId, no state) as Luma', () => {
		const parsed = parseCallback({
			code: 200,
			msg: 'ok',
			data: {
				taskId: '774d9a7dd608a0e49293903095e45a4c',
				promptJson: '{}',
				resultUrls: ['https://x/y.mp4'],
			},
		});
		expect(parsed).toMatchObject({ modelHint: 'luma', api: 'legacy' });
	});
});

describe('which answers prove that no task was created (the fallback rule)', () => {
	const code = (value: number) => ({ type: 'code', code: value }) as const;

	it('an HTTP 404 on the path', () => {
		expect(
			provesNoTaskCreated({ httpStatus: 404, failure: code(404), kieMessage: 'Not Found' }),
		).toBe(true);
	});

	it.each([
		[422, 'The model runway is not supported'],
		[422, 'The model runway/gen4-aleph is discontinued'],
		[400, 'Unknown model: runway'],
		[404, 'model not found'],
	])('body code %i "%s"', (bodyCode, kieMessage) => {
		expect(provesNoTaskCreated({ httpStatus: 200, failure: code(bodyCode), kieMessage })).toBe(
			true,
		);
	});

	it.each([
		['a timeout', { type: 'timeout' } as const, undefined],
		['a reset', { type: 'network', code: 'ECONNRESET' } as const, undefined],
		['408', code(408), 'The model is not supported'],
		['500', code(500), 'The model is not supported'],
		['502', code(502), undefined],
		['a 422 about a field', code(422), 'prompt is required'],
		['429', code(429), 'Rate limited'],
	])('never %s', (_name, failure, kieMessage) => {
		expect(provesNoTaskCreated({ httpStatus: 200, failure, kieMessage })).toBe(false);
	});
});

describe('API choice', () => {
	it('Automatic is the Market API, then legacy; Market and Legacy are one API each', () => {
		expect(apisFor('automatic')).toEqual(['market', 'legacy']);
		expect(apisFor('market')).toEqual(['market']);
		expect(apisFor('legacy')).toEqual(['legacy']);
	});

	it('Get reads a UUID on the legacy API first, any other id on the Market API first', () => {
		expect(apiOrderFor('runway', 'ee603959-debb-48d1-98c4-a6d1c717eba6')).toEqual([
			'legacy',
			'market',
		]);
		expect(apiOrderFor('aleph', 'task_12345678')).toEqual(['market', 'legacy']);
		expect(apiOrderFor('luma', 'task_12345678')).toEqual(['legacy']);
	});
});

describe('Market create bodies', () => {
	it('wraps the input with the model id and the callback URL', () => {
		expect(marketBody('runway-extend', { task_id: 'x' }, 'https://cb')).toEqual({
			model: 'runway/extend-ai-video',
			callBackUrl: 'https://cb',
			input: { task_id: 'x' },
		});
		expect(marketBody('aleph', { prompt: 'p' })).toEqual({
			model: 'runway/gen4-aleph',
			input: { prompt: 'p' },
		});
	});

	it('sends the same values snake_case', () => {
		expect(
			runwayMarketInput({
				prompt: 'p',
				duration: 5,
				quality: '720p',
				aspectRatio: '16:9',
				waterMark: '',
			}),
		).toEqual({ prompt: 'p', duration: 5, quality: '720p', aspect_ratio: '16:9' });
		expect(
			runwayMarketInput({
				prompt: 'p',
				duration: 5,
				quality: '720p',
				imageUrl: 'https://i',
				waterMark: 'w',
			}),
		).toEqual({
			prompt: 'p',
			duration: 5,
			quality: '720p',
			image_url: 'https://i',
			watermark: 'w',
		});
		expect(extendMarketInput({ taskId: 't', prompt: 'p', quality: '720p', waterMark: '' })).toEqual(
			{
				task_id: 't',
				prompt: 'p',
				quality: '720p',
			},
		);
		expect(
			alephMarketInput({
				prompt: 'p',
				videoUrl: 'https://v',
				referenceImage: 'https://r',
				seed: 3,
				uploadCn: false,
				waterMark: 'w',
				aspectRatio: '21:9',
			}),
		).toEqual({
			prompt: 'p',
			video_url: 'https://v',
			reference_image: 'https://r',
			seed: 3,
			upload_cn: false,
			watermark: 'w',
			aspect_ratio: '21:9',
		});
	});
});

describe('callback-mode state with Market tasks', () => {
	function customData() {
		const store: Record<string, string> = {};
		return {
			set: (key: string, value: string) => (store[key] = String(value).slice(0, 512)),
			setAll: () => undefined,
			get: (key: string) => store[key],
			getAll: () => ({ ...store }),
			store,
		};
	}

	it('keeps Market ids of any format and which API each item ran on', () => {
		const data = customData();
		const run = {
			model: 'runway' as const,
			deadline: 1_800_000_000_000,
			taskIds: [
				'task_12345678',
				null,
				'ee603959-debb-48d1-98c4-a6d1c717eba6',
				'c0ffee00c0ffee00c0ffee00c0ffee00',
			],
			apis: ['market', 'legacy', 'legacy', 'market'] as Array<'market' | 'legacy'>,
		};
		saveWaitingRun(data as never, 'node-1', run);
		const loaded = loadWaitingRun(data as never, 'node-1')!;
		expect(loaded.taskIds).toEqual(run.taskIds);
		expect(loaded.taskIds.map((_, index) => apiOf(loaded, index))).toEqual(run.apis);
	});

	it('saves an all-legacy run exactly as before (no API part), and reads old runs as legacy', () => {
		const data = customData();
		saveWaitingRun(data as never, 'n', {
			model: 'luma',
			deadline: 36,
			taskIds: ['abc'],
			apis: ['legacy'],
		});
		expect(Object.values(data.store)).toEqual(['luma|10|rabc']);
		expect(apiOf(loadWaitingRun(data as never, 'n')!, 0)).toBe('legacy');
	});

	it('an all-Market run costs two characters', () => {
		const data = customData();
		saveWaitingRun(data as never, 'n', {
			model: 'aleph',
			deadline: 36,
			taskIds: ['a', 'b'],
			apis: ['market', 'market'],
		});
		expect(Object.values(data.store)).toEqual(['aleph|10|ra,rb|m']);
	});
});
