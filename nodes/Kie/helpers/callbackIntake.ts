import type {
	IDataObject,
	IExecuteFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { parseCallback, type ParsedCallback } from '../kie/callbacks';
import { DEFAULT_MAX_SKEW_SECONDS, verifyCallbackSignature } from '../kie/signature';
import { fetchTask } from '../kie/taskApi';
import { isTerminal, type KieApi, type KieTask, type TaskModel } from '../kie/tasks';
import { CREDENTIAL_TYPE, type KieCredentials } from '../transport';
import { notJson, signatureRefused } from './errorMessages';

// The one intake for KIE's callbacks, used by both webhooks that take them: the KIE Trigger's and
// the KIE node's in callback mode. In order:
//   1. size: n8n reads the body, and refuses one over its limit (N8N_PAYLOAD_SIZE_MAX), before any
//      node code runs, so both webhooks get the same limit;
//   2. JSON only (415): n8n would also turn a form into an object that reads like a callback;
//   3. a KIE callback (400): a code and a task id;
//   4. the signature (401), when the credential has a Webhook HMAC Key;
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
}

/** A callback that passed steps 2-4, or the answer already given to one that did not. */
export type Intake = { callback: ParsedCallback } | { refused: IWebhookResponseData };

export async function receiveCallback(
	context: IWebhookFunctions,
	{ verifySignature = true, maxSkewSeconds = DEFAULT_MAX_SKEW_SECONDS }: IntakeOptions = {},
): Promise<Intake> {
	const headers = context.getHeaderData() as IDataObject;
	const contentType = String(headers['content-type'] ?? '');
	if (!/^application\/json\b/i.test(contentType.trim())) {
		return { refused: answer(context, 415, { error: notJson(contentType) }) };
	}
	const callback = parseCallback(context.getBodyData());
	if ('invalid' in callback) return { refused: answer(context, 400, { error: callback.invalid }) };

	const credentials = await context.getCredentials<KieCredentials>(CREDENTIAL_TYPE);
	if (verifySignature && credentials.webhookHmacKey) {
		const verdict = verifyCallbackSignature(credentials.webhookHmacKey, callback.taskId, headers, {
			maxSkewSeconds,
		});
		if (!verdict.ok) {
			return { refused: answer(context, 401, { error: signatureRefused(verdict.reason) }) };
		}
	}
	return { callback };
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
