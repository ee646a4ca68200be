import type {
	IDataObject,
	IExecuteFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { parseCallback, type ParsedCallback } from '../kie/callbacks';
import {
	DEFAULT_MAX_SKEW_SECONDS,
	signatureHeadersOf,
	type SignatureVerdict,
	verifyCallbackSignature,
} from '../kie/signature';
import { fetchTask } from '../kie/taskApi';
import { isTerminal, type KieApi, type KieTask, type TaskModel } from '../kie/tasks';
import { CREDENTIAL_TYPE, kieCredentials } from '../transport';
import { notJson, signatureRefused } from './errorMessages';

// The one intake for KIE's callbacks, used by both webhooks that take them: the KIE Trigger's and
// the KIE node's in callback mode. In order:
//   1. size: n8n reads the body, and refuses one over its limit (N8N_PAYLOAD_SIZE_MAX), before any
//      node code runs, so both webhooks get the same limit;
//   2. JSON only (415): n8n would also turn a form into an object that reads like a callback;
//   3. a KIE callback (400): a code and a task id;
//   4. the signature (401), when the credential has a Webhook HMAC Key (the KIE Trigger may check on a
//      key read for an earlier callback, and then checks again in execute());
//   5. confirm with KIE (confirmWithKie): the callback is a signal, KIE's API has the facts;
//   6. download (results.ts attachVideo).
// Every answer given at once goes through answer(). Callback mode does 5 and 6 in webhook(); the
// KIE Trigger does them in execute(), inside the run webhook() started, after n8n stored that run
// and answered KIE through webhookResponse (KIE waits 15 s at most).

/** Answers the request now with a status and a JSON body; n8n sends nothing more. */
export function answer(
	context: IWebhookFunctions,
	status: number,
	body: IDataObject,
): IWebhookResponseData {
	context.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

export interface IntakeOptions {
	/** False to take callbacks without checking their signature (a KIE Trigger option). */
	verifySignature?: boolean;
	maxSkewSeconds?: number;
	/**
	 * Check the signature against the key read for this credential within the last minute, instead
	 * of reading the credential for every callback (the KIE Trigger; see webhookKey).
	 */
	reuseKey?: boolean;
}

/**
 * A callback that passed steps 2-4, or the answer already given to one that did not. `keyReused`:
 * its signature was checked with a key read for an earlier callback, so the caller must check it
 * again with a fresh read before it trusts the callback.
 */
export type Intake =
	{ callback: ParsedCallback; keyReused: boolean } | { refused: IWebhookResponseData };

/** How long webhook() may go on using a credential's Webhook HMAC Key (or its absence) once read. */
const KEY_REUSE_MS = 60_000;

/** The Webhook HMAC Key per credential id as last read (undefined: the credential has none). */
const keysRead = new Map<string, { key: string | undefined; readAt: number }>();

/**
 * The credential's Webhook HMAC Key. Outside a run, n8n reads a credential through a throwaway
 * workflow with an expression sandbox of its own: the dearest part of a callback's intake. So the
 * trigger reuses a key read within the last minute; a refusal is never made on a reused key (see
 * receiveCallback), and execute() checks an accepted callback again with a fresh read.
 */
async function webhookKey(
	context: IWebhookFunctions,
	reuse: boolean,
): Promise<{ key: string | undefined; reused: boolean }> {
	const id = context.getNode().credentials?.[CREDENTIAL_TYPE]?.id ?? undefined;
	const known = id === undefined ? undefined : keysRead.get(id);
	if (reuse && known && Date.now() - known.readAt < KEY_REUSE_MS) {
		return { key: known.key, reused: true };
	}
	// Once per webhook call: callback mode's confirming request in the same call reuses this read.
	const credentials = await kieCredentials(context);
	const key = credentials.webhookHmacKey || undefined;
	if (id !== undefined) keysRead.set(id, { key, readAt: Date.now() });
	return { key, reused: false };
}

export async function receiveCallback(
	context: IWebhookFunctions,
	{
		verifySignature = true,
		maxSkewSeconds = DEFAULT_MAX_SKEW_SECONDS,
		reuseKey = false,
	}: IntakeOptions = {},
): Promise<Intake> {
	const headers = context.getHeaderData() as IDataObject;
	const contentType = String(headers['content-type'] ?? '');
	if (!/^application\/json\b/i.test(contentType.trim())) {
		return { refused: answer(context, 415, { error: notJson(contentType) }) };
	}
	const callback = parseCallback(context.getBodyData());
	if ('invalid' in callback) return { refused: answer(context, 400, { error: callback.invalid }) };

	if (!verifySignature) return { callback, keyReused: false };
	const check = (key: string | undefined): SignatureVerdict =>
		key ? verifyCallbackSignature(key, callback.taskId, headers, { maxSkewSeconds }) : { ok: true };
	let { key, reused } = await webhookKey(context, reuseKey);
	let verdict = check(key);
	// The key may have changed within the minute: a refusal is made on a fresh read only.
	if (!verdict.ok && reused) {
		({ key, reused } = await webhookKey(context, false));
		verdict = check(key);
	}
	if (!verdict.ok) {
		return { refused: answer(context, 401, { error: signatureRefused(verdict.reason) }) };
	}
	return { callback, keyReused: reused };
}

/** The two headers of KIE's signature, as a callback carried them (for signatureHolds). */
export function signatureHeaders(context: IWebhookFunctions): Record<string, string> {
	return signatureHeadersOf(context.getHeaderData() as IDataObject);
}

/**
 * Step 4 again, with the credential as it is now: for a callback webhook() accepted on a reused key.
 * The timestamp is judged against when the callback arrived, not when the run got to it.
 */
export async function signatureHolds(
	context: IExecuteFunctions,
	taskId: string,
	headers: Record<string, string>,
	{ receivedAt, maxSkewSeconds }: { receivedAt: string; maxSkewSeconds: number },
): Promise<boolean> {
	const credentials = await kieCredentials(context);
	if (!credentials.webhookHmacKey) return true;
	return verifyCallbackSignature(credentials.webhookHmacKey, taskId, headers, {
		maxSkewSeconds,
		nowSeconds: Math.floor(Date.parse(receivedAt) / 1000),
	}).ok;
}

/** KIE's API on a task a callback named: the task when it has ended, else the status it reports. */
export type Confirmation = { ended: KieTask } | { status: string };

export async function confirmWithKie(
	context: IExecuteFunctions | IWebhookFunctions,
	model: TaskModel,
	taskId: string,
	api: KieApi,
): Promise<Confirmation> {
	const task = await fetchTask.call(context, model, taskId, api);
	// The Market record names its own model; a legacy record cannot tell Runway from Extend, the
	// caller's model can.
	if (task && isTerminal(task)) return { ended: api === 'market' ? task : { ...task, model } };
	return { status: task?.status ?? 'unknown' };
}
