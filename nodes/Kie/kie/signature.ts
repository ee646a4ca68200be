import { createHmac, timingSafeEqual } from 'crypto';

/** KIE gives no replay window; five minutes either way is our default (docs/kie-api.md §6e). */
export const DEFAULT_MAX_SKEW_SECONDS = 300;

export type SignatureVerdict = { ok: true } | { ok: false; reason: string };

function header(headers: Record<string, unknown>, name: string): string | undefined {
	// Node lower-cases incoming header names; KIE's samples use both cases.
	const value = headers[name.toLowerCase()];
	return Array.isArray(value) ? String(value[0]) : typeof value === 'string' ? value : undefined;
}

const TIMESTAMP_HEADER = 'x-webhook-timestamp';
const SIGNATURE_HEADER = 'x-webhook-signature';

/** The two headers of KIE's signature as a callback carried them, read as the check reads them. */
export function signatureHeadersOf(headers: Record<string, unknown>): Record<string, string> {
	const kept: Record<string, string> = {};
	for (const name of [TIMESTAMP_HEADER, SIGNATURE_HEADER]) {
		const value = header(headers, name);
		if (value !== undefined) kept[name] = value;
	}
	return kept;
}

/** base64(HMAC-SHA256(taskId + "." + timestamp, key)), as KIE signs callbacks. */
export function signCallback(key: string, taskId: string, timestamp: string | number): string {
	return createHmac('sha256', key).update(`${taskId}.${timestamp}`).digest('base64');
}

/**
 * Checks KIE's X-Webhook-Signature in constant time, and that X-Webhook-Timestamp is recent. Only
 * the task id and timestamp are signed (KIE does not sign the body), so callers should take status
 * and URLs from KIE's API rather than from the body when it matters.
 */
export function verifyCallbackSignature(
	key: string,
	taskId: string,
	headers: Record<string, unknown>,
	{ maxSkewSeconds = DEFAULT_MAX_SKEW_SECONDS, nowSeconds = Math.floor(Date.now() / 1000) } = {},
): SignatureVerdict {
	const timestamp = header(headers, TIMESTAMP_HEADER);
	const signature = header(headers, SIGNATURE_HEADER);
	if (!timestamp || !signature)
		return { ok: false, reason: 'missing X-Webhook-Signature or X-Webhook-Timestamp' };
	const sentAt = Number(timestamp);
	if (!Number.isInteger(sentAt))
		return { ok: false, reason: 'X-Webhook-Timestamp is not a Unix time in seconds' };
	if (Math.abs(nowSeconds - sentAt) > maxSkewSeconds) {
		return {
			ok: false,
			reason: `X-Webhook-Timestamp is more than ${maxSkewSeconds} s away from now`,
		};
	}
	const expected = Buffer.from(signCallback(key, taskId, timestamp));
	const given = Buffer.from(signature);
	if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
		return { ok: false, reason: 'X-Webhook-Signature does not match' };
	}
	return { ok: true };
}
