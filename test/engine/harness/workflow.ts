// What n8n-cli builds around a run: the stored workflow data, the Workflow object, additionalData.
import type { ExecutionLifecycleHooks } from 'n8n-core';
import { NodeConnectionTypes, Workflow } from 'n8n-workflow';
import type {
	ExecutionStatus,
	ICredentialsHelper,
	IConnections,
	INode,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import type { EngineNodeTypes } from './node-types';
import { BASE_URL, type ExecutionRecord, restore } from './store';
import { START_NODE_NAME, START_NODE_TYPE, type EngineCredential, type RunSpec } from './types';

/** The stored workflow of one run: the start node, then `spec.nodes`, connected as asked. */
export function buildWorkflowData(
	executionId: string,
	spec: RunSpec,
	nodeTypes: EngineNodeTypes,
	stored: Record<string, EngineCredential>,
): IWorkflowBase {
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
		const typeVersion = node.typeVersion ?? nodeTypes.defaultVersion(node.type);
		nodes.push({
			id: `node-${index + 1}`,
			position: [(index + 1) * 200, 0],
			parameters: {},
			...node,
			typeVersion,
			credentials:
				node.credentials ?? defaultCredentials(nodeTypes, stored, node.type, typeVersion),
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
function defaultCredentials(
	nodeTypes: EngineNodeTypes,
	stored: Record<string, EngineCredential>,
	type: string,
	version: number,
): INode['credentials'] {
	const declared = nodeTypes.getByNameAndVersion(type, version).description.credentials ?? [];
	const credentials: NonNullable<INode['credentials']> = {};
	for (const { name } of declared) {
		const credential = stored[name];
		if (credential) credentials[name] = { id: credential.id, name: credential.name };
	}
	return Object.keys(credentials).length ? credentials : undefined;
}

/** The Workflow n8n builds from the stored copy of a workflow's data. */
export function toWorkflow(workflowData: IWorkflowBase, nodeTypes: EngineNodeTypes): Workflow {
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
		nodeTypes,
	});
}

/** additionalData as a plain object (deep mocks break the engine), with n8n's URLs. */
export function buildAdditionalData(
	{
		credentialsHelper,
		waitingBaseUrl,
	}: { credentialsHelper: ICredentialsHelper; waitingBaseUrl: string },
	executionId: string,
	hooks: ExecutionLifecycleHooks | undefined,
	record: ExecutionRecord,
	resumed: boolean,
): IWorkflowExecuteAdditionalData {
	const unsupported = (what: string) => async () => {
		throw new Error(`Engine harness: ${what} is not supported`);
	};
	const additionalData = {
		credentialsHelper,
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
		webhookWaitingBaseUrl: waitingBaseUrl,
		mcpBaseUrl: `${BASE_URL}/mcp`,
		mcpTestBaseUrl: `${BASE_URL}/mcp-test`,
		variables: {},
	};
	return additionalData as unknown as IWorkflowExecuteAdditionalData;
}
