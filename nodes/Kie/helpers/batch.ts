import type { IDataObject } from 'n8n-workflow';

import { createTask, explainRefusal, fetchTask } from '../kie/taskApi';
import { isTerminal, type KieApi, type KieTask, type TaskModel } from '../kie/tasks';
import { createdNothing, isLastingFailure, type KieFunctions } from '../transport';
import { pause } from '../transport/pause';
import { lostTask } from './errorMessages';

// Many tasks at once: create them all, then read them all until they end.

/** A task this execution created, with what is needed to find it again. */
export interface SubmittedTask {
	itemIndex: number;
	taskId: string;
	/** 'market' for a task of a curated or any other Market model (its id is in the body). */
	model: TaskModel;
	/** KIE's Market model id, for tasks of model 'market'. */
	marketModel?: string;
	/** Which API created it, and so which one to read it from. */
	api: KieApi;
	submittedAt: number;
}

export interface SubmitJob {
	itemIndex: number;
	model: TaskModel;
	/**
	 * The APIs to create the task with, in order, each with its body. A later one is tried only
	 * when KIE's answer proves that the earlier one created no task (transport: provesNoTaskCreated).
	 */
	attempts: Array<{ api: KieApi; body: IDataObject }>;
}

export type SubmitOutcome =
	{ ok: true; task: SubmittedTask } | { ok: false; itemIndex: number; error: Error };

/**
 * How many calls to KIE one execution has in flight at once (creates, status reads). The rate
 * limiter paces creates further.
 */
export const CONCURRENT_CALLS = 5;
/** How long a just-created task may be unknown to KIE ("recordInfo is null") before it is lost. */
export const RECORD_GRACE_MS = 120_000;

/** Runs `work` over `inputs` with at most `limit` running at once, keeping the input order. */
export async function mapBounded<I, O>(
	inputs: I[],
	limit: number,
	work: (input: I) => Promise<O>,
): Promise<O[]> {
	const results: O[] = new Array(inputs.length);
	let next = 0;
	const lanes = Array.from({ length: Math.min(limit, inputs.length) }, async () => {
		while (next < inputs.length) {
			const index = next++;
			results[index] = await work(inputs[index]);
		}
	});
	await Promise.all(lanes);
	return results;
}

/**
 * Creates every item's task. One item's failure does not stop the others: tasks already created
 * are paid for, so they are always reported back.
 */
export async function submitAll(this: KieFunctions, jobs: SubmitJob[]): Promise<SubmitOutcome[]> {
	// An API that proved it does not serve the model is not asked again for the run's other items.
	const refusedApis = new Set<KieApi>();
	return await mapBounded(jobs, CONCURRENT_CALLS, async (job): Promise<SubmitOutcome> => {
		const attempts = job.attempts.filter(
			(attempt, index) => index === job.attempts.length - 1 || !refusedApis.has(attempt.api),
		);
		const refusals: Error[] = [];
		for (let index = 0; ; index++) {
			const { api, body } = attempts[index];
			// Any other Market model's id is in its body (the node's own models have fixed ids).
			const marketId =
				job.model === 'market' && typeof body.model === 'string' ? body.model : undefined;
			try {
				const taskId = await createTask.call(this, job.model, body, api);
				return {
					ok: true,
					task: {
						itemIndex: job.itemIndex,
						taskId,
						model: job.model,
						...(marketId ? { marketModel: marketId } : {}),
						api,
						submittedAt: Date.now(),
					},
				};
			} catch (error) {
				const last = index === attempts.length - 1;
				if (!last && createdNothing(error) !== undefined) {
					refusedApis.add(api);
					refusals.push(error as Error);
					continue;
				}
				return {
					ok: false,
					itemIndex: job.itemIndex,
					error: explainRefusal.call(this, job.model, error as Error, refusals, marketId),
				};
			}
		}
	});
}

export interface PollOptions {
	/**
	 * KIE recommends 30 s: a 10-minute task then costs 20 status calls and is noticed within 30 s.
	 */
	intervalMs: number;
	timeoutMs: number;
	signal?: AbortSignal;
}

export interface PollResult {
	done: Map<string, KieTask>;
	/** Still running at the time limit (or when cancelled), with the last state seen. */
	open: Map<string, { task: SubmittedTask; last: KieTask | null; lastError?: Error }>;
	/** Failed for good: KIE never recorded the task, or rejected the credential. */
	errors: Map<string, Error>;
}

/**
 * Polls every task until it is terminal or the time limit passes. Each task is read on its own
 * cadence (every interval from its creation), so a batch costs one status call per task per
 * interval. A status call that fails after the transport's retries does not lose the task: it is
 * read again at the next interval.
 */
export async function pollUntilDone(
	this: KieFunctions,
	tasks: SubmittedTask[],
	options: PollOptions,
): Promise<PollResult> {
	const started = Date.now();
	const deadline = started + options.timeoutMs;
	const result: PollResult = { done: new Map(), open: new Map(), errors: new Map() };
	const nextPollAt = new Map<string, number>();
	for (const task of tasks) {
		result.open.set(task.taskId, { task, last: null });
		nextPollAt.set(task.taskId, task.submittedAt + options.intervalMs);
	}

	while (result.open.size > 0 && !options.signal?.aborted) {
		const soonest = Math.min(...[...result.open.keys()].map((id) => nextPollAt.get(id)!));
		if (soonest > deadline) break;
		await pause(soonest - Date.now(), options.signal);
		if (options.signal?.aborted) break;

		const due = [...result.open.values()].filter(
			(entry) => nextPollAt.get(entry.task.taskId)! <= Date.now(),
		);
		await mapBounded(due, CONCURRENT_CALLS, async (entry) => {
			const { taskId, model, api, submittedAt } = entry.task;
			nextPollAt.set(taskId, nextPollAt.get(taskId)! + options.intervalMs);
			try {
				const task = await fetchTask.call(this, model, taskId, api);
				if (task === null) {
					if (Date.now() - submittedAt > RECORD_GRACE_MS) {
						result.errors.set(taskId, new Error(lostTask(taskId, Date.now() - submittedAt)));
						result.open.delete(taskId);
					}
					return;
				}
				entry.last = task;
				if (isTerminal(task)) {
					result.done.set(taskId, task);
					result.open.delete(taskId);
				}
			} catch (error) {
				entry.lastError = error as Error;
				// A rejected key or an empty account will not heal by waiting.
				if (isLastingFailure(error)) {
					result.errors.set(taskId, error as Error);
					result.open.delete(taskId);
				}
			}
		});
	}
	return result;
}
