import type { IDataObject } from 'n8n-workflow';

import { callbackSchema, type KieCallback } from './schemas';
import { text, type KieModel, type KieTask } from './tasks';

export interface ParsedCallback {
	taskId: string;
	/** The model the body's shape points to; Runway and extend share a shape, so it says 'runway'. */
	modelHint: KieModel;
	status: 'succeeded' | 'failed';
	videoUrls: string[];
	thumbnailUrl: string | null;
	error: KieTask['error'];
	callback: { code: number | string; msg: string | null };
	raw: IDataObject;
}

/** Where each model puts the task id (docs/kie-api.md §6): data.task_id, data.taskId, taskId. */
export function callbackTaskId(
	body: Pick<KieCallback, 'data' | 'taskId' | 'task_id'>,
): string | null {
	return (
		text(body.data?.task_id) ?? text(body.data?.taskId) ?? text(body.taskId) ?? text(body.task_id)
	);
}

/**
 * Reads any KIE callback body into one shape. Returns a reason string instead when the body is not
 * a KIE callback (no code, no task id), so callers can answer 400 without starting anything.
 */
export function parseCallback(body: unknown): ParsedCallback | { invalid: string } {
	const parsed = callbackSchema.safeParse(body);
	if (!parsed.success) return { invalid: 'the body is not a KIE callback (no "code" field)' };
	const callback = parsed.data;
	const taskId = callbackTaskId(callback);
	if (!taskId) return { invalid: 'the KIE callback names no task id' };

	const data = callback.data ?? null;
	const modelHint: KieModel =
		data && ('promptJson' in data || 'resultUrls' in data || text(data.taskId))
			? 'luma'
			: text(callback.taskId) && !text(data?.task_id)
				? 'aleph'
				: 'runway';

	const code = Number(callback.code);
	const succeeded = code === 200;
	const videoUrls = succeeded
		? [
				text(data?.video_url),
				text(data?.result_video_url),
				...(Array.isArray(data?.resultUrls) ? data.resultUrls : []).map(text),
			].filter((url): url is string => url !== null)
		: [];
	const thumbnailUrl = succeeded ? (text(data?.image_url) ?? text(data?.result_image_url)) : null;

	return {
		taskId,
		modelHint,
		status: succeeded ? 'succeeded' : 'failed',
		videoUrls,
		thumbnailUrl,
		error: succeeded
			? null
			: {
					code: Number.isFinite(code) ? code : callback.code,
					message: text(callback.msg) ?? 'KIE reported the task as failed',
				},
		callback: { code: callback.code, msg: callback.msg ?? null },
		raw: body as IDataObject,
	};
}
