import { RESULT_EXPIRED } from '../helpers/errorMessages';
import {
	marketResultSchema,
	type AlephRecord,
	type LumaRecord,
	type MarketRecord,
	type RunwayRecord,
	type VeoRecord,
} from './schemas';
import { failure, taskOf, text, type KieTask, type TaskModel, type TaskStatus } from './tasks';
import { toIsoTime } from './time';

// KIE's five status models, turned into queued | processing | succeeded | failed here and nowhere
// else (docs/kie-api.md §10.2, §11): Runway's `state`, Aleph's and Luma's `successFlag`, and the
// Market API's `state`, and Veo 3.1's `successFlag` (0 generating, 1 success, 2 and 3 failed).

/**
 * `expireFlag` 1: KIE has deleted the result (it keeps videos RESULT_RETENTION_DAYS days). The
 * record still says success, but its link is dead: such a task is reported as failed with the code
 * 'expired', so a workflow does not pass on a link that cannot be downloaded.
 */
function expired(record: { expireFlag?: unknown }): boolean {
	return flagOf(record.expireFlag) === 1;
}

const RUNWAY_STATES: Record<string, TaskStatus> = {
	wait: 'queued',
	queueing: 'queued',
	generating: 'processing',
	success: 'succeeded',
	fail: 'failed',
};

export function runwayTask(model: 'runway' | 'runway-extend') {
	return (record: RunwayRecord): KieTask => {
		// An undocumented state is treated as still running: polling goes on until the timeout.
		const state = RUNWAY_STATES[record.state] ?? 'processing';
		const gone = state === 'succeeded' && expired(record);
		const status: TaskStatus = gone ? 'failed' : state;
		const terminal = status === 'succeeded' || status === 'failed';
		const videoUrl = text(record.videoInfo?.videoUrl);
		// One record endpoint serves both: an extension names the task it extends.
		const parentTaskId = text(record.parentTaskId);
		return taskOf(
			parentTaskId ? 'runway-extend' : model,
			record.taskId,
			status,
			{
				videoUrls: status === 'succeeded' && videoUrl ? [videoUrl] : [],
				thumbnailUrl: status === 'succeeded' ? text(record.videoInfo?.imageUrl) : null,
				// generateTime is described as the completion time; KIE gives no creation time.
				completedAt: terminal ? toIsoTime(record.generateTime) : null,
				error: gone
					? RESULT_EXPIRED
					: failure(record.failCode, record.failMsg, 'Runway generation failed'),
				parentTaskId: parentTaskId ?? undefined,
				api: 'legacy',
			},
			record,
		);
	};
}

function flagOf(value: unknown): number {
	const n = Number(value);
	return Number.isFinite(n) ? n : 0;
}

export function alephTask(record: AlephRecord): KieTask {
	// 1 = success; 0 = failed OR running, told apart by errorMessage (docs/kie-api.md §4b). 2/3 are
	// not documented for Aleph but are read as failures, as Luma uses them.
	const flag = flagOf(record.successFlag);
	const failed = flag === 2 || flag === 3 || (flag !== 1 && text(record.errorMessage) !== null);
	const status: TaskStatus = flag === 1 ? 'succeeded' : failed ? 'failed' : 'processing';
	const videoUrl = text(record.response?.resultVideoUrl);
	return taskOf(
		'aleph',
		record.taskId,
		status,
		{
			videoUrls: status === 'succeeded' && videoUrl ? [videoUrl] : [],
			thumbnailUrl: status === 'succeeded' ? text(record.response?.resultImageUrl) : null,
			createdAt: toIsoTime(record.createTime),
			completedAt: status === 'processing' ? null : toIsoTime(record.completeTime),
			error: failure(record.errorCode, record.errorMessage, 'Aleph generation failed'),
			api: 'legacy',
		},
		record,
	);
}

const LUMA_FLAGS: Record<number, TaskStatus> = {
	0: 'processing',
	1: 'succeeded',
	2: 'failed', // CREATE_TASK_FAILED
	3: 'failed', // GENERATE_FAILED
	4: 'succeeded', // CALLBACK_FAILED: the video exists, only KIE's callback failed
};

export function lumaTask(record: LumaRecord): KieTask {
	const status = LUMA_FLAGS[flagOf(record.successFlag)] ?? 'processing';
	const urls = (record.response?.resultUrls ?? []).filter((url) => text(url) !== null);
	return taskOf(
		'luma',
		record.taskId,
		status,
		{
			videoUrls: status === 'succeeded' ? urls : [],
			createdAt: toIsoTime(record.createTime),
			completedAt: status === 'processing' ? null : toIsoTime(record.completeTime),
			error: failure(record.errorCode, record.errorMessage, 'Luma modify failed'),
			api: 'legacy',
		},
		record,
	);
}

const VEO_FLAGS: Record<number, TaskStatus> = {
	0: 'processing',
	1: 'succeeded',
	2: 'failed',
	3: 'failed',
};

/** A list of URLs, or the JSON string of one (KIE's Veo pages show both). */
function urlList(value: unknown): string[] {
	const list = typeof value === 'string' ? parseJsonText(value) : value;
	return Array.isArray(list) ? list.filter((url): url is string => text(url) !== null) : [];
}

export function veoTask(record: VeoRecord): KieTask {
	const status = VEO_FLAGS[flagOf(record.successFlag)] ?? 'processing';
	return taskOf(
		'veo',
		record.taskId,
		status,
		{
			videoUrls: status === 'succeeded' ? urlList(record.response?.resultUrls) : [],
			createdAt: toIsoTime(record.createTime),
			completedAt: status === 'processing' ? null : toIsoTime(record.completeTime),
			error: failure(record.errorCode, record.errorMessage, 'Veo generation failed'),
			api: 'legacy',
		},
		record,
	);
}

const MARKET_STATES: Record<string, TaskStatus> = {
	waiting: 'queued',
	queuing: 'queued',
	generating: 'processing',
	success: 'succeeded',
	fail: 'failed',
};

/** A JSON string of a Market record parsed, or null when it is empty or not JSON: never a crash. */
export function parseJsonText(value: unknown): unknown {
	const json = text(value);
	if (json === null) return null;
	try {
		return JSON.parse(json) as unknown;
	} catch {
		return null;
	}
}

/**
 * A Market API record as a task. `model` is the node's name for it (models.ts maps KIE's model id),
 * `marketModel` KIE's own id for models the node has no operation for.
 */
export function marketTask(model: TaskModel, record: MarketRecord): KieTask {
	const state = MARKET_STATES[text(record.state) ?? ''] ?? 'processing';
	const gone = state === 'succeeded' && expired(record);
	const status: TaskStatus = gone ? 'failed' : state;
	const result = marketResultSchema.safeParse(parseJsonText(record.resultJson));
	const urls = result.success
		? (result.data.resultUrls ?? []).filter((url): url is string => text(url) !== null)
		: [];
	const credits = Number(record.creditsConsumed);
	const param = parseJsonText(record.param);
	const input = (param as { input?: { task_id?: unknown } } | null)?.input;
	return taskOf(
		model,
		record.taskId,
		status,
		{
			videoUrls: status === 'succeeded' ? urls : [],
			thumbnailUrl:
				status === 'succeeded' && result.success ? text(result.data.firstFrameUrl) : null,
			createdAt: toIsoTime(record.createTime),
			completedAt:
				status === 'succeeded' || status === 'failed' ? toIsoTime(record.completeTime) : null,
			error: gone
				? RESULT_EXPIRED
				: failure(record.failCode, record.failMsg, 'KIE reported the task as failed'),
			parentTaskId: text(input?.task_id) ?? undefined,
			api: 'market',
			...(model === 'market' && text(record.model) ? { marketModel: text(record.model)! } : {}),
			...(record.creditsConsumed !== null &&
			record.creditsConsumed !== undefined &&
			record.creditsConsumed !== '' &&
			Number.isFinite(credits)
				? { creditsConsumed: credits }
				: {}),
		},
		record,
	);
}
