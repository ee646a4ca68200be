import type { IDataObject } from 'n8n-workflow';
import type { z } from 'zod';

import {
	alephRecordSchema,
	lumaRecordSchema,
	runwayRecordSchema,
	type AlephRecord,
	type LumaRecord,
	type RunwayRecord,
} from './schemas';
import { expiryOf, toIsoTime } from './time';
import type { KieModel, KieTask, TaskStatus } from './types';

/**
 * One adapter per KIE model: where tasks are created and read, and how KIE's record turns into the
 * task object. KIE's three status models live here and nowhere else (kie-api.md §10.2).
 */
export interface ModelAdapter<TRecord = unknown> {
	model: KieModel;
	displayName: string;
	createPath: string;
	statusPath: string;
	recordSchema: z.ZodType<TRecord>;
	toTask(record: TRecord): KieTask;
}

/** A string with something in it, else null: KIE sends "" and null alike for "nothing". */
export function text(value: unknown): string | null {
	return typeof value === 'string' && value.trim() !== '' ? value : null;
}

function failure(code: unknown, message: unknown, fallback: string): KieTask['error'] {
	const numeric = typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : code;
	return {
		code: typeof numeric === 'number' || typeof numeric === 'string' ? numeric : null,
		message: text(message) ?? fallback,
	};
}

/** The one place a KieTask is assembled, from a status record or (in the trigger) a callback. */
export function taskOf(
	model: KieModel,
	taskId: string,
	status: TaskStatus,
	fields: Partial<KieTask>,
	raw: unknown,
): KieTask {
	const videoUrls = fields.videoUrls ?? [];
	const completedAt = fields.completedAt ?? null;
	return {
		taskId,
		model,
		status,
		videoUrl: videoUrls[0] ?? null,
		videoUrls,
		thumbnailUrl: fields.thumbnailUrl ?? null,
		error:
			status === 'failed'
				? (fields.error ?? failure(null, null, 'KIE reported the task as failed'))
				: null,
		createdAt: fields.createdAt ?? null,
		completedAt,
		expiresAt: status === 'succeeded' ? expiryOf(completedAt) : null,
		...(fields.parentTaskId ? { parentTaskId: fields.parentTaskId } : {}),
		raw: raw as IDataObject,
	};
}

const RUNWAY_STATES: Record<string, TaskStatus> = {
	wait: 'queued',
	queueing: 'queued',
	generating: 'processing',
	success: 'succeeded',
	fail: 'failed',
};

function runwayTask(model: 'runway' | 'runway-extend') {
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

function alephTask(record: AlephRecord): KieTask {
	// 1 = success; 0 = failed OR running, told apart by errorMessage (kie-api.md §4b). 2/3 are not
	// documented for Aleph but are read as failures, as Luma uses them.
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

function lumaTask(record: LumaRecord): KieTask {
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

export const MODELS: { [M in KieModel]: ModelAdapter<any> } = {
	runway: {
		model: 'runway',
		displayName: 'Runway',
		createPath: '/api/v1/runway/generate',
		statusPath: '/api/v1/runway/record-detail',
		recordSchema: runwayRecordSchema,
		toTask: runwayTask('runway'),
	},
	'runway-extend': {
		model: 'runway-extend',
		displayName: 'Runway Extend',
		createPath: '/api/v1/runway/extend',
		// Extended tasks are read through the same record endpoint as generated ones.
		statusPath: '/api/v1/runway/record-detail',
		recordSchema: runwayRecordSchema,
		toTask: runwayTask('runway-extend'),
	},
	aleph: {
		model: 'aleph',
		displayName: 'Runway Aleph',
		createPath: '/api/v1/aleph/generate',
		// record-info, not the seed document's record-detail (kie-api.md §4b).
		statusPath: '/api/v1/aleph/record-info',
		recordSchema: alephRecordSchema,
		toTask: alephTask,
	},
	luma: {
		model: 'luma',
		displayName: 'Luma Modify',
		createPath: '/api/v1/modify/generate',
		statusPath: '/api/v1/modify/record-info',
		recordSchema: lumaRecordSchema,
		toTask: lumaTask,
	},
};
