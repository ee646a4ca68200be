import * as http from 'http';
import { AddressInfo } from 'net';
import { createSimulator } from '../../simulator';

export type Sim = Awaited<ReturnType<typeof createSimulator>>;
export const KEY = 'sim-key';
export const AUTH = { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' };

/** Small, fast defaults for tests. */
export async function startSim(options: Record<string, unknown> = {}): Promise<Sim> {
	return createSimulator({
		taskDurationMs: 300,
		recordNullMs: 50,
		callbackRetryDelayMs: 20,
		videoSizeBytes: 200_000,
		...options,
	});
}

/** The fields of `data` in the simulator's answers (and callbacks) that the tests read. */
export interface KieData {
	taskId: string;
	task_id: string;
	downloadUrl: string;
	successFlag: number;
	createTime: number;
	paramJson: string;
	/** Runway record: the task's phase and when it was made */
	state: string;
	generateTime: string;
	videoInfo: { videoUrl: string };
	response: { resultUrls: string[] };
	/** Market record (recordInfo, callbacks): JSON strings and epoch-ms times */
	model: string;
	param: string;
	resultJson: string;
	failCode: string;
	failMsg: string;
	costTime: number;
	completeTime: number;
	updateTime: number;
	[field: string]: unknown;
}

/** A JSON answer (or callback body) of the simulator, as the tests read it. */
export interface KieBody {
	code: number;
	msg: string;
	data: KieData;
	[field: string]: unknown;
}

export async function post(
	base: string,
	path: string,
	body: unknown,
	headers: Record<string, string> = AUTH,
) {
	const res = await fetch(base + path, { method: 'POST', headers, body: JSON.stringify(body) });
	return { status: res.status, body: (await res.json()) as KieBody };
}

export async function get(base: string, path: string, headers: Record<string, string> = AUTH) {
	const res = await fetch(base + path, { headers });
	return { status: res.status, body: (await res.json()) as KieBody };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value (or fails after `timeoutMs`). */
export async function waitFor<T>(
	fn: () => T | Promise<T>,
	timeoutMs = 5000,
	everyMs = 15,
): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() > end) throw new Error('waitFor timed out');
		await sleep(everyMs);
	}
}

export const RUNWAY_OK = {
	prompt: 'A cat surfing',
	duration: 5,
	quality: '720p',
	aspectRatio: '16:9',
};
export const ALEPH_OK = { prompt: 'Make it snow', videoUrl: 'https://example.com/in.mp4' };
export const LUMA_OK = { prompt: 'Turn it into a cartoon', videoUrl: 'https://example.com/in.mp4' };

export interface Hit {
	url: string;
	headers: http.IncomingHttpHeaders;
	raw: string;
	/** null when the body was not JSON */
	body: KieBody | null;
	at: number;
}

/** A tiny HTTP server that records callbacks; `answer` picks the status for each hit (default 200). */
export async function startReceiver(answer: (hitIndex: number) => number = () => 200) {
	const hits: Hit[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			let body: KieBody | null = null;
			try {
				body = JSON.parse(raw);
			} catch {
				/* keep null */
			}
			const index = hits.length;
			hits.push({ url: req.url || '', headers: req.headers, raw, body, at: Date.now() });
			res.statusCode = answer(index);
			res.end('ok');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		hits,
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const DAY = 24 * 60 * 60 * 1000;

/** A Runway generate call (default: a valid body). */
export async function runwayTask(sim: Sim, body: Record<string, unknown> = RUNWAY_OK) {
	return post(sim.baseUrl, '/api/v1/runway/generate', body);
}

/** Ends a task now and returns its record from `path` (a record-detail / record-info route). */
export async function finishTask(sim: Sim, path: string, taskId: string) {
	sim.completeTask(taskId);
	return (await get(sim.baseUrl, `${path}?taskId=${taskId}`)).body.data;
}
