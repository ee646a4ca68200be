// The real n8n of the e2e tests: the host library (scripts/lib/n8n-host), one logger, and one starter
// for an n8n with this package installed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { IBinaryKeyData } from 'n8n-workflow';

import * as hostLib from '../../../scripts/lib/n8n-host';
import type { N8nHandle } from '../../../scripts/lib/n8n-host/server';
import * as simulatorLib from '../../../simulator';
import type { CredentialImport, Workflow } from './workflows';

export { simulatorLib };
export type { N8nHandle };
/** A running KIE simulator (simulator/simulator.js). */
export type Simulator = import('../../../simulator').Simulator;
/** A request the simulator recorded, as sim.requests lists it (and its 'request' event gives it). */
export type SimRequest = Simulator['requests'][number];

/**
 * An item's json as the tests read it: the fields of the KIE node's and the KIE Trigger's items;
 * other nodes' fields are read as unknown.
 */
export interface ItemJson {
	taskId: string;
	model?: string;
	status?: string;
	videoUrl?: string | null;
	reference?: string | null;
	error?: { code: unknown; message: string } | null;
	/** the KIE Trigger's copy of the callback it received */
	callback?: { code: number; msg: string; body: { data: Record<string, unknown> } };
	[field: string]: unknown;
}

/** An item of a node's output in an execution's run data. */
export interface ExecutionItem {
	json: ItemJson;
	binary?: IBinaryKeyData;
	pairedItem?: unknown;
}

/** What the tests read of an execution's run data (n8n's IRun['data'], JSON from REST or sqlite). */
export interface ExecutionData {
	resultData: {
		/** node name -> its runs -> main outputs -> items */
		runData: Record<string, Array<{ data: { main: ExecutionItem[][] } }>>;
		error?: { message: string; description?: string };
		lastNodeExecuted?: string;
	};
}

type ExecutionRecord = Awaited<ReturnType<typeof hostLib.getExecutions>>[number];
/** One of a workflow's executions, with its run data, as n8n-host reads it. */
export type Execution = Omit<ExecutionRecord, 'data'> & { data: ExecutionData };

/** A node's items (main output 0) in its last run of an execution. */
export function lastRunOutput(execution: Execution, nodeName: string): ExecutionItem[] {
	const runs = execution.data.resultData.runData[nodeName];
	return runs[runs.length - 1].data.main[0];
}

/** n8n-host, with the executions it reads typed as the tests read them (its JSDoc has `data: any`). */
export const host = hostLib as Omit<typeof hostLib, 'getExecutions' | 'waitForExecution'> & {
	getExecutions(...args: Parameters<typeof hostLib.getExecutions>): Promise<Execution[]>;
	waitForExecution(
		target: Parameters<typeof hostLib.waitForExecution>[0],
		workflowId: string,
		opts?: { timeoutMs?: number; until?: (e: Execution) => boolean },
	): Promise<Execution>;
};

/** A log line on stderr, tagged with the test's name. */
export function logger(tag: string) {
	return (line: string) => process.stderr.write(`[${tag}] ${line}\n`);
}

export interface KieN8n {
	/** The running n8n (replaced by startAgain()). */
	n8n: N8nHandle;
	userFolder: string;
	/** How long the first `n8n start` took until n8n was ready (ms). */
	startMs: number;
	/** n8n again on the same user folder and port (resume URLs given out before stay valid). */
	startAgain(): Promise<N8nHandle>;
	/** Stops n8n and removes the user folder (kept when KEEP_N8N_E2E is set). */
	stop(): Promise<void>;
}

/**
 * A fresh n8n with this package installed from its build (dist/, made by `npm run build`): temp user
 * folder, packed package installed under its real type names, credentials imported, `workflows`
 * imported and published (`shippedWorkflows` imported as `npm start` does: published only when
 * "active": true), n8n started (on `port`, else a free one) with `env` added.
 * KIE_E2E_PACKAGE_ROOT: try another build of the package (e.g. a patched copy) against the same tests.
 */
export async function startN8nWithKie({
	tag,
	credentials,
	workflows,
	shippedWorkflows = [],
	port,
	env = {},
}: {
	tag: string;
	credentials: CredentialImport[];
	workflows: Workflow[];
	shippedWorkflows?: Workflow[];
	port?: number;
	env?: Record<string, string>;
}): Promise<KieN8n> {
	const log = logger(tag);
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-${tag}-`));
	let n8n: N8nHandle | undefined;
	let startMs = 0;
	const stop = async () => {
		await n8n?.stop();
		if (process.env.KEEP_N8N_E2E) log(`kept user folder ${userFolder}`);
		else fs.rmSync(userFolder, { recursive: true, force: true });
	};
	try {
		await host.ensureN8nInstalled({ log });
		const packageRoot = process.env.KIE_E2E_PACKAGE_ROOT || host.REPO_ROOT;
		if (packageRoot !== host.REPO_ROOT) log(`package under test from ${packageRoot}`);
		host.installPackageInto(userFolder, packageRoot, { build: false, log });
		await host.importCredentials(userFolder, credentials, { log });
		await host.importWorkflows(userFolder, workflows, { publish: true, log });
		await host.importWorkflows(userFolder, shippedWorkflows, { publish: 'fromJson', log });
		const t0 = Date.now();
		n8n = await host.startN8n({ userFolder, port, env, log });
		startMs = Date.now() - t0;
	} catch (err) {
		await stop();
		throw err;
	}
	const started: KieN8n = {
		n8n,
		userFolder,
		startMs,
		async startAgain() {
			n8n = await host.startN8n({ userFolder, port: started.n8n.port, env, log });
			started.n8n = n8n;
			return n8n;
		},
		stop,
	};
	return started;
}
