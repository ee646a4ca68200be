import type { IDataObject } from 'n8n-workflow';
import type { z } from 'zod';
import { NodeApiError, type JsonObject } from 'n8n-workflow';

import {
	alephDiscontinued,
	lumaGone,
	marketModelGone,
	NO_TASK_ID,
	taskIdRejected,
	unexpectedRecord,
} from '../helpers/errorMessages';
import { createdNothing, kieRequest, type KieFunctions } from '../transport';
import {
	MARKET_ADAPTERS,
	MARKET_CREATE_PATH,
	MARKET_RECORD_SCHEMA,
	MARKET_STATUS_PATH,
	marketRecordToTask,
	MODELS,
} from './models';
import { MARKET_MODELS } from './catalogue';
import { createdTaskSchema } from './schemas';
import type { KieApi, KieModel, KieTask, TaskModel } from './tasks';

/** KIE answers `{code: 422, msg: "recordInfo is null"}` for a task it has not recorded yet. */
const RECORD_MISSING = /recordInfo is null/i;
/** The Market API's "task not found" (code 404 in its error table, docs/kie-api.md §11). */
const MARKET_NOT_FOUND = /not found|not exist|recordInfo is null/i;

/**
 * A create body for KIE's Market API: the model's Market id, the callback URL, and the operation's
 * fields (snake_case) inside `input` (docs/kie-api.md §11 "Create").
 */
export function marketBody(model: KieModel, input: IDataObject, callBackUrl?: string): IDataObject {
	const adapter = MARKET_ADAPTERS[model];
	if (!adapter) throw new Error(`${model} has no Market API model`);
	return { model: adapter.marketId, ...(callBackUrl ? { callBackUrl } : {}), input };
}

/** Creates one task; the create call is paced and retried only where that cannot bill twice. */
export async function createTask(
	this: KieFunctions,
	model: TaskModel,
	body: IDataObject,
	api: KieApi = 'legacy',
): Promise<string> {
	// Any other Market model ('market') has only the Market API.
	const path =
		api === 'market' || model === 'market' ? MARKET_CREATE_PATH : MODELS[model].createPath;
	const response = await kieRequest.call(this, {
		method: 'POST',
		path,
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
 * The error to show for a create that KIE refused for good (`error`, after `earlier` refusals of the
 * other API that proved no task was created). When KIE's answers say the model is gone (Aleph is
 * discontinued; Luma Modify's endpoints answer 404), the error says so in words and names an
 * alternative; any other error is returned as it is.
 */
export function explainRefusal(
	this: KieFunctions,
	model: TaskModel,
	error: Error,
	earlier: Error[] = [],
	marketId?: string,
): Error {
	const httpCode = (error as NodeApiError).httpCode ?? undefined;
	if (model === 'luma' && httpCode === '404') return lumaGoneError(this, error);
	if (model === 'market' && marketId) return marketRefusal(this, marketId, error);
	if (model !== 'aleph' || createdNothing(error) === undefined) return error;
	const kieMessage = [error, ...earlier]
		.map(createdNothing)
		.find((message) => message !== undefined && /discontinu|no longer|deprecat/i.test(message));
	if (kieMessage === undefined) return error;
	const gone = alephDiscontinued(kieMessage);
	return new NodeApiError(this.getNode(), { message: gone.message } as JsonObject, {
		...gone,
		httpCode,
	});
}

/** KIE's words when a model is gone: discontinued, retired, or not (or no longer) supported. */
const MODEL_GONE = /discontinu|no longer|deprecat|retired|not supported|unsupported/i;

/** A Market model KIE says it does not serve: told in words, with the family's other models. */
function marketRefusal(context: KieFunctions, marketId: string, error: Error): Error {
	const kieMessage = createdNothing(error);
	if (kieMessage === undefined || !MODEL_GONE.test(kieMessage)) return error;
	const family = MARKET_MODELS.find((entry) => entry.id === marketId)?.family;
	const alternatives = MARKET_MODELS.filter(
		(entry) => entry.family === family && entry.id !== marketId,
	).map((entry) => entry.label);
	const gone = marketModelGone(marketId, kieMessage, alternatives);
	return new NodeApiError(context.getNode(), { message: gone.message } as JsonObject, {
		...gone,
		httpCode: (error as NodeApiError).httpCode ?? undefined,
	});
}

function lumaGoneError(context: KieFunctions, error: Error): NodeApiError {
	const gone = lumaGone(createdNothing(error) ?? '');
	return new NodeApiError(context.getNode(), { message: gone.message } as JsonObject, {
		...gone,
		httpCode: '404',
	});
}

/**
 * Reads a task's state on the given API. Returns null when KIE has no record of it (yet): right
 * after creation that is normal, so the caller decides how long to treat it as pending.
 */
export async function fetchTask(
	this: KieFunctions,
	model: TaskModel,
	taskId: string,
	api: KieApi = 'legacy',
): Promise<KieTask | null> {
	if (api === 'market' || model === 'market')
		return await fetchMarketTask.call(this, model, taskId);
	const adapter = MODELS[model];
	// kieRequest throws only NodeApiErrors; Luma's 404 is told in words (its endpoints are gone).
	const response = await kieRequest
		.call(this, {
			method: 'GET',
			path: adapter.statusPath,
			qs: { taskId },
			kind: 'read',
			acceptCodes: [422],
		})
		.catch((error: NodeApiError) => {
			throw model === 'luma' && error.httpCode === '404' ? lumaGoneError(this, error) : error;
		});
	if (response.code === 422) {
		if (RECORD_MISSING.test(response.msg) || response.data === null) return null;
		throw new NodeApiError(
			this.getNode(),
			response as unknown as JsonObject,
			taskIdRejected(taskId, response.msg, adapter.taskKind),
		);
	}
	return adapter.toTask(parseRecord(this, adapter.recordSchema, response.data, taskId));
}

async function fetchMarketTask(
	this: KieFunctions,
	model: TaskModel,
	taskId: string,
): Promise<KieTask | null> {
	const response = await kieRequest.call(this, {
		method: 'GET',
		path: MARKET_STATUS_PATH,
		qs: { taskId },
		kind: 'read',
		acceptCodes: [404, 422],
	});
	if (response.code === 404 || response.code === 422) {
		if (MARKET_NOT_FOUND.test(response.msg) || response.data === null) return null;
		throw new NodeApiError(
			this.getNode(),
			response as unknown as JsonObject,
			taskIdRejected(taskId, response.msg, 'Market API'),
		);
	}
	return marketRecordToTask(model, parseRecord(this, MARKET_RECORD_SCHEMA, response.data, taskId));
}

function parseRecord<T>(
	context: KieFunctions,
	schema: z.ZodType<T, z.ZodTypeDef, unknown>,
	data: unknown,
	taskId: string,
): T {
	const record = schema.safeParse(data);
	if (!record.success) {
		const issues = record.error.issues
			.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
			.join('; ');
		throw new NodeApiError(
			context.getNode(),
			{ message: 'unexpected record' } as JsonObject,
			unexpectedRecord(taskId, issues),
		);
	}
	return record.data;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The order in which Get asks KIE's two APIs about a task id it did not create itself: the legacy
 * Runway and Aleph endpoints hand out UUIDs (docs/kie-api.md §1), so a UUID is read there first; any
 * other shape (the Market API's `task_12345678`, 32-hex ids) on the Market API first. The second API
 * is asked only when the first has no record, so a known id costs one status call.
 */
export function apiOrderFor(model: TaskModel, taskId: string): KieApi[] {
	if (model === 'market') return ['market'];
	if (!MARKET_ADAPTERS[model]) return ['legacy'];
	return UUID.test(taskId) ? ['legacy', 'market'] : ['market', 'legacy'];
}

/** Reads a task on whichever API knows it (apiOrderFor); null when neither does. */
export async function fetchTaskAnyApi(
	this: KieFunctions,
	model: TaskModel,
	taskId: string,
): Promise<KieTask | null> {
	for (const api of apiOrderFor(model, taskId)) {
		const task = await fetchTask.call(this, model, taskId, api);
		if (task) return task;
	}
	return null;
}
