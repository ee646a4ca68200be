// Shared set-up for the KIE node's engine tests: the real node classes run through n8n-core's
// engine (harness/) against the KIE simulator over real HTTP on 127.0.0.1.
import { createEngine, type Engine, type RunResult } from './harness';

import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { KieApi } from '../../credentials/KieApi.credentials';
import { CREDENTIAL_TYPE, KIE_TYPE, SIM_API_KEY, TRIGGER_TYPE } from '../e2e/helpers/constants';
import { Kie } from '../../nodes/Kie/Kie.node';
import { KieTrigger } from '../../nodes/Kie/KieTrigger.node';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createSimulator } = require('../../simulator');

/** The package's type names and the simulator's key: the e2e tests' constants, taken from the source. */
export const KIE = KIE_TYPE;
export const KIE_TRIGGER = TRIGGER_TYPE;
export const API_KEY = SIM_API_KEY;

export interface Simulator {
	baseUrl: string;
	uploadBaseUrl: string;
	/** Every request received, in order; `at` = wall epoch ms. */
	requests: Array<{
		method: string;
		path: string;
		query: IDataObject;
		headers: IDataObject;
		body: any;
		at: number;
	}>;
	callbacks: Array<{
		url: string;
		body: any;
		headers: IDataObject;
		status: unknown;
		taskId: string;
	}>;
	credits: number;
	count(what: string): number;
	tasksCreated(): number;
	tasks(): Array<IDataObject & { taskId: string; model: string }>;
	getTask(taskId: string): (IDataObject & { taskId: string }) | undefined;
	completeTask(taskId: string): void;
	failTask(taskId: string, msg?: string): void;
	injectFault(fault: IDataObject): void;
	setCallbackBehaviour(behaviour: IDataObject): void;
	configure(options: IDataObject): void;
	/**
	 * Retire switches: legacy create paths answer HTTP 404 {code:404,msg:'Not Found'}, Market model
	 * ids answer body code 422 "The model <id> is discontinued"; neither creates a task.
	 */
	retire(spec: { paths?: string[]; models?: string[] }): void;
	unretire(spec: { paths?: string[]; models?: string[] }): void;
	/** Market ids accepted beyond the simulator's own table, with any `input` object. */
	addMarketModels(ids: string[]): void;
	/** Jumps the simulated clock (task ends, link expiry, 14-day retention). */
	advanceTime(ms: number): void;
	/** Down for downMs (connections refused), then back on the same ports with every task kept. */
	restart(options?: { downMs?: number }): Promise<void>;
	on(event: 'request', listener: (request: Simulator['requests'][number]) => void): void;
	on(event: 'down' | 'up', listener: () => void): void;
	reset(): void;
	close(): Promise<void>;
}

export async function startSimulator(options: IDataObject = {}): Promise<Simulator> {
	return await createSimulator({
		host: '127.0.0.1',
		port: 0,
		uploadPort: 0,
		apiKeys: [API_KEY],
		taskDurationMs: 1500,
		recordNullMs: 300,
		...options,
	});
}

export function kieEngine(
	sim: Simulator,
	{ apiKey = API_KEY, hmacKey }: { apiKey?: string; hmacKey?: string } = {},
): Engine {
	return createEngine({
		nodeTypes: { [KIE]: Kie, [KIE_TRIGGER]: KieTrigger },
		credentialTypes: { [CREDENTIAL_TYPE]: KieApi },
		credentials: {
			[CREDENTIAL_TYPE]: {
				id: '1',
				name: 'KIE (simulator)',
				data: {
					apiKey,
					baseUrl: sim.baseUrl,
					uploadBaseUrl: sim.uploadBaseUrl,
					...(hmacKey ? { webhookHmacKey: hmacKey } : {}),
				},
			},
		},
	});
}

/** Runs one KIE node over the given input items. */
export async function runKie(
	engine: Engine,
	parameters: IDataObject,
	input: INodeExecutionData[] = [{ json: {} }],
	node: IDataObject = {},
): Promise<RunResult> {
	return await engine.run({
		nodes: [
			{
				name: 'KIE',
				type: KIE,
				typeVersion: 1,
				parameters: parameters as INodeParameters,
				...node,
			},
		],
		input,
	});
}

/** Requests the simulator received for one method + path, in order. */
export function requestsTo(sim: Simulator, method: string, path: string) {
	return sim.requests.filter((request) => request.method === method && request.path === path);
}

/** Polling settings that make tests fast: the minimum interval of 1 s. */
export const FAST_POLL = {
	completion: 'poll',
	completionOptions: { pollIntervalSeconds: 1, timeoutMinutes: 2 },
};
