// Workflows and credentials the e2e tests import into n8n: the KIE node, n8n's own nodes, and the
// whole test workflows of the callback-mode, trigger and collector flows.
import { CREDENTIAL_TYPE, KIE_TYPE, SIM_API_KEY, TRIGGER_TYPE } from './constants';
import type { Simulator } from './n8n';

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	webhookId?: string;
	credentials?: Record<string, { id: string; name: string }>;
}

export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

/** A node of a workflow file, with the parameters the tests read or change. */
export interface WorkflowFileNode extends Omit<WorkflowNode, 'parameters'> {
	parameters: {
		completionOptions?: { pollIntervalSeconds?: number };
		callbackUrl?: string;
		content?: string;
		assignments?: { assignments: Array<{ name: string; value: unknown }> };
		[parameter: string]: unknown;
	};
}

/** A workflow file as n8n exports it (examples/*.json): its nodes and their main connections. */
export interface WorkflowFile {
	id: string;
	name: string;
	active?: boolean;
	nodes: WorkflowFileNode[];
	connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: string; index: number }>> }
	>;
	[key: string]: unknown;
}

/** A workflow in n8n's import shape (every imported workflow has a fixed id). */
export type Workflow = { id: string; name: string; active?: boolean; [key: string]: unknown };

let counter = 0;
/** A stable-enough unique node id (n8n wants a UUID-shaped id per node). */
function nodeId(): string {
	counter += 1;
	return `6b1e0c3a-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

/** A `kieApi` credential (in n8n's import shape) pointed at a simulator. Name = id. */
export function kieCredential(
	id: string,
	sim: Pick<Simulator, 'baseUrl' | 'uploadBaseUrl'>,
	overrides: Record<string, unknown> = {},
): CredentialImport {
	return {
		id,
		name: id,
		type: CREDENTIAL_TYPE,
		data: {
			apiKey: SIM_API_KEY,
			baseUrl: sim.baseUrl,
			uploadBaseUrl: sim.uploadBaseUrl,
			...overrides,
		},
	};
}

/** n8n's Webhook node (POST /webhook/<path>). responseMode 'lastNode' answers with all items of the last node. */
export function webhookNode(
	webhookPath: string,
	{
		responseMode = 'lastNode',
		responseData = 'allEntries',
		options = {},
	}: {
		responseMode?: 'lastNode' | 'responseNode' | 'onReceived';
		responseData?: string;
		options?: Record<string, unknown>;
	} = {},
): WorkflowNode {
	return {
		...n8nNode('Webhook', 'n8n-nodes-base.webhook', 2, {
			httpMethod: 'POST',
			path: webhookPath,
			responseMode,
			...(responseMode === 'lastNode' ? { responseData } : {}),
			options,
		}),
		webhookId: nodeId(),
	};
}

export function n8nNode(
	name: string,
	type: string,
	typeVersion: number,
	parameters: Record<string, unknown>,
): WorkflowNode {
	return { id: nodeId(), name, type, typeVersion, position: [0, 0], parameters };
}

/** The KIE node using the stored credential `credentialId` (credential name = id, see kieCredential). */
export function kieNode(
	name: string,
	credentialId: string,
	parameters: Record<string, unknown>,
): WorkflowNode {
	return {
		...n8nNode(name, KIE_TYPE, 1, parameters),
		credentials: { [CREDENTIAL_TYPE]: { id: credentialId, name: credentialId } },
	};
}

/** KIE node parameters: Runway text-to-video (5 s, 720p, 16:9) of each item's `prompt`, polled. */
export function runwayGenerateParameters(
	completionOptions: Record<string, unknown>,
): Record<string, unknown> {
	return {
		resource: 'runway',
		operation: 'generate',
		prompt: '={{ $json.prompt }}',
		imageSource: 'none',
		duration: 5,
		quality: '720p',
		aspectRatio: '16:9',
		completion: 'poll',
		completionOptions,
	};
}

/** A workflow whose nodes run one after another (main output 0 -> next node's input 0). */
export function chainWorkflow(id: string, name: string, nodes: WorkflowNode[]) {
	const connections: Record<string, unknown> = {};
	nodes.forEach((node, i) => {
		node.position = [i * 240, 0];
		if (i + 1 < nodes.length)
			connections[node.name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	});
	return { id, name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** n8n's own Wait node, resumed by a POST to the execution's resume URL. */
export function waitForWebhookNode(
	name: string,
	id: string,
	webhookId: string,
	position: [number, number] = [0, 0],
): WorkflowNode {
	return {
		id,
		name,
		type: 'n8n-nodes-base.wait',
		typeVersion: 1.1,
		position,
		webhookId,
		parameters: { resume: 'webhook', httpMethod: 'POST', options: {} },
	};
}

/** The last node of the test workflows: posts each item's json to the collector, tagged with the execution id. */
export function collectorNode(
	collectorUrl: string,
	name = 'Collect',
	position: [number, number] = [880, 0],
): WorkflowNode {
	return {
		id: `c0ffee00-0000-4000-8000-${name
			.padEnd(12, '0')
			.slice(0, 12)
			.replace(/[^0-9a-f]/gi, '0')}`,
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position,
		parameters: {
			method: 'POST',
			url: `=${collectorUrl}/collect?exec={{ $execution.id }}&item={{ $itemIndex }}`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify($json) }}',
			options: {},
		},
	};
}

/**
 * The workflow both callback-mode e2e files run: Webhook (body.items) -> Split Out -> KIE runway
 * generate in callback mode (prompt, reference and time limit from each item) -> the collector.
 * Node ids are `<idPrefix>-0000-4000-8000-00000000000N` (KIE is N = 3). `kieParameters` replace
 * the KIE node's (e.g. another completion mode).
 */
export function callbackModeWorkflow(options: {
	id: string;
	name: string;
	webhookPath: string;
	credentialId: string;
	collectorUrl: string;
	idPrefix: string;
	kieParameters?: Record<string, unknown>;
}) {
	const uuid = (n: number) => `${options.idPrefix}-0000-4000-8000-00000000000${n}`;
	return {
		id: options.id,
		name: options.name,
		nodes: [
			{
				id: uuid(1),
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: uuid(9),
				parameters: {
					httpMethod: 'POST',
					path: options.webhookPath,
					responseMode: 'onReceived',
					options: {},
				},
			},
			{
				id: uuid(2),
				name: 'Split Out',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.items', include: 'noOtherFields', options: {} },
			},
			{
				id: uuid(3),
				name: 'KIE',
				type: KIE_TYPE,
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					resource: 'runway',
					operation: 'generate',
					prompt: '={{ $json.prompt }}',
					reference: '={{ $json.ref }}',
					completion: 'callback',
					completionOptions: { timeoutMinutes: '={{ $json.timeoutMinutes }}' },
					...options.kieParameters,
				},
				credentials: {
					[CREDENTIAL_TYPE]: { id: options.credentialId, name: options.credentialId },
				},
			},
			collectorNode(options.collectorUrl, 'Collect', [660, 0]),
		],
		connections: {
			Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: 'KIE', type: 'main', index: 0 }]] },
			KIE: { main: [[{ node: 'Collect', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * A KIE Trigger workflow (default options unless `triggerOptions` are given) whose items go to the
 * collector. Node ids are `<idPrefix>-0000-4000-8000-00000000000N`; the production URL is
 * `/webhook/<webhookId>/kie`.
 */
export function triggerWorkflow(options: {
	id: string;
	name: string;
	webhookId: string;
	credentialId: string;
	collectorUrl: string;
	idPrefix: string;
	triggerOptions?: Record<string, unknown>;
}) {
	return {
		id: options.id,
		name: options.name,
		nodes: [
			{
				id: `${options.idPrefix}-0000-4000-8000-000000000001`,
				name: 'KIE Trigger',
				type: TRIGGER_TYPE,
				typeVersion: 1.1,
				position: [0, 0],
				webhookId: options.webhookId,
				parameters: { options: options.triggerOptions ?? {} },
				credentials: {
					[CREDENTIAL_TYPE]: { id: options.credentialId, name: options.credentialId },
				},
			},
			collectorNode(options.collectorUrl, 'Collect', [240, 0]),
		],
		connections: { 'KIE Trigger': { main: [[{ node: 'Collect', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}
