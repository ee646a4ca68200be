import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { DEFAULT_API_BASE_URL } from '../kie/constants';
import type { KieApi, KieTask, TaskModel } from '../kie/tasks';
import type { KieCredentials } from '../transport';
import { CONCURRENT_CALLS, mapBounded, type SubmittedTask } from './batch';
import { answer, confirmWithKie, receiveCallback } from './callbackIntake';
import {
	callbackListNeedsFiles,
	callbackModeUnavailable,
	callbackUnreachable,
	openAfterWait,
	tooManyCallbackItems,
} from './errorMessages';
import { resultItem, unfinishedTask, type DownloadOptions } from './results';
import {
	apiOf,
	binaryStoreHasIds,
	customDataRoom,
	executionCustomData,
	MAX_CALLBACK_ITEMS,
	memoryOf,
	readWaitingRun,
	storeWaitingRun,
	type RunMemory,
	type WaitingRun,
} from './waitState';

// Callback mode: execute() creates the tasks and pauses the execution (waitForCallbacks); KIE's
// callbacks, and the node's own wake-up calls (the early check, and the one at the time limit),
// arrive at webhook() (resumeFromCallback), which resumes the execution once every task has ended.

/** n8n's own time limit comes this long after the node's wake-up call, as a backstop only. */
export const BACKSTOP_MS = 5 * 60_000;

/**
 * How long after the pause the node's process sends the early check. n8n answers 409 itself to a
 * callback that arrives before the execution is stored as waiting (a task that failed at once, or
 * the first tasks of a large run, which end while later ones are still being created), and KIE
 * gives up after 3 retries. The early check reads every task still open once, so such a task ends
 * the wait about a minute after the pause instead of at the time limit. Sent only when the time
 * limit is at least EARLY_CHECK_MARGIN_MS later still.
 */
export const EARLY_CHECK_MS = 60_000;
const EARLY_CHECK_MARGIN_MS = 30_000;

/** The `wake` query value of each of the node's own calls. */
const WAKE = { earlyCheck: 'check', timeLimit: '1' } as const;

/**
 * The path of the node's second restart webhook, which takes only its own wake-up call. n8n hands a
 * resume URL with a path to the waiting node's webhook of that path, or answers 404: so a wake-up
 * sent after the run has moved on cannot resume a later waiting node (e.g. a Wait node). In queue
 * mode that happens: the timer runs on the worker that ran execute(), which never learns that main
 * resumed the run.
 */
export const WAKE_UP_PATH = 'kie-wake-up';

/**
 * This execution's resume URL with extra query values (and a webhook path). `$execution.resumeUrl`
 * (not getSignedResumeUrl, whose node-id suffix only matches webhooks on the node id path) is what
 * n8n routes to this node's restart webhook; n8n ignores query values other than its own.
 */
export function resumeUrl(
	this: IExecuteFunctions,
	params: Record<string, string> = {},
	webhookPath = '',
): string {
	const url = new URL(String(this.evaluateExpression('{{ $execution.resumeUrl }}', 0)));
	if (webhookPath) url.pathname = `${url.pathname.replace(/\/+$/, '')}/${webhookPath}`;
	for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
	return url.toString();
}

const PRIVATE_HOST =
	/^(localhost|127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|\[?::1\]?$|0\.0\.0\.0)|\.local$/;

/**
 * Real KIE can only call back to an address on the internet. When n8n's webhook URL is local and
 * the credential points at real KIE, the run would wait for callbacks that never come: refused
 * early.
 */
export function checkCallbackReachable(this: IExecuteFunctions, credentials: KieCredentials): void {
	const resumeHost = new URL(resumeUrl.call(this)).hostname;
	const kieIsLocal = PRIVATE_HOST.test(
		new URL(credentials.baseUrl || DEFAULT_API_BASE_URL).hostname,
	);
	if (PRIVATE_HOST.test(resumeHost) && !kieIsLocal) {
		const { message, description } = callbackUnreachable(resumeHost);
		throw new NodeOperationError(this.getNode(), message, { description });
	}
}

/**
 * The run's task list must fit in the execution's custom data, or in a binary data file pointed to
 * from there (and this n8n must offer the node custom data at all), checked before anything is
 * created.
 */
export async function checkCallbackRoom(
	this: IExecuteFunctions,
	model: TaskModel,
	itemCount: number,
): Promise<void> {
	const probe = {
		model,
		deadline: Date.now(),
		taskIds: Array.from({ length: itemCount }, () => '00000000-0000-0000-0000-000000000000'),
	};
	const customData = executionCustomData(this);
	if (!customData) {
		const { message, description } = callbackModeUnavailable();
		throw new NodeOperationError(this.getNode(), message, { description });
	}
	const room = customDataRoom(customData, this.getNode().id, probe);
	if (room.fits) return;
	// A file takes one custom data key, for its id.
	if (room.available < 1) {
		const { message, description } = tooManyCallbackItems(MAX_CALLBACK_ITEMS, itemCount, room);
		throw new NodeOperationError(this.getNode(), message, { description });
	}
	if (!(await binaryStoreHasIds(this))) {
		const { message, description } = callbackListNeedsFiles(MAX_CALLBACK_ITEMS, itemCount);
		throw new NodeOperationError(this.getNode(), message, { description });
	}
}

/**
 * Pauses the execution until KIE has called back for every task. The node's process also wakes the
 * execution itself: once about a minute after the pause (the early check), and at the time limit,
 * so that open tasks are read instead of being passed over.
 */
export async function waitForCallbacks(
	this: IExecuteFunctions,
	model: TaskModel,
	itemCount: number,
	created: SubmittedTask[],
	timeoutMs: number,
): Promise<void> {
	if (created.length === 0) return;
	const taskIds: Array<string | null> = Array.from({ length: itemCount }, () => null);
	const apis: KieApi[] = Array.from({ length: itemCount }, () => 'legacy');
	for (const task of created) {
		taskIds[task.itemIndex] = task.taskId;
		apis[task.itemIndex] = task.api;
	}
	const nodeId = this.getNode().id;
	const deadline = Date.now() + timeoutMs;
	const customData = executionCustomData(this);
	// checkCallbackRoom found it before the tasks were created.
	if (!customData) throw new NodeOperationError(this.getNode(), callbackModeUnavailable().message);
	await storeWaitingRun(this, customData, nodeId, { model, deadline, taskIds, apis });
	const { run } = memoryOf(this.getExecutionId(), nodeId, deadline);
	run.pausedHere = true;

	const logger = this.logger;
	// Built now: the execution context is not relied on after execute() has returned.
	const wakeUrls = {
		earlyCheck: resumeUrl.call(this, { wake: WAKE.earlyCheck }, WAKE_UP_PATH),
		timeLimit: resumeUrl.call(this, { wake: WAKE.timeLimit }, WAKE_UP_PATH),
	};
	const wakeAt = async (at: number, url: string) => {
		// Checked every second, so the timer ends as soon as the run has resumed.
		while (Date.now() < at && !run.resumed)
			await sleep(Math.min(1000, Math.max(1, at - Date.now())));
		if (run.resumed) return;
		await this.helpers.httpRequest({
			method: 'POST',
			url,
			body: {},
			json: true,
			ignoreHttpStatusErrors: true,
			timeout: 60_000,
		});
	};
	const earlyCheckAt = Date.now() + EARLY_CHECK_MS;
	const wakeUps = async () => {
		if (earlyCheckAt + EARLY_CHECK_MARGIN_MS <= deadline) {
			await wakeAt(earlyCheckAt, wakeUrls.earlyCheck).catch((error: Error) =>
				logger.warn(`KIE: could not send the waiting execution its early check: ${error.message}`),
			);
		}
		await wakeAt(deadline, wakeUrls.timeLimit);
	};
	void wakeUps().catch((error: Error) =>
		logger.warn(`KIE: could not wake the waiting execution at its time limit: ${error.message}`),
	);

	await this.putExecutionToWait(new Date(deadline + BACKSTOP_MS));
}

/**
 * An item's Reference, evaluated again after the wait: webhook() sees the waiting node's input
 * items, so this works in any process, also after an n8n restart.
 */
function referenceOf(context: IWebhookFunctions, itemIndex: number): string {
	const raw = context.getNode().parameters.reference;
	if (typeof raw !== 'string' || raw === '') return '';
	const value = raw.startsWith('=') ? context.evaluateExpression(raw.slice(1), itemIndex) : raw;
	return value === undefined || value === null ? '' : String(value);
}

const ALREADY_RESUMED = { received: true, alreadyResumed: true };

/**
 * webhook() of a waiting run: takes KIE's callbacks (and the node's own wake-up calls), confirms
 * each task once with KIE's API, and resumes the execution only when every task has ended, or at
 * the time limit. Duplicates cost nothing; callbacks for unknown tasks are ignored.
 */
export async function resumeFromCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const nodeId = this.getNode().id;
	const customData = executionCustomData(this);
	const run = customData ? await readWaitingRun(this, customData, nodeId) : null;
	if (!run) return answer(this, 404, { error: 'This execution is not waiting for KIE tasks' });
	const { run: memory } = memoryOf(this.getExecutionId(), nodeId, run.deadline);
	if (memory.resumed) return answer(this, 200, ALREADY_RESUMED);

	const call = callKind(this, run);
	if (call === 'time limit not reached') {
		return answer(this, 200, { received: true, ignored: 'the time limit has not passed' });
	}
	if (call === 'callback') {
		const notTaken = await takeCallback(this, run, memory);
		if (notTaken) return notTaken;
	}
	// Every open task is read: at the time limit; and once per process, by the early check, or on
	// the first call a process gets that did not pause the run itself (another process, or a
	// restarted n8n: callbacks taken before are not in its memory).
	const sweep =
		call === 'time limit' || (!memory.swept && (call === 'early check' || !memory.pausedHere));
	let answered = false;
	if (sweep) {
		memory.swept = true;
		const open = openTasks(run, memory);
		if (open.length > 0) {
			// KIE allows 15 s for an answer, and reading a large run takes longer: answer first.
			answer(this, 200, { received: true, checking: open.length });
			answered = true;
			let complete = false;
			try {
				await mapBounded(open, CONCURRENT_CALLS, async (taskId) => {
					// One of this process's callbacks may have confirmed it meanwhile.
					if (!memory.results.has(taskId)) await confirmInto(this, run, memory, taskId);
				});
				complete = true;
			} finally {
				// A read that failed (KIE unreachable) leaves the re-read to this process's next call.
				if (!complete) memory.swept = false;
			}
		}
	}
	const reply = (body: IDataObject): IWebhookResponseData =>
		answered ? { noWebhookResponse: true } : answer(this, 200, body);

	// Checked again after the awaits: another request may have decided to resume meanwhile.
	if (memory.resumed) return reply(ALREADY_RESUMED);
	const stillOpen = openTasks(run, memory);
	if (stillOpen.length > 0 && call !== 'time limit') {
		return reply({ received: true, waitingFor: stillOpen.length });
	}
	memory.resumed = true;

	// KIE allows 15 s for an answer: answer first, then download and resume.
	reply({ received: true, resumed: true });
	return { noWebhookResponse: true, workflowData: [await outputItems(this, run, memory)] };
}

/**
 * What a request is: a KIE callback, or one of the node's own calls. The time-limit call counts
 * only once the time limit has passed (anyone holding the URL could add `wake=1`); the early check
 * at any time, but it reads the run at most once per process.
 */
function callKind(
	context: IWebhookFunctions,
	run: WaitingRun,
): 'callback' | 'early check' | 'time limit' | 'time limit not reached' {
	const wake = (context.getQueryData() as IDataObject).wake;
	if (wake === WAKE.earlyCheck) return 'early check';
	if (wake !== WAKE.timeLimit) return 'callback';
	return Date.now() >= run.deadline - 1000 ? 'time limit' : 'time limit not reached';
}

/** Takes one KIE callback through the intake; returns the answer when it is not for this run. */
async function takeCallback(
	context: IWebhookFunctions,
	run: WaitingRun,
	memory: RunMemory,
): Promise<IWebhookResponseData | undefined> {
	const intake = await receiveCallback(context);
	if ('refused' in intake) return intake.refused;
	const { taskId } = intake.callback;
	if (!run.taskIds.includes(taskId)) {
		return answer(context, 200, { received: true, ignored: 'not a task of this run' });
	}
	// Callbacks are signals: status and URLs come from KIE's API, once per task.
	if (!memory.results.has(taskId)) await confirmInto(context, run, memory, taskId);
	return undefined;
}

/**
 * Asks KIE about a task of the run and remembers it once it has ended; one call per task at a time
 * (a fresh process reading every open task and that task's own callback may arrive together).
 */
async function confirmInto(
	context: IWebhookFunctions,
	run: WaitingRun,
	memory: RunMemory,
	taskId: string,
): Promise<void> {
	const inFlight = memory.confirming.get(taskId);
	if (inFlight) return await inFlight;
	const confirming = (async () => {
		const api = apiOf(run, run.taskIds.indexOf(taskId));
		const confirmation = await confirmWithKie(context, run.model, taskId, api);
		if ('ended' in confirmation) memory.results.set(taskId, confirmation.ended);
	})();
	memory.confirming.set(taskId, confirming);
	try {
		await confirming;
	} finally {
		memory.confirming.delete(taskId);
	}
}

/** The run's tasks that have not ended (as far as this process knows). */
function openTasks(run: WaitingRun, memory: RunMemory): string[] {
	return run.taskIds.filter((id): id is string => id !== null && !memory.results.has(id));
}

/**
 * One output item per input item: the ended task (with its video if asked), or why there is none.
 */
async function outputItems(
	context: IWebhookFunctions,
	run: WaitingRun,
	memory: RunMemory,
): Promise<INodeExecutionData[]> {
	const options = context.getNodeParameter('completionOptions', {}) as DownloadOptions;
	const items: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < run.taskIds.length; itemIndex++) {
		const taskId = run.taskIds[itemIndex];
		const reference = referenceOf(context, itemIndex);
		const done = taskId ? memory.results.get(taskId) : undefined;
		if (done) {
			items.push(await resultItem(context, done, itemIndex, reference, options));
			continue;
		}
		const task: KieTask = unfinishedTask(
			taskId ?? '',
			null,
			{ model: run.model, api: apiOf(run, itemIndex), ...(reference ? { reference } : {}) },
			openAfterWait(taskId),
		);
		items.push({ json: task, pairedItem: { item: itemIndex } });
	}
	return items;
}
