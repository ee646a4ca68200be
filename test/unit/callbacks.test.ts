import { parseCallback } from '../../nodes/Kie/kie/callbacks';

// Callback bodies exactly as KIE documents them (docs/kie-api.md §6).

describe('parseCallback', () => {
	it('reads a Runway success (snake_case data)', () => {
		const body = {
			code: 200,
			msg: 'All generated successfully.',
			data: {
				task_id: 'r1',
				video_id: 'v1',
				video_url: 'https://file.com/k/x.mp4',
				image_url: 'https://file.com/m/x.png',
			},
		};
		expect(parseCallback(body)).toMatchObject({
			taskId: 'r1',
			modelHint: 'runway',
			status: 'succeeded',
			videoUrls: ['https://file.com/k/x.mp4'],
			thumbnailUrl: 'https://file.com/m/x.png',
			error: null,
			callback: { code: 200, msg: 'All generated successfully.' },
		});
	});

	it('reads a Runway failure whose data keys are all empty strings', () => {
		const body = {
			code: 400,
			msg: 'Inappropriate content detected.',
			data: { task_id: 'r1', video_id: '', video_url: '', image_url: '' },
		};
		expect(parseCallback(body)).toMatchObject({
			taskId: 'r1',
			status: 'failed',
			videoUrls: [],
			thumbnailUrl: null,
			error: { code: 400, message: 'Inappropriate content detected.' },
		});
	});

	it('reads an extend failure whose data holds only task_id', () => {
		const body = { code: 400, msg: 'Get image info failed.', data: { task_id: 'e1' } };
		expect(parseCallback(body)).toMatchObject({
			taskId: 'e1',
			modelHint: 'runway',
			status: 'failed',
		});
	});

	it('reads the Aleph callback page shape (top-level taskId, data null on failure)', () => {
		const ok = {
			code: 200,
			msg: 'success',
			data: {
				result_video_url: 'https://file.com/a.mp4',
				result_image_url: 'https://file.com/a.png',
			},
			taskId: 'a1',
		};
		expect(parseCallback(ok)).toMatchObject({
			taskId: 'a1',
			modelHint: 'aleph',
			status: 'succeeded',
			videoUrls: ['https://file.com/a.mp4'],
			thumbnailUrl: 'https://file.com/a.png',
		});
		const failed = {
			code: 400,
			msg: 'Your prompt was caught by our AI moderator.',
			data: null,
			taskId: 'a1',
		};
		expect(parseCallback(failed)).toMatchObject({
			taskId: 'a1',
			modelHint: 'aleph',
			status: 'failed',
			error: { code: 400 },
		});
	});

	it("reads the Aleph OpenAPI shape, which copies Runway's", () => {
		const body = {
			code: 200,
			msg: 'All generated successfully.',
			data: { task_id: 'a2', video_id: 'v', video_url: 'https://file.com/a2.mp4', image_url: '' },
		};
		expect(parseCallback(body)).toMatchObject({
			taskId: 'a2',
			status: 'succeeded',
			videoUrls: ['https://file.com/a2.mp4'],
			thumbnailUrl: null,
		});
	});

	it('reads Luma success and its code-500 failure', () => {
		const ok = {
			code: 200,
			msg: 'Modify record generated successfully.',
			data: { taskId: 'l1', promptJson: '{}', resultUrls: ['https://t.com/1.mp4'] },
		};
		expect(parseCallback(ok)).toMatchObject({
			taskId: 'l1',
			modelHint: 'luma',
			status: 'succeeded',
			videoUrls: ['https://t.com/1.mp4'],
		});
		const failed = {
			code: 500,
			msg: 'Modify record generation failed.',
			data: { taskId: 'l1', promptJson: '{}' },
		};
		expect(parseCallback(failed)).toMatchObject({
			taskId: 'l1',
			modelHint: 'luma',
			status: 'failed',
			error: { code: 500, message: 'Modify record generation failed.' },
		});
	});

	it('reads the signed example with both taskId and data.task_id', () => {
		const body = {
			taskId: 'ee9c',
			code: 200,
			msg: 'Success',
			data: { task_id: 'ee9c', callbackType: 'task_completed' },
		};
		expect(parseCallback(body)).toMatchObject({ taskId: 'ee9c', modelHint: 'runway' });
	});

	it.each([
		[{ msg: 'no code' }, 'no "code" field'],
		['not an object', 'no "code" field'],
		[{ code: 200, data: {} }, 'names no task id'],
	])('refuses %p', (body, reason) => {
		const parsed = parseCallback(body);
		expect('invalid' in parsed && parsed.invalid).toContain(reason);
	});
});
