import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { describeKieCode } from './errors';
import { limiterFor } from './rateLimit';
import {
	backoffDelay,
	DEFAULT_RETRY,
	isRetryable,
	pause,
	type AttemptFailure,
	type RequestKind,
	type RetryPolicy,
} from './retry';
import { envelopeSchema } from './schemas';

export const CREDENTIAL_TYPE = 'kieApi';

export type KieFunctions = IExecuteFunctions | IWebhookFunctions | ILoadOptionsFunctions;

export interface KieCredentials {
	apiKey: string;
	baseUrl?: string;
	uploadBaseUrl?: string;
	webhookHmacKey?: string;
}

export interface KieRequest {
	method: IHttpRequestMethods;
	path: string;
	/** KIE's upload API lives on its own host (kie-api.md §8). */
	host?: 'api' | 'upload';
	kind: RequestKind;
	/** A function when the body is a stream: each attempt needs a fresh one. */
	body?: IHttpRequestOptions['body'] | (() => Promise<IHttpRequestOptions['body']>);
	qs?: IDataObject;
	headers?: IDataObject;
	timeoutMs?: number;
	retry?: Partial<RetryPolicy>;
	/** Body codes handed back to the caller instead of thrown (e.g. 422 "recordInfo is null"). */
	acceptCodes?: number[];
}

export interface KieResponse<T> {
	code: number;
	msg: string;
	data: T;
}

const DEFAULT_TIMEOUT_MS: Record<RequestKind, number> = { create: 60_000, read: 30_000 };

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);

function trimSlash(url: string): string {
	return url.replace(/\/+$/, '');
}

export function baseUrlOf(credentials: KieCredentials, host: 'api' | 'upload' = 'api'): string {
	return host === 'upload'
		? trimSlash(credentials.uploadBaseUrl || 'https://kieai.redpandaai.co')
		: trimSlash(credentials.baseUrl || 'https://api.kie.ai');
}

/** The network error code inside whatever n8n-core wrapped it in. */
function networkCodeOf(error: unknown): string | undefined {
	for (
		let current = error as { code?: unknown; cause?: unknown } | undefined, depth = 0;
		current && depth < 5;
		depth++
	) {
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) return current.code;
		current = current.cause as typeof current;
	}
	const message = (error as Error | undefined)?.message ?? '';
	if (/timeout/i.test(message)) return 'ETIMEDOUT';
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	return undefined;
}

function retryAfterMs(headers: IDataObject | undefined): number | undefined {
	const value = Number(headers?.['retry-after']);
	return Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
}

/** Codes after which a create call may still have made (and billed) a task at KIE. */
const CREATE_OUTCOME_UNKNOWN = new Set([408, 500, 502, 503, 504]);

function failureMessage(request: KieRequest, failure: AttemptFailure, kieMessage?: string) {
	const what = `${request.method} ${request.path}`;
	if (failure.type === 'code') {
		const { message, description } = describeKieCode(failure.code, kieMessage);
		const maybeCreated =
			request.kind === 'create' && CREATE_OUTCOME_UNKNOWN.has(failure.code)
				? ' KIE may have created (and billed) the task anyway, so it was not sent again: check https://kie.ai/logs before running again.'
				: '';
		return {
			message,
			description: `${description}${maybeCreated} (${what})`,
			httpCode: String(failure.code),
		};
	}
	if (request.kind === 'create') {
		// Only a refused connection proves KIE never saw the request; anything else may have
		// created (and billed) the task, so it is not sent again.
		const broke =
			failure.type === 'timeout' ? 'timed out' : `broke (${failure.code.toLowerCase()})`;
		return {
			message:
				failure.type === 'timeout'
					? 'KIE did not answer the create request in time'
					: 'The connection to KIE broke during the create request',
			description: `The request ${broke} after it was sent, so KIE may have created and billed the task: it was not sent again. Check https://kie.ai/logs before running again (${what}).`,
			httpCode: failure.type === 'timeout' ? '408' : '503',
		};
	}
	const reason = failure.type === 'timeout' ? 'timed out' : `failed (${failure.code})`;
	return {
		message: `The request to KIE ${reason}`,
		description: `Check the Base URL in the KIE credential and the network (${what}).`,
		httpCode: failure.type === 'timeout' ? '408' : '503',
	};
}

/**
 * The one way this package talks to KIE: adds auth (through n8n's credential), picks the host,
 * checks KIE's body `code` on every answer, retries what is safe to retry with back-off and jitter,
 * paces create calls under KIE's rate limit, and turns failures into errors a user can act on.
 * The API key never reaches an error: errors are built from codes and KIE's message only.
 */
export async function kieRequest<T = unknown>(
	this: KieFunctions,
	request: KieRequest,
): Promise<KieResponse<T>> {
	const credentials = await this.getCredentials<KieCredentials>(CREDENTIAL_TYPE);
	const baseUrl = baseUrlOf(credentials, request.host);
	const policy = { ...DEFAULT_RETRY[request.kind], ...request.retry };
	const signal = 'getExecutionCancelSignal' in this ? this.getExecutionCancelSignal() : undefined;
	const limiter =
		request.kind === 'create' ? limiterFor(baseUrlOf(credentials), credentials.apiKey) : undefined;

	for (let attempt = 0; ; attempt++) {
		const release = await limiter?.acquire(signal);
		let failure: AttemptFailure;
		let kieMessage: string | undefined;
		let headers: IDataObject | undefined;
		try {
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				{
					method: request.method,
					url: `${baseUrl}${request.path}`,
					qs: request.qs,
					body: typeof request.body === 'function' ? await request.body() : request.body,
					headers: request.headers,
					json: true,
					timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS[request.kind],
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
				},
			)) as { statusCode: number; headers?: IDataObject; body: unknown };
			release?.(true);
			headers = response.headers;
			const envelope = envelopeSchema.safeParse(response.body);
			const bodyCode = envelope.success ? Number(envelope.data.code) : NaN;
			kieMessage = envelope.success ? (envelope.data.msg ?? undefined) : undefined;
			if (
				response.statusCode < 300 &&
				(bodyCode === 200 || request.acceptCodes?.includes(bodyCode))
			) {
				return { code: bodyCode, msg: kieMessage ?? '', data: envelope.data!.data as T };
			}
			// KIE's outcome is the body code; the HTTP status speaks only when the body has none.
			failure = {
				type: 'code',
				code: Number.isFinite(bodyCode) && bodyCode !== 200 ? bodyCode : response.statusCode,
			};
		} catch (error) {
			const code = networkCodeOf(error);
			// A refused connection never reached KIE: its rate-limit slot is given back.
			release?.(code !== 'ECONNREFUSED');
			if (signal?.aborted)
				throw new NodeApiError(this.getNode(), { message: 'cancelled' } as JsonObject, {
					message: 'The execution was cancelled while waiting for KIE',
				});
			failure =
				code && TIMEOUT_CODES.has(code)
					? { type: 'timeout' }
					: { type: 'network', code: code ?? 'EUNKNOWN' };
		}

		if (
			attempt + 1 < policy.maxAttempts &&
			isRetryable(request.kind, failure) &&
			!signal?.aborted
		) {
			await pause(backoffDelay(policy, attempt, retryAfterMs(headers)), signal);
			continue;
		}
		const { message, description, httpCode } = failureMessage(request, failure, kieMessage);
		throw new NodeApiError(
			this.getNode(),
			{ message, code: failure.type === 'code' ? failure.code : failure.type } as JsonObject,
			{
				message,
				description: attempt > 0 ? `${description} Tried ${attempt + 1} times.` : description,
				httpCode,
			},
		);
	}
}
