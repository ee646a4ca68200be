// The simulator as the bench sees it: the engine tests' view (test/engine/kie-helpers.ts) plus the
// few internals the bench reads to measure (its clock, its request events, its HTTP answers).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { IDataObject } from 'n8n-workflow';

import { API_KEY, startSimulator, type Simulator } from '../test/engine/kie-helpers';

export { API_KEY };

/** A callback attempt as the simulator records it (simulator/callbacks.js). */
export type CallbackAttempt = Simulator['callbacks'][number] & { sentAt: number };

export type BenchSimulator = Omit<Simulator, 'callbacks'> & {
	callbacks: CallbackAttempt[];
	taskStore: { get(taskId: string): unknown };
	modelContext(): unknown;
	servers: Server[];
	clock: { now(): number; timeScale: number };
	on(
		event: 'request',
		listener: (record: { method: string; path: string; query: Record<string, string> }) => void,
	): void;
};

export { RUNWAY_CREATE, RUNWAY_STATUS } from '../test/e2e/helpers/constants';

export interface AnsweredStatuses {
	/** How many requests to "METHOD /path" were answered with `status`. */
	count(key: string, status: number): number;
}

/** A simulator (options as in the engine tests) that also counts its API host's HTTP answers. */
export async function startBenchSimulator(
	options: IDataObject = {},
): Promise<{ sim: BenchSimulator; answered: AnsweredStatuses }> {
	const sim = (await startSimulator(options)) as BenchSimulator;
	const counts = new Map<string, number>();
	sim.servers[0].on('request', (req: IncomingMessage, res: ServerResponse) => {
		const key = `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`;
		res.once('finish', () => {
			const countKey = `${key} ${res.statusCode}`;
			counts.set(countKey, (counts.get(countKey) ?? 0) + 1);
		});
	});
	return { sim, answered: { count: (key, status) => counts.get(`${key} ${status}`) ?? 0 } };
}
