// The KIE Trigger answers KIE at once, on real n8n: KIE's status API takes 10 s per call and every
// result is 1 GiB, with Download Result on. The simulator sends each task's callback 3 times, as KIE
// may, waits 15 s for each answer and retries after a late one (simulator/callbacks.js records every
// attempt). The run confirms and downloads after n8n answered; one execution per task, the bytes
// stored equal to the video, and the task ids recorded in n8n's database (processed_data).
// Run: npm run build && npx jest --selectProjects e2e --runInBand --testPathPatterns kie-trigger-answer
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	createSimTask,
	executionsOf,
	host,
	kieCredential,
	type KieN8n,
	logger,
	post,
	RUNWAY_CREATE_PATH,
	RUNWAY_STATUS,
	RUNWAY_STATUS_PATH,
	type Simulator,
	simulatorLib,
	sleep,
	startCollector,
	startN8nWithKie,
	triggerWorkflow,
	waitFor,
} from './helpers';

jest.setTimeout(20 * 60_000);

const log = logger('kie-trigger-answer');
const TASKS = 10;
const COPIES = 3;
const VIDEO_BYTES = 1024 ** 3;
const STATUS_DELAY_MS = 10_000;
/** KIE's wait for an answer to a callback (docs/kie-api.md §6). */
const KIE_ANSWER_LIMIT_MS = 15_000;
const CRED = 'kieTrigSlowCred1';
const WF = 'kieTrigSlowWf001';
const HOOK = 'c3c3c3c3-0000-4000-8000-00000000cccc';

/** Finds a stored binary by the last part of its id (n8n's filesystem mode, under the user folder). */
function storedFile(folder: string, name: string): string | undefined {
	for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
		const full = path.join(folder, entry.name);
		if (entry.isDirectory()) {
			const found = storedFile(full, name);
			if (found) return found;
		} else if (entry.name === name) return full;
	}
	return undefined;
}

async function sha256Of(file: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

const percentile = (values: number[], p: number) =>
	[...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)];

describe('KIE Trigger with a slow status API and 1 GiB results', () => {
	let sim: Simulator;
	let collector: Awaited<ReturnType<typeof startCollector>>;
	let env: KieN8n;
	let url: string;

	beforeAll(async () => {
		sim = await simulatorLib.createSimulator({
			taskDurationMs: 1000,
			videoSizeBytes: VIDEO_BYTES,
			callbackRetryDelayMs: 1000,
		});
		collector = await startCollector();
		env = await startN8nWithKie({
			tag: 'kie-trigger-answer',
			credentials: [kieCredential(CRED, sim)],
			workflows: [
				triggerWorkflow({
					id: WF,
					name: 'e2e KIE trigger, slow status API, 1 GiB results',
					webhookId: HOOK,
					credentialId: CRED,
					collectorUrl: collector.url,
					idPrefix: '7e137e10',
					triggerOptions: { downloadResult: true },
				}),
			],
		});
		url = env.n8n.webhookUrl(`${HOOK}/kie`);
		await waitFor(
			'the trigger webhook to be registered',
			async () => (await post(url, { hello: 1 })).status === 400,
			15_000,
		);
	});

	afterAll(async () => {
		await env?.stop();
		await sim?.close();
		await collector?.close();
	});

	test('every callback is answered 2xx within 15 s at the first attempt; one execution per task, the video stored whole', async () => {
		sim.injectFault({
			method: 'GET',
			path: RUNWAY_STATUS_PATH,
			kind: 'slow',
			delayMs: STATUS_DELAY_MS,
			times: 10_000,
		});
		sim.setCallbackBehaviour({ mode: 'duplicate', times: COPIES });
		const taskIds: string[] = [];
		// One task ends every 1.5 s, so callbacks keep arriving while earlier runs confirm and download.
		for (let i = 0; i < TASKS; i++) {
			taskIds.push(
				await createSimTask(sim, RUNWAY_CREATE_PATH, {
					prompt: `slow status ${i}`,
					duration: 5,
					quality: '720p',
					aspectRatio: '16:9',
					callBackUrl: `${url}?model=runway&reference=slow-${i}`,
				}),
			);
			await sleep(1500);
		}
		await waitFor(
			'every copy of every callback to be answered',
			() => sim.callbacks.length >= TASKS * COPIES,
			5 * 60_000,
			1000,
		);
		const executions = await waitFor(
			'one finished execution per task',
			async () => {
				const all = await executionsOf(env.userFolder, WF);
				return all.length >= TASKS && all.every((e) => e.status === 'success') && all;
			},
			10 * 60_000,
			3000,
		);
		await sleep(3000); // a late extra execution would show up now

		const answers = sim.callbacks.map((c) => ({
			taskId: c.taskId,
			status: c.status,
			attempt: c.attempt,
			ms: c.at - c.sentAt,
		}));
		const answerMs = answers.map((a) => a.ms);
		const figures = {
			callbacks: answers.length,
			answerP50Ms: percentile(answerMs, 50),
			answerP99Ms: percentile(answerMs, 99),
			answerMaxMs: Math.max(...answerMs),
			statusCalls: sim.count(RUNWAY_STATUS),
		};
		log(`answers: ${JSON.stringify(figures)}`);
		// KIE's side: every attempt answered 2xx in time, none retried.
		expect(answers.filter((a) => a.status !== 200)).toEqual([]);
		expect(answers.filter((a) => a.attempt > 1)).toEqual([]);
		expect(answers).toHaveLength(TASKS * COPIES);
		expect(figures.answerP99Ms).toBeLessThan(KIE_ANSWER_LIMIT_MS);

		// n8n's side: exactly one execution per task, its item confirmed and its video stored whole.
		const all = await executionsOf(env.userFolder, WF);
		expect(all).toHaveLength(TASKS);
		const items = executions.map(
			(execution) => execution.data.resultData.runData['KIE Trigger'][0].data.main[0][0],
		);
		expect(items.map((item) => item.json.taskId).sort()).toEqual([...taskIds].sort());
		for (const item of items) {
			const i = taskIds.indexOf(item.json.taskId);
			expect(item.json).toMatchObject({
				status: 'succeeded',
				confirmed: true,
				reference: `slow-${i}`,
				videoUrl: `${sim.baseUrl}/files/${item.json.taskId}.mp4`,
			});
			expect(item.json.downloadError).toBeUndefined();
			const binaryId = String(item.binary?.data?.id ?? '');
			const file = storedFile(env.userFolder, binaryId.split('/').pop() ?? '');
			expect(file).toBeDefined();
			expect(fs.statSync(file!).size).toBe(VIDEO_BYTES);
			expect(await sha256Of(file!)).toBe(
				simulatorLib.expectedVideoSha256(item.json.taskId, VIDEO_BYTES),
			);
			fs.rmSync(file!); // 1 GiB each: free the disk as the test goes
		}
		// One confirmation per task: duplicates never reached a run.
		expect(figures.statusCalls).toBe(TASKS);
		// The runs recorded their task ids in n8n's database, where other processes look too.
		const [row] = (await host.sqliteQuery(
			env.userFolder,
			'SELECT value FROM processed_data WHERE workflowId = ?',
			[WF],
		)) as Array<{ value: string }>;
		expect(JSON.parse(row.value)).toMatchObject({ mode: 'entries' });
		expect(JSON.parse(row.value).data).toHaveLength(TASKS);
	});
});
