// A model of the request pattern other KIE community nodes use (not their code): creates fired one
// after another with no rate-limit awareness (a 429 is an error for that item), then one status GET
// per task every 3 seconds until the task has ended. Plain HTTP (fetch), nothing of this package.

export const PEER_INTERVAL_MS = 3000;

const RUNWAY_CREATE = '/api/v1/runway/generate';
const RUNWAY_STATUS = '/api/v1/runway/record-detail';

export type CreateOutcome =
	{ ok: true; taskId: string } | { ok: false; httpStatus: number; message: string };

/** One Runway create call (5 s, 720p, 16:9), as a plain HTTP client sends it. */
export async function createRunwayTask(
	baseUrl: string,
	apiKey: string,
	prompt: string,
): Promise<CreateOutcome> {
	const response = await fetch(`${baseUrl}${RUNWAY_CREATE}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify({ prompt, duration: 5, quality: '720p', aspectRatio: '16:9' }),
	});
	const body = (await response.json().catch(() => ({}))) as {
		code?: number;
		msg?: string;
		data?: { taskId?: string };
	};
	if (response.status === 200 && body.code === 200 && body.data?.taskId)
		return { ok: true, taskId: body.data.taskId };
	return {
		ok: false,
		httpStatus: response.status,
		message: `${body.code ?? response.status} ${body.msg ?? ''}`.trim(),
	};
}

/** Fires the creates one after another, each as soon as the previous answer arrived. */
export async function createOneAfterAnother(
	baseUrl: string,
	apiKey: string,
	prompts: string[],
): Promise<CreateOutcome[]> {
	const outcomes: CreateOutcome[] = [];
	for (const prompt of prompts) outcomes.push(await createRunwayTask(baseUrl, apiKey, prompt));
	return outcomes;
}

/** Runway's record-detail `data.state`: null while KIE has no record yet ("recordInfo is null"). */
export async function runwayState(
	baseUrl: string,
	apiKey: string,
	taskId: string,
): Promise<string | null> {
	const response = await fetch(`${baseUrl}${RUNWAY_STATUS}?taskId=${encodeURIComponent(taskId)}`, {
		headers: { authorization: `Bearer ${apiKey}` },
	});
	const body = (await response.json().catch(() => ({}))) as {
		code?: number;
		data?: { state?: string };
	};
	return body.code === 200 ? (body.data?.state ?? null) : null;
}

/** Polls a task every `intervalMs` (from its creation) until it has succeeded or failed. */
export async function pollEvery(
	baseUrl: string,
	apiKey: string,
	taskId: string,
	intervalMs: number,
): Promise<{ statusCalls: number; state: string }> {
	let statusCalls = 0;
	let next = Date.now() + intervalMs;
	for (;;) {
		await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
		next += intervalMs;
		statusCalls += 1;
		const state = await runwayState(baseUrl, apiKey, taskId);
		if (state === 'success' || state === 'fail') return { statusCalls, state };
	}
}
