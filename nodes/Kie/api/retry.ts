import { sleep } from 'n8n-workflow';

/** Whether a request creates (and bills) a KIE task, or only reads. Retries differ (DESIGN.md). */
export type RequestKind = 'create' | 'read';

/** What went wrong with one attempt, as far as the client can tell. */
export type AttemptFailure =
	| { type: 'code'; code: number } // KIE's body code, or the HTTP status when the body has none
	| { type: 'network'; code: string } // ECONNREFUSED, ECONNRESET, ...
	| { type: 'timeout' };

const READ_RETRY_CODES = new Set([408, 429, 455, 500, 502, 503, 504]);

/**
 * A create call is retried only when KIE surely did not take it: rate-limited (429, rejected and not
 * queued), maintenance (455), or the connection was refused before anything was sent. Never after a
 * timeout or reset, which could have created and billed a task.
 */
const CREATE_RETRY_CODES = new Set([429, 455]);

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

/** Sleeps in short steps so a cancelled execution stops waiting within a second. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	const until = Date.now() + ms;
	while (!signal?.aborted) {
		const left = until - Date.now();
		if (left <= 0) return;
		await sleep(Math.min(left, 1000));
	}
}
