import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, type JsonObject } from 'n8n-workflow';

import { pollUntilDone, submitAll, type SubmitJob, type SubmittedTask } from '../../api/completion';
import type { KieCredentials } from '../../api/transport';
import { CREDENTIAL_TYPE } from '../../api/transport';
import type { KieModel, KieTask } from '../../api/types';
import { inputRules, type InputRules } from '../../api/validation';
import { toNodeError } from '../items';
import { checkCallbackReachable, checkCallbackRoom, resumeUrl, waitForCallbacks } from './callback';
import type { CompletionOptions } from './completion.fields';
import { resultItem, unfinishedTask } from './results';

export interface BuildContext {
	itemIndex: number;
	rules: InputRules;
	/** True when the credential points at a local http simulator, where http:// media URLs work. */
	allowHttp: boolean;
}

/** What an operation contributes: its model and how to turn one item into KIE's request body. */
export interface CreateSpec {
	model: KieModel;
	/** Checks the item's fields and returns a function that builds the body (uploading binaries). */
	prepare(this: IExecuteFunctions, build: BuildContext): Promise<() => Promise<IDataObject>>;
}

export type Completion = 'submit' | 'poll' | 'callback';

/**
 * A callback URL with this package's query values: the model (a callback's shape cannot tell
 * Runway from Extend) and the caller's reference, which the KIE Trigger outputs again.
 */
export function callbackUrlFor(callbackUrl: string, model: KieModel, reference: string): string {
	const url = new URL(callbackUrl);
	url.searchParams.set('model', model);
	if (reference) url.searchParams.set('reference', reference);
	return url.toString();
}

/** The task object for a task that was just created. */
export function submittedTask(task: SubmittedTask, reference: string): KieTask {
	return {
		taskId: task.taskId,
		model: task.model,
		status: 'queued',
		videoUrl: null,
		videoUrls: [],
		thumbnailUrl: null,
		error: null,
		createdAt: new Date(task.submittedAt).toISOString(),
		completedAt: null,
		expiresAt: null,
		...(reference ? { reference } : {}),
		raw: { taskId: task.taskId },
	};
}

function errorItem(json: IDataObject, itemIndex: number): INodeExecutionData {
	return { json, pairedItem: { item: itemIndex } };
}

/**
 * The execute() of every create operation: validate every item first (nothing is sent if any is
 * bad), create all tasks under the rate limit, then return them, poll them all to the end, or pause
 * the execution until KIE calls back for all of them.
 */
export function createExecute(spec: CreateSpec) {
	return async function execute(
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	): Promise<INodeExecutionData[]> {
		const continueOnFail = this.continueOnFail();
		const credentials = await this.getCredentials<KieCredentials>(CREDENTIAL_TYPE);
		const allowHttp = (credentials.baseUrl ?? '').startsWith('http://');
		const completion = this.getNodeParameter('completion', 0) as Completion;
		const output: INodeExecutionData[] = new Array(items.length);
		if (completion === 'callback') {
			checkCallbackReachable.call(this, credentials);
			checkCallbackRoom.call(this, spec.model, items.length);
		}

		// 1. Validate every item before anything is uploaded or created.
		const builders: Array<{
			itemIndex: number;
			build: () => Promise<IDataObject>;
			reference: string;
		}> = [];
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			const rules = inputRules(this.getNode(), itemIndex);
			try {
				const build = await spec.prepare.call(this, { itemIndex, rules, allowHttp });
				const reference = String(this.getNodeParameter('reference', itemIndex, '') ?? '');
				let callBackUrl: string | undefined;
				if (completion === 'submit') {
					const given = String(this.getNodeParameter('callbackUrl', itemIndex, '') ?? '').trim();
					if (given)
						callBackUrl = callbackUrlFor(
							rules.publicUrl('Callback URL', given, true),
							spec.model,
							reference,
						);
				} else if (completion === 'callback') {
					callBackUrl = resumeUrl.call(this, { model: spec.model });
				}
				builders.push({
					itemIndex,
					reference,
					build: async () => ({ ...(await build()), ...(callBackUrl ? { callBackUrl } : {}) }),
				});
			} catch (error) {
				if (!continueOnFail) throw toNodeError(this, error, itemIndex);
				output[itemIndex] = errorItem({ error: (error as Error).message }, itemIndex);
			}
		}

		// 2. Upload binaries and build bodies, then create every task.
		const jobs: SubmitJob[] = [];
		for (const builder of builders) {
			try {
				jobs.push({ itemIndex: builder.itemIndex, model: spec.model, body: await builder.build() });
			} catch (error) {
				if (!continueOnFail) throw toNodeError(this, error, builder.itemIndex);
				output[builder.itemIndex] = errorItem(
					{ error: (error as Error).message },
					builder.itemIndex,
				);
			}
		}
		const referenceOf = new Map(builders.map((builder) => [builder.itemIndex, builder.reference]));
		const outcomes = await submitAll.call(this, jobs);
		const created = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.task] : []));
		const refused = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome]));
		if (refused.length > 0 && !continueOnFail) {
			const first = refused[0];
			// Tasks already created are paid for: name them so none is lost.
			const createdNote = created.length
				? ` Tasks created before this (and billed): ${created.map((task) => `item ${task.itemIndex}: ${task.taskId}`).join(', ')}. Use the Get operation to fetch them.`
				: '';
			const description = `${(first.error as NodeApiError).description ?? ''}${createdNote}`.trim();
			throw new NodeApiError(this.getNode(), { message: first.error.message } as JsonObject, {
				message: first.error.message,
				description,
				itemIndex: first.itemIndex,
				httpCode: (first.error as NodeApiError).httpCode ?? undefined,
			});
		}
		for (const outcome of refused) {
			output[outcome.itemIndex] = errorItem({ error: outcome.error.message }, outcome.itemIndex);
		}
		for (const task of created) {
			output[task.itemIndex] = {
				json: submittedTask(task, referenceOf.get(task.itemIndex) ?? ''),
				pairedItem: { item: task.itemIndex },
			};
		}

		if (completion === 'submit') return output;
		const options = this.getNodeParameter('completionOptions', 0, {}) as CompletionOptions;
		const timeoutMs = Math.max(0.1, options.timeoutMinutes ?? 30) * 60_000;
		if (completion === 'callback') {
			await waitForCallbacks.call(this, spec.model, items.length, created, timeoutMs);
			return output;
		}

		// 3. Poll every created task until it ends.
		const result = await pollUntilDone.call(this, created, {
			intervalMs: Math.max(1, options.pollIntervalSeconds ?? 30) * 1000,
			timeoutMs,
			signal: this.getExecutionCancelSignal(),
		});

		// A failed task, a time limit or a failed download stops the node (n8n's On Error settings route
		// it); every task of the run is paid for, so the error names them all.
		const listTasks = (tasks: SubmittedTask[]) =>
			tasks
				.map(
					(task) =>
						`item ${task.itemIndex}: ${task.taskId} (${result.done.get(task.taskId)?.status ?? 'not finished'})`,
				)
				.join(', ');
		const firstFailed = created.find((task) => result.done.get(task.taskId)?.status === 'failed');
		if (firstFailed && !continueOnFail) {
			const failed = result.done.get(firstFailed.taskId)!;
			throw new NodeOperationError(
				this.getNode(),
				`KIE task ${failed.taskId} failed: ${failed.error?.message ?? 'no reason given'}`,
				{
					itemIndex: firstFailed.itemIndex,
					description: `KIE error code: ${failed.error?.code ?? 'none'}. Change the input as KIE's message says and run again; per-task details are at https://kie.ai/logs.${
						created.length > 1
							? ` The other tasks of this run (fetch them with the Get operation): ${listTasks(created.filter((task) => task !== firstFailed))}.`
							: ''
					}`,
				},
			);
		}

		const unfinished: string[] = [];
		const undownloaded: string[] = [];
		for (const task of created) {
			const done = result.done.get(task.taskId);
			const reference = referenceOf.get(task.itemIndex) ?? '';
			if (done) {
				output[task.itemIndex] = await resultItem(this, done, task.itemIndex, reference, options);
				const downloadError = output[task.itemIndex].json.downloadError;
				if (downloadError) undownloaded.push(`item ${task.itemIndex}: ${String(downloadError)}`);
				continue;
			}
			const open = result.open.get(task.taskId);
			const message =
				result.errors.get(task.taskId)?.message ??
				`still ${open?.last?.status ?? 'queued'} at the time limit${open?.lastError ? ` (last check failed: ${open.lastError.message})` : ''}`;
			unfinished.push(`${task.taskId} (item ${task.itemIndex}): ${message}`);
			output[task.itemIndex] = errorItem(
				unfinishedTask(task.taskId, open?.last ?? null, submittedTask(task, reference), message),
				task.itemIndex,
			);
		}
		if (unfinished.length > 0 && !continueOnFail) {
			const finished = created.filter((task) => result.done.has(task.taskId));
			throw new NodeOperationError(
				this.getNode(),
				`${unfinished.length} KIE task(s) did not finish in time`,
				{
					description: `Nothing was created twice. Pick these up later with the Get operation: ${unfinished.join('; ')}${finished.length ? `. Finished: ${listTasks(finished)}` : ''}`,
				},
			);
		}
		if (undownloaded.length > 0 && !continueOnFail) {
			throw new NodeOperationError(
				this.getNode(),
				`Could not download the result video of ${undownloaded.length} finished KIE task(s)`,
				{
					description: `${undownloaded.join(' ')} Every task of this run (fetch them with the Get operation): ${listTasks(created)}.`,
				},
			);
		}
		return output;
	};
}
