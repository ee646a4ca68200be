import type { IDataObject } from 'n8n-workflow';

import { expiryOf } from './time';

/** Which KIE API a task belongs to; it decides the status path and the status model (models.ts). */
export type KieModel = 'runway' | 'runway-extend' | 'aleph' | 'luma' | 'veo';

/**
 * A task's model as output: one of the node's own, or 'market' for any other model of KIE's Market
 * API (the KIE Trigger receives those too; KIE's model id is then in `marketModel`).
 */
export type TaskModel = KieModel | 'market';

/** Which of KIE's APIs ran a task: the Market API (createTask/recordInfo) or the per-model one. */
export type KieApi = 'market' | 'legacy';

export type TaskStatus = 'queued' | 'processing' | 'succeeded' | 'failed';

export const TERMINAL_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed'];

/** The one task shape every operation and the trigger output (docs/design.md "Public contract"). */
export interface KieTask extends IDataObject {
	taskId: string;
	/**
	 * The node's name for its own models (runway, runway-extend, aleph, luma, veo); KIE's model id
	 * (e.g. kling-2.6/text-to-video) for a task of any other Market model.
	 */
	model: TaskModel | (string & {});
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
	/** Which API ran the task (absent on tasks read before the Market API was supported). */
	api?: KieApi;
	/** KIE's model id, for Market tasks of models this node has no operation for. */
	marketModel?: string;
	/** Credits KIE charged, when its record says (Market records only). */
	creditsConsumed?: number;
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
	model: TaskModel,
	taskId: string,
	status: TaskStatus,
	fields: Partial<KieTask>,
	raw: unknown,
): KieTask {
	const videoUrls = fields.videoUrls ?? [];
	const completedAt = fields.completedAt ?? null;
	return {
		taskId,
		// Other Market models are called by KIE's own id (docs/design.md "Public contract").
		model: model === 'market' && fields.marketModel ? fields.marketModel : model,
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
		expiresAt: status === 'succeeded' ? expiryOf(completedAt, fields.api === 'market') : null,
		...(fields.parentTaskId ? { parentTaskId: fields.parentTaskId } : {}),
		...(fields.api ? { api: fields.api } : {}),
		...(fields.marketModel ? { marketModel: fields.marketModel } : {}),
		...(fields.creditsConsumed !== undefined ? { creditsConsumed: fields.creditsConsumed } : {}),
		raw: raw as IDataObject,
	};
}
