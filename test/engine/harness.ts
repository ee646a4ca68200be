/**
 * Engine-test harness: runs real n8n nodes (their own execute()/webhook() code) through
 * n8n-core's real WorkflowExecute, with n8n-core's real request and binary helpers.
 *
 * Nothing of n8n is mocked. The pieces n8n-cli normally provides are small plain objects:
 * - node types: the classes the test passes in, plus a start node ("Start") that emits `input`;
 * - credentials: a credentials helper that returns the given data (with the type's defaults)
 *   and applies the credential type's `authenticate` (generic: expressions resolved with
 *   `$credentials`, exactly like n8n-cli's CredentialsHelper);
 * - additionalData: a plain object (deep mocks break the engine);
 * - the execution store: a waiting execution is kept serialised (a copy, as n8n keeps it in its
 *   database), and resumed like n8n's waiting webhooks (`resume`, or a real POST to the resume
 *   URL after `listen()`) or its wait tracker at the deadline (`expire`).
 *
 * Nothing here knows about KIE: tests pass their node and credential classes in.
 */
import './env';

import { Container } from '@n8n/di';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import {
	BinaryDataService,
	Credentials,
	ExecutionLifecycleHooks,
	WebhookContext,
	WorkflowExecute,
} from 'n8n-core';
import {
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
} from 'n8n-workflow';
import type {
	ExecutionError,
	ExecutionStatus,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowBase,
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

// ---------------------------------------------------------------------------------------------
// Public types

type Constructor<T> = new () => T;
export type NodeTypeInput =
	INodeType | IVersionedNodeType | Constructor<INodeType | IVersionedNodeType>;
export type CredentialTypeInput = ICredentialType | Constructor<ICredentialType>;

export interface EngineCredential {
	id: string;
	name: string;
	data: ICredentialDataDecryptedObject;
}

export interface EngineOptions {
	/** Node types by their full type name, e.g. `{ 'n8n-nodes-kie-video.kie': Kie }`. */
	nodeTypes: Record<string, NodeTypeInput>;
	/** Credential types by name, e.g. `{ kieApi: KieApi }`. */
	credentialTypes?: Record<string, CredentialTypeInput>;
	/** One stored credential per credential type name. */
	credentials?: Record<string, EngineCredential>;
	/** Execution mode. Default 'trigger' (a production run; `$execution.mode` is 'production'). */
	mode?: WorkflowExecuteMode;
	/**
	 * 'manual' (default): a waiting execution stays waiting until `resume()` or `expire()`.
	 * 'auto': like n8n's wait tracker, `expire()` runs by itself when `waitTill` passes.
	 */
	deadlines?: 'manual' | 'auto';
}

/** A node in `run({ nodes })`: any INode field; id, typeVersion, position, parameters are filled. */
export type NodeSpec = Partial<INode> & { name: string; type: string };

export interface RunSpec {
	nodes: NodeSpec[];
	/** 'linear' (default): Start -> nodes[0] -> nodes[1] -> ... ; Start -> nodes[0] is added if missing. */
	connections?: 'linear' | IConnections;
	/** Items emitted by the start node. Default: one empty item. */
	input?: INodeExecutionData[];
	/** Workflow settings, e.g. `{ executionTimeout }`. executionOrder is 'v1'. */
	settings?: IWorkflowBase['settings'];
}

export interface RunResult {
	executionId: string;
	status: ExecutionStatus;
	finished: boolean;
	waitTill?: Date;
	/** The execution's error (the failing node's error when there is one), else undefined. */
	error?: ExecutionError;
	/** Node names in the order they finished (this run only; a resumed run starts afresh). */
	executedNodes: string[];
	/** Execution custom data (`this.customData`), as n8n stores it in resultData.metadata. */
	customData: Record<string, string>;
	/** The raw run data, for anything else. */
	data: IRunExecutionData;
	/** Items of `nodeName`'s output `outputIndex` (default 0) in run `runIndex` (default: last). */
	output(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** The error recorded on a node's last run, if any. */
	nodeError(nodeName: string): ExecutionError | undefined;
}

export interface ResumeRequest {
	/** If given, must be the waiting node (n8n resumes the node that put the execution to wait). */
	nodeName?: string;
	method?: IHttpRequestMethods;
	/** A resume URL (e.g. `$execution.resumeUrl` plus extra query parameters): its query is used. */
	url?: string;
	/** Extra path after the execution id (a webhook with a non-empty `path`). */
	path?: string;
	body?: unknown;
	query?: Record<string, string | string[]>;
	headers?: Record<string, string>;
}

export interface WebhookAnswer {
	statusCode: number;
	body: unknown;
	headers: Record<string, string>;
}

export interface ResumeResult extends RunResult {
	/** What the caller of the resume URL got back. */
	answered: WebhookAnswer;
	/** false when webhook() returned no workflowData (or failed): the execution is still waiting. */
	resumed: boolean;
	/** Same as `!resumed`. */
	waiting: boolean;
	/** What webhook() threw, if it did (the caller got 500, the execution still waits). */
	webhookError?: Error;
}

/** An HTTP-style failure of a waiting-webhook call (404 unknown, 409 running/finished, 401 signature). */
export class WaitingWebhookError extends Error {
	constructor(
		readonly statusCode: number,
		message: string,
	) {
		super(message);
		this.name = 'WaitingWebhookError';
	}
}

export const START_NODE_NAME = 'Start';
export const START_NODE_TYPE = 'n8n-nodes-engine-harness.start';

// ---------------------------------------------------------------------------------------------
// Start node: a trigger-like node with execute() that emits the run's input items
// (a trigger() start node would never finish under WorkflowExecute).

class StartNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Start',
		name: 'start',
		group: ['trigger'],
		version: 1,
		description: 'Emits the items the engine harness was given',
		defaults: { name: START_NODE_NAME },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

// ---------------------------------------------------------------------------------------------
// Node types and credentials

function instantiate<T extends object>(input: T | Constructor<T>): T {
	return typeof input === 'function' ? new (input as Constructor<T>)() : input;
}

class EngineNodeTypes implements INodeTypes {
	private readonly types: Record<string, INodeType | IVersionedNodeType> = {};

	constructor(inputs: Record<string, NodeTypeInput>) {
		for (const [name, input] of Object.entries(inputs)) this.types[name] = instantiate(input);
		this.types[START_NODE_TYPE] = new StartNode();
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) throw new Error(`Engine harness: unknown node type "${nodeType}"`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}

	defaultVersion(nodeType: string): number {
		const type = this.getByName(nodeType);
		if ('nodeVersions' in type) return type.currentVersion;
		const { version } = type.description;
		return Array.isArray(version) ? Math.max(...version) : version;
	}
}

class EngineCredentialsHelper extends ICredentialsHelper {
	private readonly types: Record<string, ICredentialType> = {};

	constructor(
		inputs: Record<string, CredentialTypeInput>,
		private readonly stored: Record<string, EngineCredential>,
	) {
		super();
		for (const [name, input] of Object.entries(inputs)) this.types[name] = instantiate(input);
	}

	private type(name: string): ICredentialType {
		const type = this.types[name];
		if (!type) throw new Error(`Engine harness: unknown credential type "${name}"`);
		return type;
	}

	getParentTypes(name: string): string[] {
		const parents = this.types[name]?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	/** n8n-cli's CredentialsHelper.authenticate: function, or generic with `$credentials` expressions. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incoming: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incoming as IHttpRequestOptions;
		const { authenticate } = this.type(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (typeof authenticate === 'object' && authenticate.type === 'generic') {
			requestOptions.headers ??= {};
			const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
					const resolvedKey = String(this.resolve(key, credentials, workflow, node));
					target[outerKey] ??= {};
					target[outerKey][resolvedKey] = this.resolve(value, credentials, workflow, node);
				}
			}
		}
		return requestOptions;
	}

	private resolve(
		value: unknown,
		credentials: ICredentialDataDecryptedObject,
		workflow?: Workflow,
		node?: INode,
	): unknown {
		if (typeof value !== 'string' || !value.startsWith('=')) return value;
		if (!workflow || !node)
			throw new Error('Engine harness: cannot resolve a credential expression without a node');
		const additionalKeys = { $credentials: credentials } as IWorkflowDataProxyAdditionalKeys;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			additionalKeys,
			undefined,
			'',
		);
		return resolved ? String(resolved) : '';
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.type(typeName);
		const expirable = type.properties.find(
			(p) => p.type === 'hidden' && p.typeOptions?.expirable === true,
		);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		if (
			credentials[expirable.name] !== '' &&
			credentials[expirable.name] !== undefined &&
			!credentialsExpired
		) {
			return undefined;
		}
		const output = (await type.preAuthentication.call(
			helpers,
			credentials,
		)) as ICredentialDataDecryptedObject;
		const stored = this.stored[typeName];
		if (stored) stored.data = { ...stored.data, ...output };
		return { ...credentials, ...output };
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<Credentials> {
		return new Credentials(nodeCredentials, type);
	}

	/** The stored data with the credential type's defaults filled in (as n8n does). */
	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.stored[type];
		if (!stored) throw new Error(`Engine harness: no credentials of type "${type}" were given`);
		if (nodeCredentials.id && nodeCredentials.id !== stored.id) {
			throw new Error(
				`Engine harness: credential "${nodeCredentials.id}" of type "${type}" does not exist`,
			);
		}
		const data: ICredentialDataDecryptedObject = {};
		for (const property of this.getCredentialsProperties(type)) {
			if (property.default !== undefined) data[property.name] = property.default as never;
		}
		return { ...data, ...stored.data };
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const stored = this.stored[type];
		if (stored) stored.data = data;
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		await this.updateCredentials(nodeCredentials, type, data);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.type(type);
		const inherited = (credentialType.extends ?? []).flatMap((parent) =>
			this.getCredentialsProperties(parent),
		);
		return [...inherited, ...credentialType.properties];
	}
}

// ---------------------------------------------------------------------------------------------
// Execution store

interface ExecutionRecord {
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

interface Deferred<T> {
	promise: Promise<T>;
	resolve: (value: T) => void;
	reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

/** A copy that shares nothing with the running engine (n8n serialises executions to its database). */
function persist(data: IRunExecutionData): string {
	return JSON.stringify(data, (_key, value: unknown) =>
		value instanceof Error
			? { ...value, name: value.name, message: value.message, stack: value.stack }
			: value,
	);
}

function restore(stored: string): IRunExecutionData {
	const data = JSON.parse(stored) as IRunExecutionData;
	if (data.waitTill) data.waitTill = new Date(data.waitTill);
	return data;
}

function toRunResult(executionId: string, run: IRun, executedNodes: string[]): RunResult {
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

const BASE_URL = 'http://127.0.0.1:5678';

// ---------------------------------------------------------------------------------------------
// The engine

export class Engine {
	readonly nodeTypes: EngineNodeTypes;
	readonly credentialsHelper: EngineCredentialsHelper;
	readonly mode: WorkflowExecuteMode;
	private readonly credentials: Record<string, EngineCredential>;
	private readonly executions = new Map<string, ExecutionRecord>();
	private nextExecutionId = 1;
	private binaryDataReady?: Promise<void>;
	private server?: Server;
	private waitingBaseUrl = `${BASE_URL}/webhook-waiting`;

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
		const nodes: INode[] = [
			{
				id: 'start',
				name: START_NODE_NAME,
				type: START_NODE_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
		];
		spec.nodes.forEach((node, index) => {
			const typeVersion = node.typeVersion ?? this.nodeTypes.defaultVersion(node.type);
			nodes.push({
				id: `node-${index + 1}`,
				position: [(index + 1) * 200, 0],
				parameters: {},
				...node,
				typeVersion,
				credentials: node.credentials ?? this.defaultCredentials(node.type, typeVersion),
			});
		});
		const connections: IConnections =
			spec.connections === undefined || spec.connections === 'linear'
				? {}
				: JSON.parse(JSON.stringify(spec.connections));
		const link = (from: string, to: string) => {
			connections[from] = { main: [[{ node: to, type: NodeConnectionTypes.Main, index: 0 }]] };
		};
		if (spec.connections === undefined || spec.connections === 'linear') {
			nodes.slice(0, -1).forEach((node, index) => link(node.name, nodes[index + 1].name));
		} else if (!connections[START_NODE_NAME] && spec.nodes.length) {
			link(START_NODE_NAME, spec.nodes[0].name);
		}
		const now = new Date();
		return {
			id: `workflow-${executionId}`,
			name: `Engine test ${executionId}`,
			active: false,
			isArchived: false,
			activeVersionId: null,
			nodes,
			connections,
			settings: { executionOrder: 'v1', ...(spec.settings ?? {}) },
			createdAt: now,
			updatedAt: now,
		} as IWorkflowBase;
	}

	/** Every credential the node type declares and the engine has, unless the node sets its own. */
	private defaultCredentials(type: string, version: number): INode['credentials'] {
		const declared =
			this.nodeTypes.getByNameAndVersion(type, version).description.credentials ?? [];
		const credentials: NonNullable<INode['credentials']> = {};
		for (const { name } of declared) {
			const stored = this.credentials[name];
			if (stored) credentials[name] = { id: stored.id, name: stored.name };
		}
		return Object.keys(credentials).length ? credentials : undefined;
	}

	private workflow(workflowData: IWorkflowBase): Workflow {
		// n8n builds the workflow from the stored copy of its data: no shared node objects
		const { id, name, nodes, connections, settings, staticData } = JSON.parse(
			JSON.stringify(workflowData),
		) as IWorkflowBase;
		return new Workflow({
			id,
			name,
			nodes,
			connections,
			settings,
			staticData,
			active: false,
			nodeTypes: this.nodeTypes,
		});
	}

	private additionalData(
		executionId: string,
		hooks: ExecutionLifecycleHooks | undefined,
		record: ExecutionRecord,
		resumed: boolean,
	): IWorkflowExecuteAdditionalData {
		const unsupported = (what: string) => async () => {
			throw new Error(`Engine harness: ${what} is not supported`);
		};
		const additionalData = {
			credentialsHelper: this.credentialsHelper,
			executeWorkflow: unsupported('executeWorkflow'),
			getRunExecutionData: async () => (record.stored ? restore(record.stored) : undefined),
			getRuntimeCredential: async () => undefined,
			startRunnerTask: unsupported('startRunnerTask'),
			logAiEvent: () => {},
			executionId,
			restartExecutionId: resumed ? executionId : undefined,
			currentNodeExecutionIndex: 0,
			hooks,
			setExecutionStatus: (status: ExecutionStatus) => {
				record.status = status === 'waiting' ? 'running' : status; // waiting only once the run has ended
			},
			restApiUrl: `${BASE_URL}/rest`,
			instanceBaseUrl: `${BASE_URL}/`,
			formBaseUrl: `${BASE_URL}/form`,
			formTestBaseUrl: `${BASE_URL}/form-test`,
			formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
			webhookBaseUrl: `${BASE_URL}/webhook`,
			webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
			webhookWaitingBaseUrl: this.waitingBaseUrl,
			mcpBaseUrl: `${BASE_URL}/mcp`,
			mcpTestBaseUrl: `${BASE_URL}/mcp-test`,
			variables: {},
		};
		return additionalData as unknown as IWorkflowExecuteAdditionalData;
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
			const node = workflow.getNode(nodeName)!;
			const nodeType = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);

			const url = request.url ? new URL(request.url) : undefined;
			const query: Record<string, string | string[]> = { ...(request.query ?? {}) };
			url?.searchParams.forEach((value, key) => {
				query[key] ??= value;
			});
			const signature = query.signature;
			if (
				signature !== undefined &&
				runExecutionData.resumeToken &&
				signature !== runExecutionData.resumeToken
			) {
				throw new WaitingWebhookError(401, 'Invalid token');
			}
			const method = (request.method ?? 'POST').toUpperCase() as IHttpRequestMethods;
			const path = request.path ?? '';
			const webhookDescription = (nodeType.description.webhooks ?? []).find(
				(webhook) =>
					webhook.restartWebhook === true &&
					String(webhook.httpMethod).toUpperCase() === method &&
					String(webhook.path ?? '') === path,
			);
			if (!webhookDescription || !nodeType.webhook) {
				throw new WaitingWebhookError(
					404,
					`The workflow for execution "${executionId}" does not contain a waiting webhook with a matching path/method.`,
				);
			}

			const headers = Object.fromEntries(
				Object.entries(request.headers ?? {}).map(([key, value]) => [key.toLowerCase(), value]),
			);
			const reply = new CapturedResponse();
			const httpRequest = {
				method,
				url: url
					? `${url.pathname}${url.search}`
					: `/webhook-waiting/${executionId}${path ? `/${path}` : ''}`,
				body: request.body ?? {},
				headers,
				query,
				params: {},
				contentType: headers['content-type']?.split(';')[0],
			};
			const additionalData = this.additionalData(executionId, undefined, record, false);
			additionalData.httpRequest =
				httpRequest as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
			additionalData.httpResponse =
				reply as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
			const webhookData: IWebhookData = {
				httpMethod: method,
				node: nodeName,
				path,
				webhookDescription,
				workflowId: record.workflowData.id,
				workflowExecuteAdditionalData: additionalData,
			};
			const context = new WebhookContext(
				workflow,
				node,
				additionalData,
				this.mode,
				webhookData,
				[],
				runExecutionData,
			);

			let response: IWebhookResponseData;
			try {
				response = await workflow.expression.withIsolate(
					async () => await nodeType.webhook!.call(context),
				);
			} catch (error) {
				// n8n answers 500 with a generic message and leaves the execution waiting
				const body = { message: 'Workflow Webhook Error: Workflow could not be started!' };
				return { answered: { statusCode: 500, body, headers: {} }, webhookError: error as Error };
			}

			const answered: WebhookAnswer = response.noWebhookResponse
				? reply.answer()
				: {
						statusCode: 200,
						body: response.webhookResponse ?? {
							message: response.workflowData ? 'Workflow was started' : 'Webhook call received',
						},
						headers: {},
					};
			if (!response.workflowData) {
				// n8n does not save the execution in this case: changes made in webhook() are dropped
				return { answered };
			}
			// as n8n's prepareExecutionData: the webhook's output becomes the waiting node's data,
			// forwarded on every output of the (then disabled) node
			const resuming = runExecutionData.executionData!.nodeExecutionStack[0];
			resuming.data.main = response.workflowData;
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
			const url = new URL(req.url ?? '/', 'http://127.0.0.1');
			const match = /^\/webhook-waiting\/([^/]+)(?:\/(.*))?$/.exec(url.pathname);
			if (!match) throw new WaitingWebhookError(404, 'Not found');
			const chunks: Buffer[] = [];
			for await (const chunk of req) chunks.push(chunk as Buffer);
			const raw = Buffer.concat(chunks).toString('utf8');
			const contentType = String(req.headers['content-type'] ?? '');
			let body: unknown = raw;
			if (contentType.includes('json') && raw) body = JSON.parse(raw);
			else if (contentType.includes('x-www-form-urlencoded'))
				body = Object.fromEntries(new URLSearchParams(raw));
			else if (!raw) body = {};
			const query: Record<string, string> = {};
			url.searchParams.forEach((value, key) => {
				query[key] = value;
			});
			const headers: Record<string, string> = {};
			for (const [key, value] of Object.entries(req.headers)) {
				if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
			}
			const { answered } = await this.deliverWaitingWebhook(match[1], {
				method: (req.method ?? 'POST') as IHttpRequestMethods,
				path: match[2] ?? '',
				body,
				query,
				headers,
			});
			return answered;
		} catch (error) {
			const statusCode = error instanceof WaitingWebhookError ? error.statusCode : 500;
			return { statusCode, body: { message: (error as Error).message }, headers: {} };
		}
	}
}

/** The bits of express.Response a webhook() with `noWebhookResponse` uses. */
class CapturedResponse {
	statusCode = 200;
	private body: unknown;
	private readonly headers: Record<string, string> = {};
	headersSent = false;

	status(code: number) {
		this.statusCode = code;
		return this;
	}
	setHeader(name: string, value: string) {
		this.headers[name.toLowerCase()] = String(value);
		return this;
	}
	header(name: string | Record<string, string>, value?: string) {
		if (typeof name === 'string') return this.setHeader(name, value ?? '');
		for (const [key, v] of Object.entries(name)) this.setHeader(key, v);
		return this;
	}
	set(name: string | Record<string, string>, value?: string) {
		return this.header(name, value);
	}
	json(body: unknown) {
		this.body = body;
		this.headersSent = true;
		return this;
	}
	send(body: unknown) {
		return this.json(body);
	}
	end(body?: unknown) {
		if (body !== undefined) this.body = body;
		this.headersSent = true;
		return this;
	}
	answer(): WebhookAnswer {
		return { statusCode: this.statusCode, body: this.body, headers: { ...this.headers } };
	}
}

export function createEngine(options: EngineOptions): Engine {
	return new Engine(options);
}
