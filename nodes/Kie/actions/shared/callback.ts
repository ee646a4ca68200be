import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { parseCallback } from '../../api/callbacks';
import { mapBounded, type SubmittedTask } from '../../api/completion';
import { verifyCallbackSignature } from '../../api/signature';
import { fetchTask } from '../../api/tasks';
import { CREDENTIAL_TYPE, type KieCredentials } from '../../api/transport';
import { isTerminal, type KieModel, type KieTask } from '../../api/types';
import {
	customDataRoom,
	loadWaitingRun,
	MAX_CALLBACK_ITEMS,
	memoryOf,
	saveWaitingRun,
} from '../../api/waitState';
import type { CompletionOptions } from './completion.fields';
import { resultItem, unfinishedTask } from './results';

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
 * the credential points at real KIE, the run would wait for callbacks that never come: refuse early.
 */
export function checkCallbackReachable(this: IExecuteFunctions, credentials: KieCredentials): void {
	const resumeHost = new URL(resumeUrl.call(this)).hostname;
	const kieIsLocal = PRIVATE_HOST.test(
		new URL(credentials.baseUrl || 'https://api.kie.ai').hostname,
	);
	if (PRIVATE_HOST.test(resumeHost) && !kieIsLocal) {
		throw new NodeOperationError(
			this.getNode(),
			`KIE cannot call back to this n8n: its webhook address is ${resumeHost}`,
			{
				description:
					'Callback mode needs an n8n URL that KIE can reach from the internet: set WEBHOOK_URL to your public https address (or a tunnel). Otherwise use Completion: Wait for Result (Poll). Nothing was sent to KIE.',
			},
		);
	}
}

/** The run's task ids must fit in the execution's custom data, checked before anything is created. */
export function checkCallbackRoom(
	this: IExecuteFunctions,
	model: KieModel,
	itemCount: number,
): void {
	const probe = {
		model,
		deadline: Date.now(),
		taskIds: Array.from({ length: itemCount }, () => '00000000-0000-0000-0000-000000000000'),
	};
	const room = customDataRoom(this.customData, this.getNode().id, probe);
	if (!room.fits) {
		throw new NodeOperationError(
			this.getNode(),
			`Callback mode can wait for at most ${MAX_CALLBACK_ITEMS} items in one run (${itemCount} given)`,
			{
				description: `The task list is kept in the execution's custom data, which n8n limits (${room.available} free slots, ${room.needed} needed). Split the items with Loop Over Items, or use Poll. Nothing was sent to KIE.`,
			},
		);
	}
}

/**
 * Pauses the execution until KIE has called back for every task. The node's process also wakes the
 * execution itself at the time limit, so that open tasks are polled instead of being passed over.
 */
export async function waitForCallbacks(
	this: IExecuteFunctions,
	model: KieModel,
	itemCount: number,
	created: SubmittedTask[],
	timeoutMs: number,
): Promise<void> {
	if (created.length === 0) return;
	const taskIds: Array<string | null> = Array.from({ length: itemCount }, () => null);
	for (const task of created) taskIds[task.itemIndex] = task.taskId;
	const nodeId = this.getNode().id;
	const deadline = Date.now() + timeoutMs;
	saveWaitingRun(this.customData, nodeId, { model, deadline, taskIds });
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
 * An item's Reference, evaluated again after the wait: webhook() sees the waiting node's input items,
 * so this works in any process, also after an n8n restart.
 */
function referenceOf(context: IWebhookFunctions, itemIndex: number): string {
	const raw = context.getNode().parameters.reference;
	if (typeof raw !== 'string' || raw === '') return '';
	const value = raw.startsWith('=') ? context.evaluateExpression(raw.slice(1), itemIndex) : raw;
	return value === undefined || value === null ? '' : String(value);
}

function answer(context: IWebhookFunctions, status: number, body: IDataObject): void {
	context.getResponseObject().status(status).json(body);
}

/**
 * webhook() of a waiting run: takes KIE's callbacks (and the node's own wake-up call), confirms each
 * task once with KIE's API, and resumes the execution only when every task has ended, or at the time
 * limit. Duplicates cost nothing; callbacks for unknown tasks are ignored.
 */
export async function resumeFromCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const nodeId = this.getNode().id;
	const executionId = this.getExecutionId();
	const run = loadWaitingRun(this.customData, nodeId);
	if (!run) {
		answer(this, 404, { error: 'This execution is not waiting for KIE tasks' });
		return { noWebhookResponse: true };
	}
	const { run: memory, fresh } = memoryOf(executionId, nodeId, run.deadline);
	if (memory.resumed) {
		answer(this, 200, { received: true, alreadyResumed: true });
		return { noWebhookResponse: true };
	}
	// The wake-up call counts only once the time limit has passed (anyone holding the URL could add it).
	const wake =
		(this.getQueryData() as IDataObject).wake === '1' && Date.now() >= run.deadline - 1000;
	const open = () =>
		run.taskIds.filter((id): id is string => id !== null && !memory.results.has(id));
	const confirm = async (taskId: string) => {
		const task = await fetchTask.call(this, run.model, taskId);
		if (task && isTerminal(task)) memory.results.set(taskId, { ...task, model: run.model });
	};

	if ((this.getQueryData() as IDataObject).wake === '1' && !wake) {
		answer(this, 200, { received: true, ignored: 'the time limit has not passed' });
		return { noWebhookResponse: true };
	}
	if (!wake) {
		const callback = parseCallback(this.getBodyData());
		if ('invalid' in callback) {
			answer(this, 400, { error: callback.invalid });
			return { noWebhookResponse: true };
		}
		const credentials = await this.getCredentials<KieCredentials>(CREDENTIAL_TYPE);
		if (credentials.webhookHmacKey) {
			const verdict = verifyCallbackSignature(
				credentials.webhookHmacKey,
				callback.taskId,
				this.getHeaderData() as IDataObject,
			);
			if (!verdict.ok) {
				answer(this, 401, { error: `Signature refused: ${verdict.reason}` });
				return { noWebhookResponse: true };
			}
		}
		if (!run.taskIds.includes(callback.taskId)) {
			answer(this, 200, { received: true, ignored: 'not a task of this run' });
			return { noWebhookResponse: true };
		}
		// Callbacks are signals: status and URLs come from KIE's API, once per task.
		if (!memory.results.has(callback.taskId)) await confirm(callback.taskId);
	}
	// The wake-up call, or a process that has no memory of this run: read what is still open.
	if (wake || fresh) await mapBounded(open(), 5, confirm);

	// Checked again after the awaits: another request may have decided to resume meanwhile.
	const stillOpen = open();
	if (memory.resumed || (stillOpen.length > 0 && !wake)) {
		answer(
			this,
			200,
			memory.resumed
				? { received: true, alreadyResumed: true }
				: { received: true, waitingFor: stillOpen.length },
		);
		return { noWebhookResponse: true };
	}
	memory.resumed = true;

	// KIE allows 15 s for an answer: answer first, then download and resume.
	answer(this, 200, { received: true, resumed: true });
	const options = this.getNodeParameter('completionOptions', {}) as CompletionOptions;
	const items: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < run.taskIds.length; itemIndex++) {
		const taskId = run.taskIds[itemIndex];
		const reference = referenceOf(this, itemIndex);
		const done = taskId ? memory.results.get(taskId) : undefined;
		if (done) {
			items.push(await resultItem(this, done, itemIndex, reference, options));
			continue;
		}
		const message = taskId
			? `still running at the time limit: pick it up later with the Get operation (task ${taskId})`
			: 'no KIE task was created for this item (see the error of the earlier run)';
		const task: KieTask = unfinishedTask(
			taskId ?? '',
			null,
			{ model: run.model, ...(reference ? { reference } : {}) },
			message,
		);
		items.push({ json: task, pairedItem: { item: itemIndex } });
	}
	return { noWebhookResponse: true, workflowData: [items] };
}
