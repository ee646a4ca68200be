import type { IDataObject } from 'n8n-workflow';

import { expiryOf } from './time';

/** Which KIE API a task belongs to; it decides the status path and the status model (models.ts). */
export type KieModel = 'runway' | 'runway-extend' | 'aleph' | 'luma';

export type TaskStatus = 'queued' | 'processing' | 'succeeded' | 'failed';

export const TERMINAL_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed'];

/** The one task shape every operation and the trigger output (docs/design.md "Public contract"). */
export interface KieTask extends IDataObject {
	taskId: string;
	model: KieModel;
	status: TaskStatus;
	videoUrl: string | null;
	videoUrls: string[];
	thumbnailUrl: string | null;
	error: { code: number | string | null; message: string } | null;
	createdAt: string | null;
	completedAt: string | null;
	expiresAt: string | null;
	parentTaskId?: string;
	reference?: string;
	raw: IDataObject;
}

export function isTerminal(task: Pick<KieTask, 'status'>): boolean {
	return TERMINAL_STATUSES.includes(task.status);
}

/** A string with something in it, else null: KIE sends "" and null alike for "nothing". */
export function text(value: unknown): string | null {
	return typeof value === 'string' && value.trim() !== '' ? value : null;
}

export function failure(code: unknown, message: unknown, fallback: string): KieTask['error'] {
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
