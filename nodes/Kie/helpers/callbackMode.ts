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
	callbackModeUnavailable,
	callbackUnreachable,
	openAfterWait,
	tooManyCallbackItems,
} from './errorMessages';
import { resultItem, unfinishedTask, type DownloadOptions } from './results';
import {
	apiOf,
	customDataRoom,
	executionCustomData,
	loadWaitingRun,
	MAX_CALLBACK_ITEMS,
	memoryOf,
	saveWaitingRun,
	type RunMemory,
	type WaitingRun,
} from './waitState';

// Callback mode: execute() creates the tasks and pauses the execution (waitForCallbacks); KIE's
// callbacks, and the node's own wake-up call at the time limit, arrive at webhook()
// (resumeFromCallback), which resumes the execution once every task has ended.

/** n8n's own time limit comes this long after the node's wake-up call, as a backstop only. */
export const BACKSTOP_MS = 5 * 60_000;

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
 * The run's task ids must fit in the execution's custom data (and this n8n must offer the node
 * custom data at all), checked before anything is created.
 */
export function checkCallbackRoom(
	this: IExecuteFunctions,
	model: TaskModel,
	itemCount: number,
): void {
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
	if (!room.fits) {
		const { message, description } = tooManyCallbackItems(MAX_CALLBACK_ITEMS, itemCount, room);
		throw new NodeOperationError(this.getNode(), message, { description });
	}
}

/**
 * Pauses the execution until KIE has called back for every task. The node's process also wakes the
 * execution itself at the time limit, so that open tasks are polled instead of being passed over.
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
	saveWaitingRun(customData, nodeId, { model, deadline, taskIds, apis });
	const { run } = memoryOf(this.getExecutionId(), nodeId, deadline);

	const wakeUrl = resumeUrl.call(this, { wake: '1' }, WAKE_UP_PATH);
	const logger = this.logger;
	const wakeAtDeadline = async () => {
		// Checked every second, so the timer ends as soon as the run has resumed.
		while (Date.now() < deadline && !run.resumed)
			await sleep(Math.min(1000, Math.max(1, deadline - Date.now())));
		if (run.resumed) return;
		await this.helpers.httpRequest({
			method: 'POST',
			url: wakeUrl,
			body: {},
			json: true,
			ignoreHttpStatusErrors: true,
			timeout: 60_000,
		});
	};
	void wakeAtDeadline().catch((error: Error) =>
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
 * webhook() of a waiting run: takes KIE's callbacks (and the node's own wake-up call), confirms
 * each task once with KIE's API, and resumes the execution only when every task has ended, or at
 * the time limit. Duplicates cost nothing; callbacks for unknown tasks are ignored.
 */
export async function resumeFromCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const nodeId = this.getNode().id;
	const customData = executionCustomData(this);
	const run = customData ? loadWaitingRun(customData, nodeId) : null;
	if (!run) return answer(this, 404, { error: 'This execution is not waiting for KIE tasks' });
	const { run: memory, fresh } = memoryOf(this.getExecutionId(), nodeId, run.deadline);
	if (memory.resumed) return answer(this, 200, ALREADY_RESUMED);

	const wakeUp = wakeUpCall(this, run);
	if (wakeUp === 'early') {
		return answer(this, 200, { received: true, ignored: 'the time limit has not passed' });
	}
	if (wakeUp === 'none') {
		const notTaken = await takeCallback(this, run, memory);
		if (notTaken) return notTaken;
	}
	// The wake-up call, or a process that has no memory of this run: read what is still open.
	if (wakeUp === 'due' || fresh) {
		await mapBounded(openTasks(run, memory), CONCURRENT_CALLS, async (taskId) => {
			await confirmInto(this, run, memory, taskId);
		});
	}

	// Checked again after the awaits: another request may have decided to resume meanwhile.
	if (memory.resumed) return answer(this, 200, ALREADY_RESUMED);
	const stillOpen = openTasks(run, memory);
	if (stillOpen.length > 0 && wakeUp !== 'due') {
		return answer(this, 200, { received: true, waitingFor: stillOpen.length });
	}
	memory.resumed = true;

	// KIE allows 15 s for an answer: answer first, then download and resume.
	answer(this, 200, { received: true, resumed: true });
	return { noWebhookResponse: true, workflowData: [await outputItems(this, run, memory)] };
}

/**
 * Whether this request is the node's own wake-up call, and whether it is due. It counts only once
 * the time limit has passed (anyone holding the URL could add `wake=1`).
 */
function wakeUpCall(context: IWebhookFunctions, run: WaitingRun): 'none' | 'early' | 'due' {
	if ((context.getQueryData() as IDataObject).wake !== '1') return 'none';
	return Date.now() >= run.deadline - 1000 ? 'due' : 'early';
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
