import type { IDataObject } from 'n8n-workflow';

import { modelOfMarketId } from './models';
import { callbackSchema, marketResultSchema, type KieCallback } from './schemas';
import { parseJsonText } from './status';
import { text, type KieApi, type KieTask, type TaskModel } from './tasks';

export interface ParsedCallback {
	taskId: string;
	/**
	 * The model the body's shape points to; legacy Runway and extend share a shape, so it says
	 * 'runway'. A Market callback names its model: one of the node's, or 'market'.
	 */
	modelHint: TaskModel;
	/** Which API's callback this is: a Market callback carries its record (`state`, `resultJson`). */
	api: KieApi;
	/** KIE's model id, from a Market callback. */
	marketModel: string | null;
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
	// The Market API's callback (docs/kie-api.md §11 "Callback"): its record, with `state` and
	// `resultJson` (or `model`) beside `data.taskId`, which otherwise only Luma's has.
	const market =
		data !== null &&
		(text(data.state) !== null || 'resultJson' in data || text(data.model) !== null);
	const marketModel = market ? text(data?.model) : null;
	// Veo 3.1's callback: `data.taskId` with `data.info` (null on failure) and `fallbackFlag`.
	const veo = data !== null && !market && ('info' in data || 'fallbackFlag' in data);
	const modelHint: TaskModel = market
		? modelOfMarketId(marketModel)
		: veo
			? 'veo'
			: data && ('promptJson' in data || 'resultUrls' in data || text(data.taskId))
				? 'luma'
				: text(callback.taskId) && !text(data?.task_id)
					? 'aleph'
					: 'runway';

	const code = Number(callback.code);
	const succeeded = market ? code === 200 && text(data?.state) !== 'fail' : code === 200;
	const marketResult = market
		? marketResultSchema.safeParse(parseJsonText(data?.resultJson))
		: null;
	const marketUrls = marketResult?.success ? (marketResult.data.resultUrls ?? []) : [];
	const videoUrls = succeeded
		? [
				text(data?.video_url),
				text(data?.result_video_url),
				...(Array.isArray(data?.resultUrls) ? data.resultUrls : []).map(text),
				...marketUrls.map(text),
				...(data?.info?.resultUrls ?? []).map(text),
			].filter((url): url is string => url !== null)
		: [];
	const thumbnailUrl = succeeded ? (text(data?.image_url) ?? text(data?.result_image_url)) : null;

	return {
		taskId,
		modelHint,
		api: market ? 'market' : 'legacy',
		marketModel,
		status: succeeded ? 'succeeded' : 'failed',
		videoUrls,
		thumbnailUrl,
		error: succeeded
			? null
			: {
					code: Number.isFinite(code) ? code : callback.code,
					message: text(data?.failMsg) ?? text(callback.msg) ?? 'KIE reported the task as failed',
				},
		callback: { code: callback.code, msg: callback.msg ?? null },
		raw: body as IDataObject,
	};
}
