// The harness's public types (what tests pass in and get back) and its one error class.
import type {
	ExecutionError,
	ExecutionStatus,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IHttpRequestMethods,
	INode,
	INodeExecutionData,
	INodeType,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowBase,
	WorkflowExecuteMode,
} from 'n8n-workflow';

export type Constructor<T> = new () => T;
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
