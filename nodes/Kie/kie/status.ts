import type { AlephRecord, LumaRecord, RunwayRecord } from './schemas';
import { failure, taskOf, text, type KieTask, type TaskStatus } from './tasks';
import { toIsoTime } from './time';

// KIE's three status models, turned into queued | processing | succeeded | failed here and nowhere
// else (docs/kie-api.md §10.2).

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
		const status = RUNWAY_STATES[record.state] ?? 'processing';
		const terminal = status === 'succeeded' || status === 'failed';
		const videoUrl = text(record.videoInfo?.videoUrl);
		return taskOf(
			model,
			record.taskId,
			status,
			{
				videoUrls: status === 'succeeded' && videoUrl ? [videoUrl] : [],
				thumbnailUrl: status === 'succeeded' ? text(record.videoInfo?.imageUrl) : null,
				// generateTime is described as the completion time; KIE gives no creation time.
				completedAt: terminal ? toIsoTime(record.generateTime) : null,
				error: failure(record.failCode, record.failMsg, 'Runway generation failed'),
				parentTaskId: text(record.parentTaskId) ?? undefined,
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
		},
		record,
	);
}
