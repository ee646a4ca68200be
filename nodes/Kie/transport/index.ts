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

import { DEFAULT_API_BASE_URL, DEFAULT_UPLOAD_BASE_URL } from '../kie/constants';
import { envelopeSchema } from '../kie/schemas';
import { requestFailureText, triedTimes } from '../helpers/errorMessages';
import { pause } from './pause';
import { limiterFor } from './rateLimit';

export const CREDENTIAL_TYPE = 'kieApi';

export type KieFunctions = IExecuteFunctions | IWebhookFunctions | ILoadOptionsFunctions;

export interface KieCredentials {
	apiKey: string;
	baseUrl?: string;
	uploadBaseUrl?: string;
	webhookHmacKey?: string;
}

// ---------------------------------------------------------------------------------------------
// The retry and idempotency policy, all of it (docs/design.md "Retries, idempotency and bad input").
// ---------------------------------------------------------------------------------------------

/** Whether a request creates (and bills) a KIE task, or only reads. Their retries differ. */
export type RequestKind = 'create' | 'read';

/** What went wrong with one attempt, as far as the client can tell. */
export type AttemptFailure =
	| { type: 'code'; code: number } // KIE's body code, or the HTTP status when the body has none
	| { type: 'network'; code: string } // ECONNREFUSED, ECONNRESET, ...
	| { type: 'timeout' };

/** A read is repeated on rate limits, maintenance, server errors and KIE's upstream timeout. */
const READ_RETRY_CODES = new Set([408, 429, 455, 500, 502, 503, 504]);

/**
 * A create call is retried only when KIE surely did not take it: rate-limited (429, rejected and
 * not queued), maintenance (455), or the connection was refused before anything was sent. Never
 * after a timeout, a reset or a 5xx, which could have created and billed a task.
 */
const CREATE_RETRY_CODES = new Set([429, 455]);

/** Codes after which a create call may still have made (and billed) a task at KIE. */
const CREATE_OUTCOME_UNKNOWN = new Set([408, 500, 502, 503, 504]);

/** Network error codes that mean "no answer in time" rather than "connection broke". */
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT']);

/** A rejected key (401) or an empty account (402) does not heal by asking again later. */
const LASTING_CODES = new Set([401, 402]);

export function isRetryable(kind: RequestKind, failure: AttemptFailure): boolean {
	switch (failure.type) {
		case 'code':
			return (kind === 'create' ? CREATE_RETRY_CODES : READ_RETRY_CODES).has(failure.code);
		case 'network':
			return kind === 'read' || failure.code === 'ECONNREFUSED';
		case 'timeout':
			return kind === 'read';
	}
}

/**
 * Whether the error of a create that gave up says KIE may have created (and billed) the task. For a
 * body code, only the codes above; a create that ends on a network failure or a timeout, always.
 */
export function mayHaveCreated(kind: RequestKind, failure: AttemptFailure): boolean {
	if (kind !== 'create') return false;
	return failure.type !== 'code' || CREATE_OUTCOME_UNKNOWN.has(failure.code);
}

/**
 * Which answers to a create prove that KIE created no task, so that the same item may be sent to
 * the other API (the KIE API setting "Automatic", docs/kie-api.md §11 "Which answers prove no task
 * was created"): an HTTP 404 on the path (the endpoint does not exist), or a body code 400, 404 or
 * 422 whose message says the model is unknown, unsupported or discontinued. Nothing else: a
 * timeout, a reset, 408 or a 5xx may have created (and billed) a task, and a 422 about a field is
 * the user's input, which the other API would refuse as well.
 */
const MODEL_REFUSED_CODES = new Set([400, 404, 422]);
const MODEL_REFUSED_MESSAGE =
	/\bmodel\b.*\b(unknown|not (found|exist|supported|available)|unsupported|invalid|discontinued|deprecated|no longer)|\b(unknown|unsupported|invalid|discontinued|deprecated)\b.*\bmodel\b|discontinued|no longer (available|supported|offered)/i;

export interface CreateAnswer {
	httpStatus: number | undefined;
	failure: AttemptFailure;
	kieMessage: string | undefined;
}

export function provesNoTaskCreated({ httpStatus, failure, kieMessage }: CreateAnswer): boolean {
	if (failure.type !== 'code') return false;
	if (httpStatus === 404) return true;
	return MODEL_REFUSED_CODES.has(failure.code) && MODEL_REFUSED_MESSAGE.test(kieMessage ?? '');
}

/** The errors kieRequest threw for creates that provably created nothing, with KIE's message. */
const provenUncreated = new WeakMap<object, string>();

/**
 * Whether a create failed with an answer that proves KIE created no task: KIE's message (maybe
 * empty) when it did, else undefined.
 */
export function createdNothing(error: unknown): string | undefined {
	return typeof error === 'object' && error !== null ? provenUncreated.get(error) : undefined;
}

/** Whether an error thrown by kieRequest will fail again however often the call is repeated. */
export function isLastingFailure(error: unknown): boolean {
	return LASTING_CODES.has(Number((error as { httpCode?: string }).httpCode));
}

export interface RetryPolicy {
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
}

export const DEFAULT_RETRY: Readonly<Record<RequestKind, RetryPolicy>> = {
	// Rate-limit waits dominate creates: about 90 s of back-off in all before giving up.
	create: { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 30_000 },
	read: { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 30_000 },
};

/** Exponential back-off with "equal jitter": half fixed, half random, so retries never bunch up. */
export function backoffDelay(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
	const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
	const jittered = exponential / 2 + Math.random() * (exponential / 2);
	return Math.max(jittered, retryAfterMs ?? 0);
}

const DEFAULT_TIMEOUT_MS: Record<RequestKind, number> = { create: 60_000, read: 30_000 };

// ---------------------------------------------------------------------------------------------
// One request.
// ---------------------------------------------------------------------------------------------

export interface KieRequest {
	method: IHttpRequestMethods;
	path: string;
	/** KIE's upload API lives on its own host (docs/kie-api.md §8). */
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

function trimSlash(url: string): string {
	return url.replace(/\/+$/, '');
}

export function baseUrlOf(credentials: KieCredentials, host: 'api' | 'upload' = 'api'): string {
	return host === 'upload'
		? trimSlash(credentials.uploadBaseUrl || DEFAULT_UPLOAD_BASE_URL)
		: trimSlash(credentials.baseUrl || DEFAULT_API_BASE_URL);
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

function failureOf(error: unknown): AttemptFailure {
	const code = networkCodeOf(error);
	return code && TIMEOUT_CODES.has(code)
		? { type: 'timeout' }
		: { type: 'network', code: code ?? 'EUNKNOWN' };
}

function retryAfterMs(headers: IDataObject | undefined): number | undefined {
	const value = Number(headers?.['retry-after']);
	return Number.isFinite(value) && value > 0 ? value * 1000 : undefined;
}

/** The credential as read once per run of a node: n8n gives each run one context object. */
const credentialsRead = new WeakMap<KieFunctions, Promise<KieCredentials>>();

/**
 * The KIE credential, read (and decrypted by n8n) once per run of a node, not for each of its
 * requests and checks: a batch of 100 items polling for 30 minutes would otherwise read it hundreds
 * of times. A change to the credential reaches the next run.
 */
export async function kieCredentials(context: KieFunctions): Promise<KieCredentials> {
	let read = credentialsRead.get(context);
	if (!read) {
		read = context.getCredentials<KieCredentials>(CREDENTIAL_TYPE);
		credentialsRead.set(context, read);
	}
	return await read;
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
	const credentials = await kieCredentials(this);
	// Handed to n8n with each request, which would otherwise read and decrypt the credential again.
	const reference = this.getNode().credentials?.[CREDENTIAL_TYPE];
	const credentialOptions = {
		credentialsDecrypted: {
			id: reference?.id ?? '',
			name: reference?.name ?? '',
			type: CREDENTIAL_TYPE,
			data: { ...credentials },
		},
	};
	const baseUrl = baseUrlOf(credentials, request.host);
	const policy = { ...DEFAULT_RETRY[request.kind], ...request.retry };
	const signal = 'getExecutionCancelSignal' in this ? this.getExecutionCancelSignal() : undefined;
	const limiter =
		request.kind === 'create' ? limiterFor(baseUrlOf(credentials), credentials.apiKey) : undefined;

	const streamed = typeof request.body === 'function';
	for (let attempt = 0; ; attempt++) {
		// Opened before the request: n8n failing to read its own binary is no network failure to retry.
		const body = typeof request.body === 'function' ? await request.body() : request.body;
		const release = await limiter?.acquire(signal);
		let failure: AttemptFailure;
		let kieMessage: string | undefined;
		let headers: IDataObject | undefined;
		let httpStatus: number | undefined;
		try {
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				CREDENTIAL_TYPE,
				{
					method: request.method,
					url: `${baseUrl}${request.path}`,
					qs: request.qs,
					body,
					headers: request.headers,
					// Following redirects keeps every chunk of the body to replay it: a streamed upload
					// would sit whole in memory. KIE documents no redirect on its upload host.
					disableFollowRedirect: streamed,
					json: true,
					timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS[request.kind],
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
				},
				credentialOptions,
			)) as { statusCode: number; headers?: IDataObject; body: unknown };
			release?.(true);
			headers = response.headers;
			httpStatus = response.statusCode;
			const envelope = envelopeSchema.safeParse(response.body);
			const bodyCode = envelope.success ? Number(envelope.data.code) : NaN;
			kieMessage = envelope.success
				? (envelope.data.msg ?? envelope.data.message ?? undefined)
				: undefined;
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
			failure = failureOf(error);
			// A refused connection never reached KIE: its rate-limit slot is given back.
			release?.(!(failure.type === 'network' && failure.code === 'ECONNREFUSED'));
			if (signal?.aborted)
				throw new NodeApiError(this.getNode(), { message: 'cancelled' } as JsonObject, {
					message: 'The execution was cancelled while waiting for KIE',
				});
		}

		if (
			attempt + 1 < policy.maxAttempts &&
			isRetryable(request.kind, failure) &&
			!signal?.aborted
		) {
			await pause(backoffDelay(policy, attempt, retryAfterMs(headers)), signal);
			continue;
		}
		const { message, description, httpCode } = requestFailureText({
			what: `${request.method} ${request.path}`,
			kind: request.kind,
			failure,
			kieMessage,
			mayHaveCreated: mayHaveCreated(request.kind, failure),
		});
		const error = new NodeApiError(
			this.getNode(),
			{ message, code: failure.type === 'code' ? failure.code : failure.type } as JsonObject,
			{
				message,
				description: triedTimes(description, attempt + 1),
				httpCode,
			},
		);
		if (request.kind === 'create' && provesNoTaskCreated({ httpStatus, failure, kieMessage })) {
			provenUncreated.set(error, kieMessage ?? '');
		}
		throw error;
	}
}
