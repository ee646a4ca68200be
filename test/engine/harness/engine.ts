// The engine: runs, waits, resumes and expires executions through n8n-core's real WorkflowExecute.
import '../env';

import { Container } from '@n8n/di';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { BinaryDataService, ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import { createRunExecutionData } from 'n8n-workflow';
import type {
	IRun,
	IRunExecutionData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { EngineCredentialsHelper } from './credentials';
import { readWaitingRequest } from './http';
import { EngineNodeTypes } from './node-types';
import { callRestartWebhook } from './restart-webhook';
import { BASE_URL, deferred, type ExecutionRecord, persist, restore, toRunResult } from './store';
import {
	type EngineCredential,
	type EngineOptions,
	type ResumeRequest,
	type ResumeResult,
	type RunResult,
	type RunSpec,
	START_NODE_NAME,
	WaitingWebhookError,
	type WebhookAnswer,
} from './types';
import { buildAdditionalData, buildWorkflowData, toWorkflow } from './workflow';

export class Engine {
	readonly nodeTypes: EngineNodeTypes;
	readonly credentialsHelper: EngineCredentialsHelper;
	readonly mode: WorkflowExecuteMode;
	private readonly credentials: Record<string, EngineCredential>;
	private readonly executions = new Map<string, ExecutionRecord>();
	private nextExecutionId = 1;
	private binaryDataReady?: Promise<void>;
	private server?: Server;
	/** Where resume URLs point (a real port once `listen()` is called). */
	waitingBaseUrl = `${BASE_URL}/webhook-waiting`;

	constructor(private readonly options: EngineOptions) {
		this.nodeTypes = new EngineNodeTypes(options.nodeTypes);
		this.credentials = options.credentials ?? {};
		this.credentialsHelper = new EngineCredentialsHelper(
			options.credentialTypes ?? {},
			this.credentials,
		);
		this.mode = options.mode ?? 'trigger';
	}

	/** Runs a workflow to its end (success, error, waiting or canceled). */
	async run(spec: RunSpec): Promise<RunResult> {
		return await this.start(spec).result;
	}

	/** Starts a workflow; `cancel(executionId)` stops it (the nodes' cancel signal is aborted). */
	start(spec: RunSpec): { executionId: string; result: Promise<RunResult> } {
		const executionId = String(this.nextExecutionId++);
		const workflowData = this.workflowData(executionId, spec);
		const record: ExecutionRecord = {
			executionId,
			workflowData,
			status: 'new',
			lock: Promise.resolve(),
			listeners: new Set(),
		};
		this.executions.set(executionId, record);
		const workflow = this.workflow(workflowData);
		const startNode = workflow.getNode(START_NODE_NAME)!;
		const runExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [
					{ node: startNode, data: { main: [spec.input ?? [{ json: {} }]] }, source: null },
				],
			},
			// n8n appends it to `$execution.resumeUrl` as `?signature=...`
			resumeToken: randomBytes(16).toString('hex'),
		});
		return { executionId, result: this.execute(record, workflow, runExecutionData, false) };
	}

	/** Cancels a running execution (like stopping it in n8n). */
	cancel(execution: RunResult | string): void {
		const record = this.record(execution);
		if (record.status === 'waiting') {
			this.clearDeadline(record);
			record.status = 'canceled';
			if (record.latest) record.latest = { ...record.latest, status: 'canceled' };
			this.notify(record);
			return;
		}
		record.cancel?.();
	}

	/**
	 * Calls the waiting node's restart webhook like n8n's waiting webhooks do, and when webhook()
	 * returns workflowData, continues the execution with it as the node's output.
	 */
	async resume(execution: RunResult | string, request: ResumeRequest = {}): Promise<ResumeResult> {
		const record = this.record(execution);
		const { answered, completion, webhookError } = await this.deliverWaitingWebhook(
			record.executionId,
			request,
		);
		if (!completion) {
			return { ...record.latest!, answered, resumed: false, waiting: true, webhookError };
		}
		const result = await completion;
		return { ...result, answered, resumed: true, waiting: false };
	}

	/**
	 * The wait time limit passed: like n8n's wait tracker, continue the execution with the waiting
	 * node disabled, so its input passes through (neither execute() nor webhook() runs).
	 */
	async expire(execution: RunResult | string): Promise<RunResult> {
		const record = this.record(execution);
		const { completion } = await this.withLock(record, async () => {
			if (record.status !== 'waiting' || !record.stored) {
				throw new WaitingWebhookError(409, `The execution "${record.executionId}" is not waiting`);
			}
			this.clearDeadline(record);
			const runExecutionData = restore(record.stored);
			return {
				completion: this.execute(
					record,
					this.workflow(record.workflowData),
					runExecutionData,
					true,
				),
			};
		});
		return await completion;
	}

	/** The latest result of an execution (updated when it waits, resumes, ends). */
	latest(execution: RunResult | string): RunResult | undefined {
		return this.record(execution).latest;
	}

	/** Resolves when `predicate` holds for the execution's latest result (e.g. after real POSTs resumed it). */
	async waitFor(
		execution: RunResult | string,
		predicate: (run: RunResult) => boolean,
		timeoutMs = 30_000,
	): Promise<RunResult> {
		const record = this.record(execution);
		return await new Promise<RunResult>((resolve, reject) => {
			const check = () => {
				if (record.status !== 'running' && record.latest && predicate(record.latest)) {
					cleanup();
					resolve(record.latest);
				}
			};
			const timer = setTimeout(() => {
				cleanup();
				reject(
					new Error(
						`Engine harness: execution ${record.executionId} did not reach the expected state in ${timeoutMs} ms (status ${record.status})`,
					),
				);
			}, timeoutMs);
			const cleanup = () => {
				clearTimeout(timer);
				record.listeners.delete(check);
			};
			record.listeners.add(check);
			check();
		});
	}

	/** Resolves when the execution has ended (not running, not waiting). */
	async whenFinished(execution: RunResult | string, timeoutMs = 30_000): Promise<RunResult> {
		return await this.waitFor(
			execution,
			(run) => !['new', 'running', 'waiting'].includes(run.status),
			timeoutMs,
		);
	}

	/**
	 * Serves resume URLs over HTTP on 127.0.0.1 (call before `run`): a POST to
	 * `$execution.resumeUrl` then resumes the execution as n8n would. Returns the base URL.
	 */
	async listen(): Promise<string> {
		if (this.server) return this.waitingBaseUrl;
		const server = createServer((req, res) => {
			void this.handleHttp(req).then(({ statusCode, body, headers }) => {
				const text = typeof body === 'string' ? body : JSON.stringify(body ?? {});
				res.writeHead(statusCode, { 'content-type': 'application/json', ...headers });
				res.end(text);
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const address = server.address();
		if (!address || typeof address === 'string')
			throw new Error('Engine harness: no server address');
		this.server = server;
		this.waitingBaseUrl = `http://127.0.0.1:${address.port}/webhook-waiting`;
		return this.waitingBaseUrl;
	}

	/** Stops the resume-URL server and the deadline timers. */
	async close(): Promise<void> {
		for (const record of this.executions.values()) this.clearDeadline(record);
		const server = this.server;
		this.server = undefined;
		if (server) {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
	}

	// -------------------------------------------------------------------------------------------

	private record(execution: RunResult | string): ExecutionRecord {
		const id = typeof execution === 'string' ? execution : execution.executionId;
		const record = this.executions.get(id);
		if (!record) throw new WaitingWebhookError(404, `The execution "${id}" does not exist.`);
		return record;
	}

	private workflowData(executionId: string, spec: RunSpec): IWorkflowBase {
		return buildWorkflowData(executionId, spec, this.nodeTypes, this.credentials);
	}

	private workflow(workflowData: IWorkflowBase): Workflow {
		return toWorkflow(workflowData, this.nodeTypes);
	}

	private additionalData(
		executionId: string,
		hooks: ExecutionLifecycleHooks | undefined,
		record: ExecutionRecord,
		resumed: boolean,
	): IWorkflowExecuteAdditionalData {
		return buildAdditionalData(this, executionId, hooks, record, resumed);
	}

	private async initBinaryData(): Promise<void> {
		// filesystem mode under N8N_USER_FOLDER (streams are piped to disk, never buffered whole)
		this.binaryDataReady ??= Container.get(BinaryDataService).init();
		await this.binaryDataReady;
	}

	private async execute(
		record: ExecutionRecord,
		workflow: Workflow,
		runExecutionData: IRunExecutionData,
		resumed: boolean,
	): Promise<RunResult> {
		// running from here on (synchronously, so a concurrent waiting-webhook call gets 409)
		record.status = 'running';
		record.stored = undefined;
		this.notify(record);
		await this.initBinaryData();
		const { executionId } = record;
		const hooks = new ExecutionLifecycleHooks(this.mode, executionId, record.workflowData);
		const executedNodes: string[] = [];
		const ended = deferred<IRun>();
		hooks.addHandler('nodeExecuteAfter', (nodeName: string) => {
			executedNodes.push(nodeName);
		});
		hooks.addHandler('workflowExecuteAfter', (fullRunData: IRun) => ended.resolve(fullRunData));

		const additionalData = this.additionalData(executionId, hooks, record, resumed);
		try {
			const workflowExecute = new WorkflowExecute(additionalData, this.mode, runExecutionData);
			const execution = workflowExecute.processRunExecutionData(workflow);
			record.cancel = () => execution.cancel();
			execution.then(
				(run) => ended.resolve(run),
				(error) => ended.reject(error),
			);
		} catch (error) {
			ended.reject(error);
		}

		let run: IRun;
		try {
			run = await ended.promise;
		} catch (error) {
			record.status = 'crashed';
			record.cancel = undefined;
			this.notify(record);
			throw error;
		}
		record.cancel = undefined;
		const result = toRunResult(executionId, run, executedNodes);
		record.status = result.status;
		record.latest = result;
		if (result.status === 'waiting') {
			record.stored = persist(run.data);
			this.scheduleDeadline(record, result.waitTill);
		}
		this.notify(record);
		return result;
	}

	private notify(record: ExecutionRecord): void {
		for (const listener of [...record.listeners]) listener();
	}

	private scheduleDeadline(record: ExecutionRecord, waitTill: Date | undefined): void {
		if (this.options.deadlines !== 'auto' || !waitTill) return;
		const delay = Math.max(0, new Date(waitTill).getTime() - Date.now());
		if (delay > 2 ** 31 - 1) return; // "wait forever"
		record.deadlineTimer = setTimeout(() => {
			record.deadlineTimer = undefined;
			void this.expire(record.executionId).catch(() => {});
		}, delay);
		record.deadlineTimer.unref();
	}

	private clearDeadline(record: ExecutionRecord): void {
		if (record.deadlineTimer) clearTimeout(record.deadlineTimer);
		record.deadlineTimer = undefined;
	}

	private async withLock<T>(record: ExecutionRecord, fn: () => Promise<T>): Promise<T> {
		const result = record.lock.then(fn);
		record.lock = result.catch(() => undefined);
		return await result;
	}

	/**
	 * n8n's WaitingWebhooks.executeWebhook + WebhookHelpers.executeWebhook for one call:
	 * load the stored execution, run the waiting node's restart webhook, and if it returned
	 * workflowData, put it on the waiting node's stack entry and run the execution on.
	 */
	private async deliverWaitingWebhook(
		executionId: string,
		request: ResumeRequest,
	): Promise<{ answered: WebhookAnswer; completion?: Promise<RunResult>; webhookError?: Error }> {
		const record = this.record(executionId);
		return await this.withLock(record, async () => {
			if (record.status === 'running') {
				throw new WaitingWebhookError(409, `The execution "${executionId}" is running already.`);
			}
			if (record.status !== 'waiting' || !record.stored) {
				throw new WaitingWebhookError(409, `The execution "${executionId}" has finished already.`);
			}
			const runExecutionData = restore(record.stored);
			const workflow = this.workflow(record.workflowData);
			const nodeName = runExecutionData.resultData.lastNodeExecuted!;
			if (request.nodeName !== undefined && request.nodeName !== nodeName) {
				throw new Error(
					`Engine harness: the execution waits in "${nodeName}", not in "${request.nodeName}"`,
				);
			}
			const { answered, workflowData, webhookError } = await callRestartWebhook({
				executionId,
				workflowId: record.workflowData.id,
				workflow,
				nodeName,
				nodeTypes: this.nodeTypes,
				mode: this.mode,
				runExecutionData,
				request,
				additionalData: this.additionalData(executionId, undefined, record, false),
			});
			if (webhookError) return { answered, webhookError };
			if (!workflowData) {
				// n8n does not save the execution in this case: changes made in webhook() are dropped
				return { answered };
			}
			// as n8n's prepareExecutionData: the webhook's output becomes the waiting node's data,
			// forwarded on every output of the (then disabled) node
			const resuming = runExecutionData.executionData!.nodeExecutionStack[0];
			resuming.data.main = workflowData;
			resuming.metadata = { ...resuming.metadata, forwardAllOutputs: true };
			this.clearDeadline(record);
			// waitTill is still set: WorkflowExecute disables the waiting node (so the new data passes
			// through it) and drops its waiting run, as for any resumed n8n execution.
			const completion = this.execute(record, workflow, runExecutionData, true);
			completion.catch(() => {});
			return { answered, completion };
		});
	}

	private async handleHttp(req: IncomingMessage): Promise<WebhookAnswer> {
		try {
			const { executionId, request } = await readWaitingRequest(req);
			const { answered } = await this.deliverWaitingWebhook(executionId, request);
			return answered;
		} catch (error) {
			const statusCode = error instanceof WaitingWebhookError ? error.statusCode : 500;
			return { statusCode, body: { message: (error as Error).message }, headers: {} };
		}
	}
}

export function createEngine(options: EngineOptions): Engine {
	return new Engine(options);
}
