import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, type JsonObject } from 'n8n-workflow';

import { marketBody } from '../kie/taskApi';
import type { KieApi, TaskModel } from '../kie/tasks';
import { kieCredentials } from '../transport';
import {
	pollUntilDone,
	submitAll,
	type PollResult,
	type SubmitJob,
	type SubmittedTask,
} from './batch';
import {
	checkCallbackReachable,
	checkCallbackRoom,
	resumeUrl,
	waitForCallbacks,
} from './callbackMode';
import {
	notDownloaded,
	notFinishedInTime,
	refusedAfterCreated,
	stillOpen,
	taskFailed,
	type TaskLine,
} from './errorMessages';
import { toNodeError } from './items';
import { resultItem, submittedTask, unfinishedTask, type DownloadOptions } from './results';
import { inputRules, type InputRules } from './validation';

// The execute() of every create operation (generate, extend, modify): validate every item first
// (nothing is sent if any is bad), create all tasks under the rate limit, then return them, poll
// them all to the end, or pause the execution until KIE calls back for all of them.

export interface BuildContext {
	itemIndex: number;
	rules: InputRules;
	/** True when the credential points at a local http simulator, where http:// media URLs work. */
	allowHttp: boolean;
}

/** What an operation contributes: its model and how to turn one item into KIE's request body. */
export interface CreateSpec {
	/** The node's model, or 'market' for a catalogue or any other Market model (id in the body). */
	model: TaskModel;
	/**
	 * The one API an operation creates on, when it has no "KIE API" setting: `prepare` then builds
	 * that API's whole body (for the Market API `{ model, input }`) and the callback URL is added.
	 */
	api?: KieApi;
	/**
	 * Checks the item's fields and returns a function that builds the legacy API's body (uploading
	 * binaries).
	 */
	prepare(this: IExecuteFunctions, build: BuildContext): Promise<() => Promise<IDataObject>>;
	/**
	 * The Market API's `input` for the same item, from the legacy body (field names differ, values
	 * do not). Absent: the operation runs on the legacy API only (Luma Modify).
	 */
	marketInput?(legacyBody: IDataObject): IDataObject;
}

/** The values of the "KIE API" setting (actions/descriptions/common.ts apiChoiceFields). */
export type ApiChoice = 'automatic' | 'market' | 'legacy';

/**
 * Which APIs an item is created with, in order. Automatic: the Market API (what KIE documents as
 * current), then the legacy endpoint only when the Market API's answer proves it created no task
 * (transport/index.ts provesNoTaskCreated). Node version 1 defaults to Legacy: the same requests as
 * before the setting existed.
 */
export function apisFor(choice: ApiChoice): KieApi[] {
	if (choice === 'market') return ['market'];
	if (choice === 'legacy') return ['legacy'];
	return ['market', 'legacy'];
}

function apiChoiceOf(context: IExecuteFunctions, spec: CreateSpec, itemIndex: number): ApiChoice {
	if (spec.api) return spec.api;
	if (!spec.marketInput) return 'legacy';
	const versionDefault: ApiChoice = context.getNode().typeVersion < 1.1 ? 'legacy' : 'automatic';
	return context.getNodeParameter('api', itemIndex, versionDefault) as ApiChoice;
}

export type Completion = 'submit' | 'poll' | 'callback';

/** The values of the create operations' Options (actions/descriptions/completion.ts). */
export interface CompletionOptions extends DownloadOptions {
	pollIntervalSeconds?: number;
	timeoutMinutes?: number;
}

/**
 * A callback URL with this package's query values: the model (a callback's shape cannot tell
 * Runway from Extend) and the caller's reference, which the KIE Trigger outputs again.
 */
export function callbackUrlFor(callbackUrl: string, model: TaskModel, reference: string): string {
	const url = new URL(callbackUrl);
	url.searchParams.set('model', model);
	if (reference) url.searchParams.set('reference', reference);
	return url.toString();
}

/** One item that passed validation: its reference and how to build its request bodies. */
interface Prepared {
	itemIndex: number;
	reference: string;
	build: () => Promise<SubmitJob['attempts']>;
}

/** What one create run has so far: an output slot per input item, and the tasks KIE took. */
interface CreateRun {
	spec: CreateSpec;
	completion: Completion;
	continueOnFail: boolean;
	output: INodeExecutionData[];
	referenceOf: Map<number, string>;
	created: SubmittedTask[];
}

export function createExecute(spec: CreateSpec) {
	return async function execute(
		this: IExecuteFunctions,
		items: INodeExecutionData[],
	): Promise<INodeExecutionData[]> {
		const credentials = await kieCredentials(this);
		const completion = this.getNodeParameter('completion', 0) as Completion;
		if (completion === 'callback') {
			checkCallbackReachable.call(this, credentials);
			await checkCallbackRoom.call(this, spec.model, items.length);
		}
		const run: CreateRun = {
			spec,
			completion,
			continueOnFail: this.continueOnFail(),
			output: new Array(items.length),
			referenceOf: new Map(),
			created: [],
		};
		const allowHttp = (credentials.baseUrl ?? '').startsWith('http://');
		const prepared = await validateItems.call(this, run, items.length, allowHttp);
		await createTasks.call(this, run, prepared);

		if (completion === 'submit') return run.output;
		const options = this.getNodeParameter('completionOptions', 0, {}) as CompletionOptions;
		const timeoutMs = Math.max(0.1, options.timeoutMinutes ?? 30) * 60_000;
		if (completion === 'callback') {
			await waitForCallbacks.call(this, spec.model, items.length, run.created, timeoutMs);
			return run.output;
		}
		await pollToTheEnd.call(this, run, options, timeoutMs);
		return run.output;
	};
}

function errorItem(json: IDataObject, itemIndex: number): INodeExecutionData {
	return { json, pairedItem: { item: itemIndex } };
}

/** Step 1: every item's fields are checked before anything is uploaded or created. */
async function validateItems(
	this: IExecuteFunctions,
	run: CreateRun,
	itemCount: number,
	allowHttp: boolean,
): Promise<Prepared[]> {
	const prepared: Prepared[] = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		const rules = inputRules(this.getNode(), itemIndex);
		try {
			const build = await run.spec.prepare.call(this, { itemIndex, rules, allowHttp });
			const apis = apisFor(apiChoiceOf(this, run.spec, itemIndex));
			const reference = String(this.getNodeParameter('reference', itemIndex, '') ?? '');
			const callBackUrl = callbackUrlOf.call(this, run, itemIndex, rules, reference);
			const { model, marketInput } = run.spec;
			prepared.push({
				itemIndex,
				reference,
				build: async () => {
					const body = await build();
					return apis.map((api) => ({
						api,
						body:
							api === 'market' && marketInput && model !== 'market'
								? marketBody(model, marketInput(body), callBackUrl)
								: { ...body, ...(callBackUrl ? { callBackUrl } : {}) },
					}));
				},
			});
		} catch (error) {
			if (!run.continueOnFail) throw toNodeError(this, error, itemIndex);
			run.output[itemIndex] = errorItem({ error: (error as Error).message }, itemIndex);
		}
	}
	return prepared;
}

/**
 * Where KIE calls back: the user's URL (Submit Only), this execution (callback mode), or nowhere.
 */
function callbackUrlOf(
	this: IExecuteFunctions,
	run: CreateRun,
	itemIndex: number,
	rules: InputRules,
	reference: string,
): string | undefined {
	if (run.completion === 'callback') return resumeUrl.call(this, { model: run.spec.model });
	if (run.completion !== 'submit') return undefined;
	const given = String(this.getNodeParameter('callbackUrl', itemIndex, '') ?? '').trim();
	if (!given) return undefined;
	return callbackUrlFor(rules.publicUrl('Callback URL', given, true), run.spec.model, reference);
}

/** Step 2: binaries are uploaded and bodies built, then every task is created. */
async function createTasks(
	this: IExecuteFunctions,
	run: CreateRun,
	prepared: Prepared[],
): Promise<void> {
	const jobs: SubmitJob[] = [];
	for (const item of prepared) {
		run.referenceOf.set(item.itemIndex, item.reference);
		try {
			jobs.push({
				itemIndex: item.itemIndex,
				model: run.spec.model,
				attempts: await item.build(),
			});
		} catch (error) {
			if (!run.continueOnFail) throw toNodeError(this, error, item.itemIndex);
			run.output[item.itemIndex] = errorItem({ error: (error as Error).message }, item.itemIndex);
		}
	}
	const outcomes = await submitAll.call(this, jobs);
	run.created = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.task] : []));
	const refused = outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome]));
	if (refused.length > 0 && !run.continueOnFail) {
		// Tasks already created are paid for: the error names them so none is lost.
		const first = refused[0];
		const error = first.error as NodeApiError;
		throw new NodeApiError(this.getNode(), { message: error.message } as JsonObject, {
			message: error.message,
			description: refusedAfterCreated(error.description ?? '', run.created),
			itemIndex: first.itemIndex,
			httpCode: error.httpCode ?? undefined,
		});
	}
	for (const outcome of refused) {
		run.output[outcome.itemIndex] = errorItem({ error: outcome.error.message }, outcome.itemIndex);
	}
	for (const task of run.created) {
		run.output[task.itemIndex] = {
			json: submittedTask(task, run.referenceOf.get(task.itemIndex) ?? ''),
			pairedItem: { item: task.itemIndex },
		};
	}
}

/**
 * Step 3 (poll): every created task is read until it ends. A failed task, a time limit or a failed
 * download stops the node (n8n's On Error settings route it); every task of the run is paid for, so
 * the error names them all.
 */
async function pollToTheEnd(
	this: IExecuteFunctions,
	run: CreateRun,
	options: CompletionOptions,
	timeoutMs: number,
): Promise<void> {
	const result = await pollUntilDone.call(this, run.created, {
		intervalMs: Math.max(1, options.pollIntervalSeconds ?? 30) * 1000,
		timeoutMs,
		signal: this.getExecutionCancelSignal(),
	});
	const lineOf = (task: SubmittedTask): TaskLine => ({
		...task,
		status: result.done.get(task.taskId)?.status,
	});
	if (!run.continueOnFail) failOnFailedTask.call(this, run, result, lineOf);

	const unfinished: string[] = [];
	const undownloaded: string[] = [];
	for (const task of run.created) {
		const done = result.done.get(task.taskId);
		const reference = run.referenceOf.get(task.itemIndex) ?? '';
		if (done) {
			const item = await resultItem(this, done, task.itemIndex, reference, options);
			run.output[task.itemIndex] = item;
			if (item.json.downloadError) {
				undownloaded.push(`item ${task.itemIndex}: ${String(item.json.downloadError)}`);
			}
			continue;
		}
		const open = result.open.get(task.taskId);
		const message =
			result.errors.get(task.taskId)?.message ?? stillOpen(open?.last?.status, open?.lastError);
		unfinished.push(`${task.taskId} (item ${task.itemIndex}): ${message}`);
		run.output[task.itemIndex] = errorItem(
			unfinishedTask(task.taskId, open?.last ?? null, submittedTask(task, reference), message),
			task.itemIndex,
		);
	}
	if (run.continueOnFail) return;
	if (unfinished.length > 0) {
		const finished = run.created.filter((task) => result.done.has(task.taskId));
		const { message, description } = notFinishedInTime(unfinished, finished.map(lineOf));
		throw new NodeOperationError(this.getNode(), message, { description });
	}
	if (undownloaded.length > 0) {
		const { message, description } = notDownloaded(undownloaded, run.created.map(lineOf));
		throw new NodeOperationError(this.getNode(), message, { description });
	}
}

/** The first failed task (in item order) fails the node, naming the other tasks of the run. */
function failOnFailedTask(
	this: IExecuteFunctions,
	run: CreateRun,
	result: PollResult,
	lineOf: (task: SubmittedTask) => TaskLine,
): void {
	const firstFailed = run.created.find((task) => result.done.get(task.taskId)?.status === 'failed');
	if (!firstFailed) return;
	const others = run.created.filter((task) => task !== firstFailed).map(lineOf);
	const { message, description } = taskFailed(result.done.get(firstFailed.taskId)!, others);
	throw new NodeOperationError(this.getNode(), message, {
		itemIndex: firstFailed.itemIndex,
		description,
	});
}
