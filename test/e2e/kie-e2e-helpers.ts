// Small helpers for the real-n8n e2e tests of the KIE package (kie-node.test.ts, kie-callbacks.test.ts).
//
// API (kept small on purpose):
//   KIE_NODE_TYPE, KIE_TRIGGER_TYPE, KIE_CREDENTIAL_TYPE   the package's public type names
//   kieCredential(id, sim, overrides?)     a `kieApi` credential (import shape) pointed at a simulator
//   webhookNode(path, opts?)               n8n's Webhook node (POST); responseMode 'lastNode' by default
//   kieNode(name, credentialId, params)    the KIE node with a credential reference
//   n8nNode(name, type, typeVersion, params)  any other node
//   chainWorkflow(id, name, nodes)         a workflow whose nodes are connected one after another
//   startN8nWithKie({ credentials, workflows, env })  temp user folder + package install + imports +
//                                          start; returns { n8n, userFolder, stop } (stop also removes
//                                          the folder unless KEEP_N8N_E2E is set)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const host = require('../../scripts/lib/n8n-host.js');

export const KIE_NODE_TYPE = 'n8n-nodes-kie-video.kie';
export const KIE_TRIGGER_TYPE = 'n8n-nodes-kie-video.kieTrigger';
export const KIE_CREDENTIAL_TYPE = 'kieApi';

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

export const log = (line: string) => process.stderr.write(`[kie-e2e] ${line}\n`);

let counter = 0;
/** A stable-enough unique node id (n8n wants a UUID-shaped id per node). */
function nodeId(): string {
	counter += 1;
	return `6b1e0c3a-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

/** A `kieApi` credential (in n8n's import shape) pointed at a simulator. Name = id. */
export function kieCredential(
	id: string,
	sim: { baseUrl: string; uploadBaseUrl: string },
	overrides: Record<string, unknown> = {},
): CredentialImport {
	return {
		id,
		name: id,
		type: KIE_CREDENTIAL_TYPE,
		data: {
			apiKey: 'sim-key',
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
	}: { responseMode?: 'lastNode' | 'responseNode' | 'onReceived'; responseData?: string } = {},
): WorkflowNode {
	return {
		...n8nNode('Webhook', 'n8n-nodes-base.webhook', 2, {
			httpMethod: 'POST',
			path: webhookPath,
			responseMode,
			...(responseMode === 'lastNode' ? { responseData } : {}),
			options: {},
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
		...n8nNode(name, KIE_NODE_TYPE, 1, parameters),
		credentials: { [KIE_CREDENTIAL_TYPE]: { id: credentialId, name: credentialId } },
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

export interface KieN8n {
	/** The handle from scripts/lib/n8n-host.js startN8n (baseUrl, logFile, stop, …). */
	n8n: any;
	userFolder: string;
	/** Stops n8n and removes the user folder (kept when KEEP_N8N_E2E is set). */
	stop: () => Promise<void>;
}

/**
 * A fresh n8n with this package installed from its build (dist/, made by `npm run build`): temp user
 * folder, packed package installed under its real type names, credentials imported, workflows
 * imported and published, n8n started on free ports with `env` added.
 */
export async function startN8nWithKie({
	credentials,
	workflows,
	env = {},
}: {
	credentials: CredentialImport[];
	workflows: any[];
	env?: Record<string, string>;
}): Promise<KieN8n> {
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'kie-e2e-'));
	let n8n: any;
	const stop = async () => {
		await n8n?.stop();
		if (process.env.KEEP_N8N_E2E) log(`kept user folder ${userFolder}`);
		else fs.rmSync(userFolder, { recursive: true, force: true });
	};
	try {
		await host.ensureN8nInstalled({ log });
		host.installPackageInto(userFolder, host.REPO_ROOT, { build: false, log });
		await host.importCredentials(userFolder, credentials, { log });
		await host.importWorkflows(userFolder, workflows, { publish: true, log });
		n8n = await host.startN8n({ userFolder, env, log });
	} catch (err) {
		await stop();
		throw err;
	}
	return { n8n, userFolder, stop };
}
