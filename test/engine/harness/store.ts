// The execution store: a waiting execution is kept serialised (a copy, as n8n keeps it in its database).
import type { IRun, IRunExecutionData, IWorkflowBase, ExecutionStatus } from 'n8n-workflow';

import type { RunResult } from './types';

/** Where the harness's n8n pretends to run (resume URLs use a real port once `listen()` is called). */
export const BASE_URL = 'http://127.0.0.1:5678';

export interface ExecutionRecord {
	executionId: string;
	workflowData: IWorkflowBase;
	status: ExecutionStatus;
	/** The serialised run data of a waiting execution (what n8n keeps in its database). */
	stored?: string;
	latest?: RunResult;
	cancel?: () => void;
	/** Waiting-webhook calls on one execution are handled one at a time. */
	lock: Promise<unknown>;
	listeners: Set<() => void>;
	deadlineTimer?: NodeJS.Timeout;
}

export interface Deferred<T> {
	promise: Promise<T>;
	resolve: (value: T) => void;
	reject: (error: unknown) => void;
}

export function deferred<T>(): Deferred<T> {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

/** A copy that shares nothing with the running engine (n8n serialises executions to its database). */
export function persist(data: IRunExecutionData): string {
	return JSON.stringify(data, (_key, value: unknown) =>
		value instanceof Error
			? { ...value, name: value.name, message: value.message, stack: value.stack }
			: value,
	);
}

export function restore(stored: string): IRunExecutionData {
	const data = JSON.parse(stored) as IRunExecutionData;
	if (data.waitTill) data.waitTill = new Date(data.waitTill);
	return data;
}

export function toRunResult(executionId: string, run: IRun, executedNodes: string[]): RunResult {
	const { data } = run;
	const { runData, lastNodeExecuted } = data.resultData;
	const lastTask = (name: string) => runData[name]?.[runData[name].length - 1];
	const nodeError = (name: string) => lastTask(name)?.error;
	const failedNode = lastNodeExecuted && nodeError(lastNodeExecuted) ? lastNodeExecuted : undefined;
	const error = data.resultData.error
		? failedNode
			? nodeError(failedNode)
			: data.resultData.error
		: undefined;
	return {
		executionId,
		status: run.status,
		finished: run.finished === true,
		waitTill: run.waitTill ?? data.waitTill ?? undefined,
		error,
		executedNodes,
		customData: { ...(data.resultData.metadata ?? {}) },
		data,
		output(nodeName, outputIndex = 0, runIndex) {
			const runs = runData[nodeName];
			if (!runs?.length) return [];
			const task = runs[runIndex ?? runs.length - 1];
			return task?.data?.main?.[outputIndex] ?? [];
		},
		nodeError,
	};
}
