import { MODELS } from '../../nodes/Kie/kie/models';
import { toIsoTime, expiryOf } from '../../nodes/Kie/kie/time';

// Record examples are KIE's own (docs/kie-api.md §2, §4b, §5b), including the older doc revisions.

function parseAndMap(model: keyof typeof MODELS, record: unknown) {
	const adapter = MODELS[model];
	const parsed = adapter.recordSchema.parse(record);
	return adapter.toTask(parsed);
}

describe('Runway record', () => {
	const success = {
		taskId: 'ee603959-debb-48d1-98c4-a6d1c717eba6',
		parentTaskId: '',
		generateParam: { prompt: 'cat', imageUrl: 'https://example.com/image.jpg', expandPrompt: true },
		state: 'success',
		generateTime: '2023-08-15 14:30:45',
		videoInfo: {
			videoId: '485da89c',
			taskId: 'ee603959-debb-48d1-98c4-a6d1c717eba6',
			videoUrl: 'https://file.com/k/x.mp4',
			imageUrl: 'https://file.com/m/x.png',
		},
		failCode: 400,
		failMsg: 'Generation failed, please try again later',
		expireFlag: 0,
	};

	it('maps success with URLs, zone-less ISO time and a 14-day expiry', () => {
		const task = parseAndMap('runway', success);
		expect(task).toMatchObject({
			taskId: success.taskId,
			model: 'runway',
			status: 'succeeded',
			videoUrl: 'https://file.com/k/x.mp4',
			videoUrls: ['https://file.com/k/x.mp4'],
			thumbnailUrl: 'https://file.com/m/x.png',
			error: null,
			completedAt: '2023-08-15T14:30:45',
			expiresAt: '2023-08-29T14:30:45',
		});
		expect(task.parentTaskId).toBeUndefined();
		expect(task.raw).toEqual(success);
	});

	it.each([
		['wait', 'queued'],
		['queueing', 'queued'],
		['generating', 'processing'],
		['something-new', 'processing'],
	])('maps state %s to %s with no URLs yet', (state, status) => {
		const task = parseAndMap('runway', { ...success, state, videoInfo: null });
		expect(task.status).toBe(status);
		expect(task.videoUrls).toEqual([]);
		expect(task.completedAt).toBeNull();
		expect(task.error).toBeNull();
	});

	it("maps a failure with KIE's code and message, accepting the older string failCode", () => {
		const task = parseAndMap('runway', {
			...success,
			state: 'fail',
			videoInfo: null,
			failCode: '400',
			failMsg: 'Incorrect image format',
		});
		expect(task.status).toBe('failed');
		expect(task.error).toEqual({ code: 400, message: 'Incorrect image format' });
		expect(task.videoUrl).toBeNull();
	});

	it('accepts the older revision with an empty-string failCode and numeric ids', () => {
		const task = parseAndMap('runway', {
			...success,
			id: 12345,
			parentId: 0,
			failCode: '',
			state: 'fail',
			failMsg: '',
		});
		expect(task.error).toEqual({ code: '', message: 'Runway generation failed' });
	});

	it('keeps parentTaskId for extend tasks', () => {
		const task = parseAndMap('runway-extend', { ...success, parentTaskId: 'parent-1' });
		expect(task).toMatchObject({ model: 'runway-extend', parentTaskId: 'parent-1' });
	});
});

describe('Aleph record', () => {
	const processing = {
		taskId: 'a1',
		paramJson: '{"prompt":"x"}',
		response: null,
		completeTime: null,
		createTime: '2023-08-15T14:25:00Z',
		successFlag: 0,
		errorCode: 0,
		errorMessage: '',
	};

	it('is processing while successFlag is 0 without an error message', () => {
		const task = parseAndMap('aleph', processing);
		expect(task).toMatchObject({
			status: 'processing',
			createdAt: '2023-08-15T14:25:00.000Z',
			completedAt: null,
			error: null,
		});
	});

	it('is failed when successFlag is 0 with an error message', () => {
		const task = parseAndMap('aleph', {
			...processing,
			errorCode: 400,
			errorMessage: 'Your prompt was caught by our AI moderator.',
		});
		expect(task.status).toBe('failed');
		expect(task.error).toEqual({
			code: 400,
			message: 'Your prompt was caught by our AI moderator.',
		});
	});

	it('is succeeded with result URLs when successFlag is 1', () => {
		const task = parseAndMap('aleph', {
			...processing,
			successFlag: 1,
			completeTime: '2023-08-15T14:30:45Z',
			response: {
				taskId: 'a1',
				resultVideoUrl: 'https://file.com/a.mp4',
				resultImageUrl: 'https://file.com/a.png',
			},
		});
		expect(task).toMatchObject({
			status: 'succeeded',
			videoUrl: 'https://file.com/a.mp4',
			thumbnailUrl: 'https://file.com/a.png',
			completedAt: '2023-08-15T14:30:45.000Z',
			expiresAt: '2023-08-29T14:30:45.000Z',
		});
	});

	it('reads the undocumented flags 2 and 3 as failures', () => {
		expect(parseAndMap('aleph', { ...processing, successFlag: 2 }).status).toBe('failed');
		expect(parseAndMap('aleph', { ...processing, successFlag: 3 }).status).toBe('failed');
	});
});

describe('Luma record', () => {
	const base = {
		taskId: '774d9a7dd608a0e49293903095e45a4c',
		paramJson: '{"prompt":"x","videoUrl":"https://e.com/v.mp4","waterMark":""}',
		createTime: 1755078000000,
		completeTime: 1755078480000,
		errorCode: null,
		errorMessage: null,
	};

	it.each([
		[0, 'processing'],
		[1, 'succeeded'],
		[2, 'failed'],
		[3, 'failed'],
		[4, 'succeeded'],
	])('maps successFlag %s to %s', (successFlag, status) => {
		const response =
			successFlag === 1 || successFlag === 4
				? {
						taskId: base.taskId,
						originUrls: ['https://e.com/v.mp4'],
						resultUrls: ['https://r.com/1.mp4', 'https://r.com/2.mp4'],
					}
				: undefined;
		const task = parseAndMap('luma', { ...base, successFlag, response });
		expect(task.status).toBe(status);
		if (status === 'succeeded') {
			expect(task.videoUrls).toEqual(['https://r.com/1.mp4', 'https://r.com/2.mp4']);
			expect(task.videoUrl).toBe('https://r.com/1.mp4');
			expect(task.completedAt).toBe('2025-08-13T09:48:00.000Z');
		} else {
			expect(task.videoUrls).toEqual([]);
		}
		expect(task.createdAt).toBe('2025-08-13T09:40:00.000Z');
	});

	it('gives failed tasks a message even when KIE sends none', () => {
		const task = parseAndMap('luma', { ...base, successFlag: 3 });
		expect(task.error).toEqual({ code: null, message: 'Luma modify failed' });
	});
});

describe('time', () => {
	it.each([
		[1755078480000, '2025-08-13T09:48:00.000Z'],
		['1755078480000', '2025-08-13T09:48:00.000Z'],
		['2023-08-15T14:30:45Z', '2023-08-15T14:30:45.000Z'],
		['2023-08-15 14:30:45', '2023-08-15T14:30:45'],
		[null, null],
		['', null],
		['not a time', null],
	])('toIsoTime(%p) = %p', (input, expected) => {
		expect(toIsoTime(input)).toBe(expected);
	});

	it('expires 14 days after completion, keeping the zone convention', () => {
		expect(expiryOf('2023-08-15T14:30:45')).toBe('2023-08-29T14:30:45');
		expect(expiryOf('2023-08-15T14:30:45.000Z')).toBe('2023-08-29T14:30:45.000Z');
		expect(expiryOf(null)).toBeNull();
	});
});
