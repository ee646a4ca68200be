import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, type JsonObject } from 'n8n-workflow';

import { NO_TASK_ID, taskIdRejected, unexpectedRecord } from '../helpers/errorMessages';
import { kieRequest, type KieFunctions } from '../transport';
import { MODELS } from './models';
import { createdTaskSchema } from './schemas';
import type { KieModel, KieTask } from './tasks';

/** KIE answers `{code: 422, msg: "recordInfo is null"}` for a task it has not recorded yet. */
const RECORD_MISSING = /recordInfo is null/i;

/** Creates one task; the create call is paced and retried only where that cannot bill twice. */
export async function createTask(
	this: KieFunctions,
	model: KieModel,
	body: IDataObject,
): Promise<string> {
	const response = await kieRequest.call(this, {
		method: 'POST',
		path: MODELS[model].createPath,
		body,
		kind: 'create',
	});
	const created = createdTaskSchema.safeParse(response.data);
	if (!created.success) {
		throw new NodeApiError(this.getNode(), response as unknown as JsonObject, NO_TASK_ID);
	}
	return created.data.taskId;
}

/**
 * Reads a task's state. Returns null when KIE has no record of it (yet): right after creation that
 * is normal, so the caller decides how long to treat it as pending.
 */
export async function fetchTask(
	this: KieFunctions,
	model: KieModel,
	taskId: string,
): Promise<KieTask | null> {
	const adapter = MODELS[model];
	const response = await kieRequest.call(this, {
		method: 'GET',
		path: adapter.statusPath,
		qs: { taskId },
		kind: 'read',
		acceptCodes: [422],
	});
	if (response.code === 422) {
		if (RECORD_MISSING.test(response.msg) || response.data === null) return null;
		throw new NodeApiError(
			this.getNode(),
			response as unknown as JsonObject,
			taskIdRejected(taskId, response.msg, adapter.taskKind),
		);
	}
	const record = adapter.recordSchema.safeParse(response.data);
	if (!record.success) {
		const issues = record.error.issues
			.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
			.join('; ');
		throw new NodeApiError(
			this.getNode(),
			{ message: 'unexpected record' } as JsonObject,
			unexpectedRecord(taskId, issues),
		);
	}
	return adapter.toTask(record.data);
}
