import type { IDataObject } from 'n8n-workflow';

/** Which KIE API a task belongs to; it decides the status path and the status model. */
export type KieModel = 'runway' | 'runway-extend' | 'aleph' | 'luma';

export type TaskStatus = 'queued' | 'processing' | 'succeeded' | 'failed';

export const TERMINAL_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed'];

/** The one task shape every operation and the trigger output (DESIGN.md "Public contract"). */
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
