import { KIE_CREATE_LIMIT, RESULT_RETENTION_DAYS } from '../kie/constants';

// Every error text the package shows, built in one place. Each builder takes plain values, so this
// module depends on nothing but KIE's documented numbers, and any layer may use it.

const KIE_LOGS = 'https://kie.ai/logs';

/** An error message and what to do about it, as n8n shows them. */
export interface ErrorText {
	message: string;
	description: string;
}

// ---------------------------------------------------------------------------------------------
// KIE's body codes
// ---------------------------------------------------------------------------------------------

const createLimit = `${KIE_CREATE_LIMIT.max} new tasks per ${KIE_CREATE_LIMIT.windowMs / 1000} s`;

/**
 * What each KIE body `code` means to a user, and what to do about it. KIE puts the real outcome in
 * the body `code` (HTTP status and body code can differ), so this table is keyed by body code.
 */
export const KIE_CODE_HINTS: Readonly<Record<number, { title: string; action: string }>> = {
	400: { title: 'KIE rejected the request', action: 'Check the input (content policy, format).' },
	401: {
		title: 'KIE rejected the API key',
		action: 'Copy the key again from https://kie.ai/api-key into the KIE credential.',
	},
	402: {
		title: 'Insufficient KIE credits',
		action: 'Top up the KIE account at https://kie.ai/pricing, then run again.',
	},
	404: { title: 'KIE answered "not found"', action: 'Check the Base URL and the task ID.' },
	405: { title: 'KIE does not allow this method', action: 'Check the Upload Base URL.' },
	408: {
		title: "KIE's upstream gave no result for over 10 minutes",
		action: 'Try again later; the task may still finish (check it with the Get operation).',
	},
	422: { title: 'KIE rejected the parameters', action: 'Check the fields named in the message.' },
	429: {
		title: `KIE rate limit reached (${createLimit} per account)`,
		action: 'Lower the batch rate or ask KIE support to raise the limit.',
	},
	451: {
		title: 'KIE could not fetch the image or video',
		action: 'Make sure the URL is public (no login, no IP limits) and reachable over HTTPS.',
	},
	455: { title: 'KIE is under maintenance', action: 'Try again later.' },
	500: { title: 'KIE reported a server error', action: 'Try again later.' },
	501: { title: 'KIE could not generate the video', action: 'Try again, or change the prompt.' },
	505: {
		title: 'This KIE feature is disabled for the account',
		action: 'Contact KIE support.',
	},
};

/** A one-line message for a KIE body code, with KIE's own text when it adds something. */
export function describeKieCode(code: number, kieMessage?: string): ErrorText {
	const hint = KIE_CODE_HINTS[code];
	const title = hint?.title ?? `KIE answered with code ${code}`;
	const said = kieMessage && kieMessage.trim() !== '' ? `: ${kieMessage.trim()}` : '';
	return {
		message: `${title} (code ${code})${said}`,
		description: hint?.action ?? 'See https://docs.kie.ai for this code.',
	};
}

// ---------------------------------------------------------------------------------------------
// A request to KIE that gave up (transport)
// ---------------------------------------------------------------------------------------------

export interface RequestFailure {
	/** "POST /api/v1/runway/generate" */
	what: string;
	kind: 'create' | 'read';
	failure: { type: 'code'; code: number } | { type: 'network'; code: string } | { type: 'timeout' };
	kieMessage?: string;
	/** The transport's verdict: KIE may have created (and billed) the task. */
	mayHaveCreated: boolean;
}

const NOT_SENT_AGAIN =
	'KIE may have created (and billed) the task anyway, so it was not sent again: ' +
	`check ${KIE_LOGS} before running again.`;

export function requestFailureText({
	what,
	kind,
	failure,
	kieMessage,
	mayHaveCreated,
}: RequestFailure): ErrorText & { httpCode: string } {
	if (failure.type === 'code') {
		const { message, description } = describeKieCode(failure.code, kieMessage);
		const maybeCreated = mayHaveCreated ? ` ${NOT_SENT_AGAIN}` : '';
		return {
			message,
			description: `${description}${maybeCreated} (${what})`,
			httpCode: String(failure.code),
		};
	}
	const timedOut = failure.type === 'timeout';
	const httpCode = timedOut ? '408' : '503';
	if (kind === 'create' && mayHaveCreated) {
		const broke = timedOut ? 'timed out' : `broke (${failure.code.toLowerCase()})`;
		return {
			message: timedOut
				? 'KIE did not answer the create request in time'
				: 'The connection to KIE broke during the create request',
			description:
				`The request ${broke} after it was sent, so KIE may have created and billed the task: ` +
				`it was not sent again. Check ${KIE_LOGS} before running again (${what}).`,
			httpCode,
		};
	}
	const reason = timedOut ? 'timed out' : `failed (${failure.code})`;
	return {
		message: `The request to KIE ${reason}`,
		description: `Check the Base URL in the KIE credential and the network (${what}).`,
		httpCode,
	};
}

export function triedTimes(description: string, attempts: number): string {
	return attempts > 1 ? `${description} Tried ${attempts} times.` : description;
}

// ---------------------------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------------------------

export const NO_TASK_ID: ErrorText = {
	message: 'KIE accepted the request but returned no task ID',
	description: `Check ${KIE_LOGS}: the task may have been created.`,
};

export function taskIdRejected(taskId: string, kieMessage: string, taskKind: string): ErrorText {
	return {
		message: `KIE rejected the task ID "${taskId}" (code 422): ${kieMessage}`,
		description: `Check that it is a ${taskKind} task ID.`,
	};
}

export function unexpectedRecord(taskId: string, issues: string): ErrorText {
	return {
		message: `KIE's record of task "${taskId}" has an unexpected shape`,
		description: issues,
	};
}

/** A task whose record says its result was deleted (`expireFlag` 1). */
export const RESULT_EXPIRED = {
	code: 'expired',
	message:
		`KIE has deleted this video: it keeps results ${RESULT_RETENTION_DAYS} days after they are made. ` +
		'The link no longer works; run the generation again (the prompt is in raw), and download or ' +
		'store results within the retention period (the Download Result option does that).',
} as const;

/** KIE says Runway Aleph is no longer served (docs/kie-api.md §11 "What moved"). */
export function alephDiscontinued(kieMessage: string): ErrorText {
	return {
		message: 'KIE no longer offers Runway Aleph (video to video)',
		description:
			`KIE answered: "${kieMessage}". No task was created and no credits were used. ` +
			'Alternatives: Runway Gen4 (Runway Gen4 Video > Generate) for text or image to video, or a ' +
			'video-to-video model such as Wan 2.6 video-to-video (Wan (Alibaba) > Generate > Wan 2.6: Video to ' +
			'Video).',
	};
}

/** KIE answers 404 on Luma Modify's endpoints: the model is gone (docs/kie-api.md §11). */
export function lumaGone(kieMessage: string): ErrorText {
	return {
		message: 'KIE no longer serves Luma Modify',
		description:
			`KIE answered 404 on Luma Modify's endpoint${kieMessage ? ` ("${kieMessage}")` : ''}: ` +
			'its current docs list Luma Modify under neither its Market API nor its older models. ' +
			'No task was created. Use another video-to-video model, e.g. Wan 2.6 (Wan (Alibaba) > ' +
			'Generate > Wan 2.6: Video to Video).',
	};
}

/** KIE answers that a Market model is discontinued or not served; `alternatives` are labels. */
export function marketModelGone(
	modelId: string,
	kieMessage: string,
	alternatives: string[],
): ErrorText {
	return {
		message: `KIE no longer serves the model "${modelId}"`,
		description:
			`KIE answered: "${kieMessage}". No task was created and no credits were used. ` +
			(alternatives.length > 0
				? `Models of the same family this node offers: ${alternatives.join('; ')}. `
				: '') +
			'KIE lists the models it serves at https://docs.kie.ai/market (use one with Other Market ' +
			'Model and its model ID).',
	};
}

/** A Get for a task KIE does not know under either of its APIs. */
export function noRecordInEitherApi(taskKind: string, taskId: string): ErrorText {
	return {
		message: `KIE has no record of ${taskKind} task "${taskId}"`,
		description:
			"Neither KIE's Market API nor its older per-model API knows it. A task created a moment " +
			'ago can take a few seconds to appear; otherwise check the ID and that it belongs to ' +
			'this model.',
	};
}

/** A Get for a task KIE does not know. */
export function noRecordOf(taskKind: string, taskId: string): ErrorText {
	return {
		message: `KIE has no record of ${taskKind} task "${taskId}"`,
		description:
			'A task created a moment ago can take a few seconds to appear; ' +
			'otherwise check the ID and that it belongs to this model.',
	};
}

/** A created task KIE still does not know after the grace period. */
export function lostTask(taskId: string, msSinceCreated: number): string {
	const seconds = Math.round(msSinceCreated / 1000);
	return `KIE has no record of task ${taskId} ${seconds} s after it was created`;
}

// ---------------------------------------------------------------------------------------------
// A batch of created tasks (poll and submit)
// ---------------------------------------------------------------------------------------------

/** "item 0: <id> (succeeded), item 1: ..." */
export type TaskLine = { itemIndex: number; taskId: string; status?: string };

export function listTasks(tasks: TaskLine[]): string {
	return tasks
		.map((task) => `item ${task.itemIndex}: ${task.taskId} (${task.status ?? 'not finished'})`)
		.join(', ');
}

/** A create refused after other items' tasks were created: they are paid for, so they are named. */
export function refusedAfterCreated(
	refusal: string,
	created: Array<{ itemIndex: number; taskId: string }>,
): string {
	if (created.length === 0) return refusal.trim();
	const names = created.map((task) => `item ${task.itemIndex}: ${task.taskId}`).join(', ');
	const note =
		` Tasks created before this (and billed): ${names}.` + ' Use the Get operation to fetch them.';
	return `${refusal}${note}`.trim();
}

export function taskFailed(
	failed: { taskId: string; error: { code: number | string | null; message: string } | null },
	others: TaskLine[],
): ErrorText {
	const otherTasks = others.length
		? ` The other tasks of this run (fetch them with the Get operation): ${listTasks(others)}.`
		: '';
	return {
		message: `KIE task ${failed.taskId} failed: ${failed.error?.message ?? 'no reason given'}`,
		description:
			`KIE error code: ${failed.error?.code ?? 'none'}. Change the input as KIE's message says ` +
			`and run again; per-task details are at ${KIE_LOGS}.${otherTasks}`,
	};
}

/** Why a polled task has no result at the time limit. */
export function stillOpen(lastStatus: string | undefined, lastError?: Error): string {
	const lastCheck = lastError ? ` (last check failed: ${lastError.message})` : '';
	return `still ${lastStatus ?? 'queued'} at the time limit${lastCheck}`;
}

export function notFinishedInTime(unfinished: string[], finished: TaskLine[]): ErrorText {
	const finishedNote = finished.length ? `. Finished: ${listTasks(finished)}` : '';
	return {
		message: `${unfinished.length} KIE task(s) did not finish in time`,
		description:
			'Nothing was created twice. Pick these up later with the Get operation: ' +
			`${unfinished.join('; ')}${finishedNote}`,
	};
}

export function notDownloaded(undownloaded: string[], all: TaskLine[]): ErrorText {
	return {
		message: `Could not download the result video of ${undownloaded.length} finished KIE task(s)`,
		description:
			`${undownloaded.join(' ')} Every task of this run ` +
			`(fetch them with the Get operation): ${listTasks(all)}.`,
	};
}

// ---------------------------------------------------------------------------------------------
// Callback mode
// ---------------------------------------------------------------------------------------------

export function callbackUnreachable(resumeHost: string): ErrorText {
	return {
		message: `KIE cannot call back to this n8n: its webhook address is ${resumeHost}`,
		description:
			'Callback mode needs an n8n URL that KIE can reach from the internet: ' +
			'set WEBHOOK_URL to your public https address (or a tunnel). ' +
			'Otherwise use Completion: Wait for Result (Poll). Nothing was sent to KIE.',
	};
}

export function tooManyCallbackItems(
	maxItems: number,
	itemCount: number,
	room: { available: number; needed: number },
): ErrorText {
	return {
		message: `Callback mode can wait for at most ${maxItems} items in one run (${itemCount} given)`,
		description:
			"The task list is kept in the execution's custom data, which n8n limits " +
			`(${room.available} free slots, ${room.needed} needed). ` +
			'Split the items with Loop Over Items, or use Poll. Nothing was sent to KIE.',
	};
}

export function callbackListNeedsFiles(maxItems: number, itemCount: number): ErrorText {
	return {
		message: `Callback mode can wait for at most ${maxItems} items in one run on this n8n (${itemCount} given)`,
		description:
			"Above that, the task list is kept in a file of n8n's binary data store, and this n8n keeps " +
			'binary data in memory only. Set N8N_DEFAULT_BINARY_DATA_MODE=filesystem (or database, s3), ' +
			'split the items with Loop Over Items, or use Poll. Nothing was sent to KIE.',
	};
}

export function callbackModeUnavailable(): ErrorText {
	return {
		message: 'Callback mode needs execution custom data, which this n8n does not offer to nodes',
		description:
			'Callback mode keeps the list of KIE tasks in the execution while it waits, so that the ' +
			'resumed run knows its tasks. n8n 1.x offers it only to expressions, and with its default ' +
			'expression engine (N8N_EXPRESSION_ENGINE=vm) not to nodes. Use Poll, or Submit Only with ' +
			'a KIE Trigger workflow. Nothing was sent to KIE.',
	};
}

export function openAfterWait(taskId: string | null): string {
	return taskId
		? `still running at the time limit: pick it up later with the Get operation (task ${taskId})`
		: 'no KIE task was created for this item (see the error of the earlier run)';
}

// ---------------------------------------------------------------------------------------------
// Callbacks (both webhooks)
// ---------------------------------------------------------------------------------------------

export function notJson(contentType: string): string {
	return `KIE callbacks are JSON, not "${contentType || 'untyped'}"`;
}

export function signatureRefused(reason: string): string {
	return `Signature refused: ${reason}`;
}

export function unconfirmedCallback(confirmError: string): string {
	return (
		`${confirmError}. The callback's URLs were not passed on: ` +
		'fetch the task with the Get operation.'
	);
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

export function downloadFailed(taskId: string, status: number, deadLink: boolean): ErrorText {
	const getLater = `the Get operation with Download Result for task ${taskId} later.`;
	return {
		message: `Could not download the result video of KIE task ${taskId} (HTTP ${status})`,
		description: deadLink
			? "The link no longer works and KIE's status API gave no working one. " +
				`KIE keeps results for ${RESULT_RETENTION_DAYS} days: an older task has to be generated ` +
				`again; otherwise run ${getLater}`
			: `The file host did not deliver the video. Run ${getLater}`,
	};
}

/** An error's message with its description, for an item that carries what went wrong. */
export function errorText(error: Error & { description?: string | null }): string {
	return error.description ? `${error.message}. ${error.description}` : error.message;
}
