// A fan-out in front of several n8n webhook processes: every request it takes is sent as identical
// copies to all of them at the same moment, as when a callback's copies (KIE's retries, a load
// balancer's resends) land on different processes. The sender gets the first 2xx answer at once.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { host } from './n8n';

/** One copy of a request, as one target answered it. */
export interface FanOutAnswer {
	target: string;
	status: number | string;
	body: string;
	ms: number;
}

/** One request the fan-out took, with every target's answer. */
export interface FanOutRecord {
	method: string;
	/** path and query, as sent */
	url: string;
	/** the JSON body's task id (KIE's callbacks: data.task_id or data.taskId), else undefined */
	taskId?: string;
	at: number;
	answers: FanOutAnswer[];
}

/** KIE's callbacks name the task in data.task_id (Runway, Luma) or data.taskId (Market, Aleph). */
function taskIdOf(text: string): string | undefined {
	try {
		const data = (JSON.parse(text) as { data?: Record<string, unknown> }).data;
		const id = data?.task_id ?? data?.taskId;
		return typeof id === 'string' ? id : undefined;
	} catch {
		return undefined;
	}
}

/** Whether a copy's answer is a 2xx (an error text is not). */
export const isOk = (status: number | string) =>
	typeof status === 'number' && status >= 200 && status < 300;

/** POST/GET one copy to `target` + url, never throws (an error becomes its text). */
async function sendCopy(
	target: string,
	method: string,
	url: string,
	headers: Record<string, string>,
	body: Buffer,
): Promise<FanOutAnswer> {
	const t0 = Date.now();
	try {
		const res = await fetch(`${target}${url}`, {
			method,
			headers: { ...headers, ...host.FRESH_CONNECTION },
			body: method === 'GET' || method === 'HEAD' ? undefined : new Uint8Array(body),
		});
		return { target, status: res.status, body: await res.text(), ms: Date.now() - t0 };
	} catch (error) {
		return { target, status: (error as Error).message, body: '', ms: Date.now() - t0 };
	}
}

/**
 * Starts the fan-out on a free loopback port. `targets` (base URLs) can be set after start, since
 * the processes behind it are told its address before they exist.
 */
export async function startFanOut(targets: string[] = []) {
	const state = { targets };
	const records: FanOutRecord[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			void (async () => {
				const body = Buffer.concat(chunks);
				const headers: Record<string, string> = {};
				for (const [name, value] of Object.entries(req.headers)) {
					if (
						['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'].includes(
							name,
						) ||
						value === undefined
					)
						continue;
					headers[name] = Array.isArray(value) ? value.join(', ') : value;
				}
				const method = req.method ?? 'POST';
				const url = req.url ?? '/';
				const record: FanOutRecord = {
					method,
					url,
					taskId: taskIdOf(body.toString('utf8')),
					at: Date.now(),
					answers: [],
				};
				records.push(record);
				// The sender gets the first 2xx as soon as it comes (the slower copy must not make KIE
				// wait or retry); without one, the first answer once all are in.
				let answered = false;
				const reply = (a: FanOutAnswer | undefined) => {
					if (answered) return;
					answered = true;
					res.statusCode = a ? (a.status as number) : 502;
					res.setHeader('content-type', 'application/json');
					res.end(a?.body ?? JSON.stringify({ error: 'no target answered' }));
				};
				record.answers = await Promise.all(
					state.targets.map(async (t) => {
						const answer = await sendCopy(t, method, url, headers, body);
						if (isOk(answer.status)) reply(answer);
						return answer;
					}),
				);
				reply(record.answers.find((a) => typeof a.status === 'number'));
			})();
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		records,
		setTargets(next: string[]) {
			state.targets = next;
		},
		close: () =>
			new Promise<void>((r) => {
				server.closeAllConnections();
				server.close(() => r());
			}),
	};
}

/** Every copy's HTTP status of a request list, counted: e.g. { 200: 58, 409: 2 }. */
export function statusCounts(records: FanOutRecord[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const r of records)
		for (const a of r.answers) counts[String(a.status)] = (counts[String(a.status)] ?? 0) + 1;
	return counts;
}
