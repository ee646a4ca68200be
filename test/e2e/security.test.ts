// Security checks on real n8n 2.40.7 (debug logging on), against the simulator:
//   1. Trigger refusals start nothing and cost nothing: signatures for another task, from the future, in
//      the wrong encoding, without a timestamp; oversized and non-JSON bodies on a signed trigger; and a
//      refused forgery does not use up the task's one execution. (kie-trigger.test.ts has the basic
//      forged / stale / missing cases.)
//   2. With "Confirm with KIE API" on, the URLs the trigger passes on are KIE's: a tampered but validly
//      signed callback yields the API's URLs (and the video from there), and one for a task still
//      running yields no URL at all.
//   3. The API key, a wrong key and the webhook HMAC key appear nowhere: not in the n8n log, the user
//      folder (database with every execution, errors and binary metadata, binary files), executions
//      read over REST, the HTTP answers this test received, or what downstream nodes got; after success
//      paths, error paths (401, 422, 500, time limit, failed task, failed download), callback mode,
//      an upload and the trigger. Positive controls prove each search would find a key that is there.
// Run: npm run build && npx jest --selectProjects e2e --runInBand --testPathPatterns security
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	callbackModeWorkflow,
	chainWorkflow,
	createSimTask,
	finishedRunwayTask,
	CREDENTIAL_TYPE,
	executionEnd,
	type Execution,
	executionsOf,
	expectRefusedOrCutOff,
	filesWithSecretsIn,
	host,
	type KieN8n,
	kieNode,
	lastRunOutput,
	logger,
	n8nNode,
	post,
	postMayBeCutOff,
	runwayGenerateParameters,
	secretsInContent,
	type Simulator,
	simulatorLib,
	sleep,
	startCollector,
	startN8nWithKie,
	type TriggerAnswer,
	triggerWorkflow,
	waitFor,
	webhookNode,
} from './helpers';

jest.setTimeout(15 * 60_000);

const log = logger('security');
const secret = (label: string) => `${label}-${crypto.randomBytes(12).toString('hex')}`;
const API_KEY = secret('kie-api-key');
const WRONG_KEY = secret('kie-wrong-key');
const HMAC_KEY = secret('kie-hmac-key');
const SECRETS = { API_KEY, WRONG_KEY, HMAC_KEY };

const CRED = 'kieSecurityCred1';
const BAD_CRED = 'kieSecurityBad01';
const WF = {
	poll: 'kieSecPollWf0001',
	badKey: 'kieSecBadKeyWf01',
	upload: 'kieSecUploadWf01',
	callback: 'kieSecCallbackW1',
	trigger: 'kieSecTriggerWf1',
};
const HOOK = {
	poll: 'sec-poll',
	badKey: 'sec-bad-key',
	upload: 'sec-upload',
	callback: 'sec-callback',
};
const TRIGGER_WEBHOOK_ID = 'c3c3c3c3-0000-4000-8000-00000000cccc';
const FORGED_URL = 'https://attacker.invalid/forged.mp4';
const VIDEO_SIZE = 200_000;

/** Which of this test's secrets (by name) a text or buffer contains, in any of their forms. */
const secretsIn = (content: string | Buffer) => secretsInContent(SECRETS, content);
/** Every file under a folder that contains one of this test's secrets: `path: names`. */
const filesWithSecrets = (folder: string) => filesWithSecretsIn(SECRETS, folder);

describe('security on real n8n', () => {
	let sim: Simulator;
	let collector: Awaited<ReturnType<typeof startCollector>>;
	let env: KieN8n;
	let triggerUrl: string;
	const credentials = [
		{
			id: CRED,
			name: CRED,
			type: CREDENTIAL_TYPE,
			data: { apiKey: API_KEY, webhookHmacKey: HMAC_KEY } as Record<string, unknown>,
		},
		{
			id: BAD_CRED,
			name: BAD_CRED,
			type: CREDENTIAL_TYPE,
			data: { apiKey: WRONG_KEY, webhookHmacKey: HMAC_KEY } as Record<string, unknown>,
		},
	];
	/** Every HTTP answer this test received from n8n. */
	const answers: string[] = [];
	const record = <T extends { text: string }>(answer: T): T => {
		answers.push(answer.text);
		return answer;
	};

	beforeAll(async () => {
		// 'sim-key' is for the test's own calls (createSimTask); the credential uses API_KEY.
		sim = await simulatorLib.createSimulator({
			apiKeys: ['sim-key', API_KEY],
			hmacKey: HMAC_KEY,
			taskDurationMs: 1500,
			recordNullMs: 200,
			videoSizeBytes: VIDEO_SIZE,
			callbackRetryDelayMs: 300,
		});
		collector = await startCollector();
		for (const credential of credentials)
			Object.assign(credential.data, { baseUrl: sim.baseUrl, uploadBaseUrl: sim.uploadBaseUrl });
		const generate = runwayGenerateParameters({
			downloadResult: true,
			pollIntervalSeconds: 1,
			timeoutMinutes: '={{ $json.timeoutMinutes }}',
		});
		const itemsFlow = (
			id: string,
			webhookPath: string,
			credentialId: string,
			parameters: Record<string, unknown>,
		) =>
			chainWorkflow(id, `e2e security ${webhookPath}`, [
				webhookNode(webhookPath),
				n8nNode('Split Out', 'n8n-nodes-base.splitOut', 1, {
					fieldToSplitOut: 'body.items',
					include: 'noOtherFields',
					options: {},
				}),
				kieNode('KIE', credentialId, parameters),
			]);
		env = await startN8nWithKie({
			tag: 'security',
			credentials: credentials,
			workflows: [
				itemsFlow(WF.poll, HOOK.poll, CRED, generate),
				itemsFlow(WF.badKey, HOOK.badKey, BAD_CRED, generate),
				itemsFlow(WF.upload, HOOK.upload, CRED, {
					resource: 'file',
					operation: 'upload',
					source: 'url',
					fileUrl: '={{ $json.fileUrl }}',
				}),
				callbackModeWorkflow({
					id: WF.callback,
					name: 'e2e security callback',
					webhookPath: HOOK.callback,
					credentialId: CRED,
					collectorUrl: collector.url,
					idPrefix: '5ec0ca11',
				}),
				triggerWorkflow({
					id: WF.trigger,
					name: 'e2e security trigger',
					webhookId: TRIGGER_WEBHOOK_ID,
					credentialId: CRED,
					collectorUrl: collector.url,
					idPrefix: '5ec07a16',
					triggerOptions: { downloadResult: true },
				}),
			],
			env: { N8N_LOG_LEVEL: 'debug' },
		});
		triggerUrl = env.n8n.webhookUrl(`${TRIGGER_WEBHOOK_ID}/kie`);
		// Registered? (a just-started n8n may answer 404 for a moment); a body without "code" starts nothing.
		await waitFor(
			'the trigger webhook',
			async () => (await post(triggerUrl, { hello: 1 })).status === 400,
			15_000,
		);
	});

	afterAll(async () => {
		await env?.stop();
		await sim?.close();
		await collector?.close();
	});

	const triggerExecutions = async () => await executionsOf(env.userFolder, WF.trigger);
	const signed = (taskId: string, timestamp = Math.floor(Date.now() / 1000)) => ({
		'X-Webhook-Timestamp': String(timestamp),
		'X-Webhook-Signature': simulatorLib.signCallback(HMAC_KEY, taskId, timestamp),
	});
	const runwayCallback = (taskId: string, videoUrl: string, imageUrl = '') => ({
		code: 200,
		msg: 'All generated successfully.',
		data: { task_id: taskId, video_id: 'v', video_url: videoUrl, image_url: imageUrl },
	});
	/** A finished Runway task with no callback of its own (the test posts callbacks for it). */
	const finishedTask = (prompt: string) => finishedRunwayTask(sim, prompt);

	describe('trigger refusals start nothing', () => {
		test('signatures for another task, from the future, hex-encoded, or without a timestamp: 401, no execution, no KIE call', async () => {
			const taskId = await finishedTask('refusals');
			const other = await finishedTask('another task');
			const now = Math.floor(Date.now() / 1000);
			const body = runwayCallback(taskId, `${sim.baseUrl}/files/${taskId}.mp4`);
			const hex = crypto.createHmac('sha256', HMAC_KEY).update(`${taskId}.${now}`).digest('hex');
			const executions0 = (await triggerExecutions()).length;
			const statusCalls0 = sim.count('GET /api/v1/runway/record-detail');
			const refused = {
				otherTasksSignature: await post<TriggerAnswer>(triggerUrl, body, signed(other, now)),
				fromTheFuture: await post<TriggerAnswer>(triggerUrl, body, signed(taskId, now + 10 * 60)),
				hexSignature: await post<TriggerAnswer>(triggerUrl, body, {
					'X-Webhook-Timestamp': String(now),
					'X-Webhook-Signature': hex,
				}),
				noTimestamp: await post<TriggerAnswer>(triggerUrl, body, {
					'X-Webhook-Signature': signed(taskId, now)['X-Webhook-Signature'],
				}),
			};
			for (const answer of Object.values(refused)) record(answer);
			log(
				`refusals: ${JSON.stringify(Object.fromEntries(Object.entries(refused).map(([k, v]) => [k, [v.status, v.body]])))}`,
			);
			for (const answer of Object.values(refused)) {
				expect(answer.status).toBe(401);
				expect(answer.body.error).toMatch(/^Signature refused: /);
			}
			await sleep(1500);
			expect((await triggerExecutions()).length).toBe(executions0);
			expect(sim.count('GET /api/v1/runway/record-detail')).toBe(statusCalls0);

			// The refused forgeries did not use up the task's one execution: KIE's real callback starts it.
			const genuine = record(
				await post(`${triggerUrl}?model=runway&reference=genuine`, body, signed(taskId)),
			);
			expect(genuine.status).toBe(200);
			expect(genuine.body).toEqual({ received: true });
			await waitFor(
				'the genuine execution',
				async () =>
					(await triggerExecutions()).length === executions0 + 1 &&
					collector.received.some((c) => c.body?.taskId === taskId),
				20_000,
			);
			await sleep(1000);
			expect((await triggerExecutions()).length).toBe(executions0 + 1);
			expect(collector.received.filter((c) => c.body?.taskId === taskId)).toHaveLength(1);
		});

		test('oversized and non-JSON bodies on a trigger with an HMAC key: refused, no execution', async () => {
			const taskId = sim.tasks()[0].taskId;
			const executions0 = (await triggerExecutions()).length;
			const collected0 = collector.received.length;
			const huge = JSON.stringify({
				...runwayCallback(taskId, `${sim.baseUrl}/files/${taskId}.mp4`),
				msg: 'x'.repeat(17 * 1024 * 1024),
			});
			// n8n may answer and close before the 17 MB are written: the write's EPIPE counts as refused.
			const oversized = await postMayBeCutOff(triggerUrl, huge, signed(taskId));
			expectRefusedOrCutOff(oversized);
			const refused = {
				notJson: await post(triggerUrl, '{"code": 200, "data": {"task_id"', {
					'content-type': 'application/json',
					...signed(taskId),
				}),
				formEncoded: await post(triggerUrl, `code=200&task_id=${taskId}`, {
					'content-type': 'application/x-www-form-urlencoded',
					...signed(taskId),
				}),
			};
			for (const answer of [...Object.values(refused), { text: oversized.text ?? '' }])
				record(answer);
			log(
				`bad bodies: ${JSON.stringify({ oversized: oversized.status ?? oversized.closedWith, ...Object.fromEntries(Object.entries(refused).map(([k, v]) => [k, v.status])) })}`,
			);
			// n8n itself refuses bodies over N8N_PAYLOAD_SIZE_MAX (16 MB) and broken JSON before the node runs;
			// a form would reach the node as an object that reads like a callback: the trigger takes JSON only.
			for (const answer of Object.values(refused))
				expect(answer.status).toBeGreaterThanOrEqual(400);
			expect(refused.notJson.status).toBeLessThan(500);
			expect(refused.formEncoded.status).toBe(415);
			expect(refused.formEncoded.body).toEqual({
				error: 'KIE callbacks are JSON, not "application/x-www-form-urlencoded"',
			});
			await sleep(1500);
			expect((await triggerExecutions()).length).toBe(executions0);
			expect(collector.received.length).toBe(collected0);
		});
	});

	describe("with confirmation on, the trigger passes on only KIE's URLs", () => {
		test("a signed callback whose body was tampered with: the API's URLs in the output, the video from there", async () => {
			const taskId = await finishedTask('tampered');
			const executions0 = (await triggerExecutions()).length;
			const answer = record(
				await post(
					`${triggerUrl}?model=runway`,
					runwayCallback(taskId, FORGED_URL, FORGED_URL),
					signed(taskId),
				),
			);
			expect(answer.status).toBe(200);
			const collected = await waitFor(
				'the execution',
				() => collector.received.find((c) => c.body?.taskId === taskId),
				20_000,
			);
			const json = collected.body;
			expect(json).toMatchObject({
				taskId,
				status: 'succeeded',
				confirmed: true,
				videoUrl: `${sim.baseUrl}/files/${taskId}.mp4`,
				thumbnailUrl: `${sim.baseUrl}/files/${taskId}.png`,
			});
			expect(json.videoUrls).toEqual([`${sim.baseUrl}/files/${taskId}.mp4`]);
			expect(json.downloadError).toBeUndefined();
			// The body is echoed as received under `callback.body` (documented); nothing else carries its URL.
			expect(json.callback?.body.data.video_url).toBe(FORGED_URL);
			expect(JSON.stringify({ ...json, callback: undefined })).not.toContain('attacker');
			const execution = await executionEnd(
				triggerExecutions,
				WF.trigger,
				(await triggerExecutions())[0].id,
				20_000,
			);
			expect((await triggerExecutions()).length).toBe(executions0 + 1);
			const [item] = execution.data.resultData.runData['KIE Trigger'][0].data.main[0];
			expect(item.binary?.data).toMatchObject({ fileName: `${taskId}.mp4`, mimeType: 'video/mp4' });
			// The video came from KIE's file host, under the task's path.
			expect(sim.requests.filter((r) => r.path === `/files/${taskId}.mp4`)).toHaveLength(1);
		});

		test('a signed callback for a task KIE has not finished: passed on without any URL, nothing downloaded', async () => {
			sim.configure({ taskDurationMs: 10 * 60_000 });
			const taskId = await createSimTask(sim, '/api/v1/runway/generate', {
				prompt: 'still running',
				duration: 5,
				quality: '720p',
				aspectRatio: '16:9',
			});
			sim.configure({ taskDurationMs: 1500 });
			const answer = record(
				await post(
					`${triggerUrl}?model=runway`,
					runwayCallback(taskId, FORGED_URL, FORGED_URL),
					signed(taskId),
				),
			);
			expect(answer.status).toBe(200);
			const collected = await waitFor(
				'the execution',
				() => collector.received.find((c) => c.body?.taskId === taskId),
				20_000,
			);
			const json = collected.body;
			expect(json).toMatchObject({
				taskId,
				confirmed: false,
				videoUrl: null,
				videoUrls: [],
				thumbnailUrl: null,
			});
			expect(json.confirmError).toMatch(
				/^KIE's API reports the task as (unknown|queued|processing)\. The callback's URLs were not passed on: fetch the task with the Get operation\.$/,
			);
			expect(json.downloadError).toBeUndefined();
			expect(JSON.stringify({ ...json, callback: undefined })).not.toContain('attacker');
			expect(sim.requests.filter((r) => r.path.startsWith(`/files/${taskId}`))).toHaveLength(0);
		});
	});

	describe('no secret anywhere', () => {
		/** Runs one webhook-started workflow to its end; returns the execution. */
		async function runFlow(
			workflowId: string,
			webhookPath: string,
			items: Array<Record<string, unknown>>,
		) {
			const known = new Set((await executionsOf(env.userFolder, workflowId)).map((e) => e.id));
			record(await host.callWebhook(env.n8n, webhookPath, { items }));
			return await waitFor(
				`${webhookPath} to end`,
				async () =>
					(await executionsOf(env.userFolder, workflowId)).find(
						(e) => !known.has(e.id) && !['new', 'running', 'waiting'].includes(e.status),
					),
				120_000,
				500,
			);
		}
		const errorOf = (execution: Execution) => execution.data.resultData.error?.message;

		test('success and error paths, callback mode, an upload, the trigger and credential tests leave no key in logs, data or answers', async () => {
			const tasksBefore = new Set(sim.tasks().map((t) => t.taskId));
			const answersBefore = answers.length;
			const outcomes: Record<string, string | undefined> = {};
			const ok = await runFlow(WF.poll, HOOK.poll, [{ prompt: 'security ok', timeoutMinutes: 2 }]);
			expect(ok.status).toBe('success');
			const [okItem] = ok.data.resultData.runData.KIE[0].data.main[0];
			expect(okItem.binary?.data).toMatchObject({ mimeType: 'video/mp4' });

			outcomes.wrongKey = errorOf(
				await runFlow(WF.badKey, HOOK.badKey, [{ prompt: 'security 401', timeoutMinutes: 2 }]),
			);
			sim.injectFault({ method: 'POST', path: '/api/v1/runway/generate', kind: 'code422' });
			outcomes.code422 = errorOf(
				await runFlow(WF.poll, HOOK.poll, [{ prompt: 'security 422', timeoutMinutes: 2 }]),
			);
			sim.injectFault({ method: 'POST', path: '/api/v1/runway/generate', kind: 'code500' });
			outcomes.code500 = errorOf(
				await runFlow(WF.poll, HOOK.poll, [{ prompt: 'security 500', timeoutMinutes: 2 }]),
			);
			outcomes.failedTask = errorOf(
				await runFlow(WF.poll, HOOK.poll, [{ prompt: 'security [fail]', timeoutMinutes: 2 }]),
			);
			sim.injectFault({ method: 'GET', path: '/files/*', kind: 'http500' });
			outcomes.failedDownload = errorOf(
				await runFlow(WF.poll, HOOK.poll, [{ prompt: 'security download', timeoutMinutes: 2 }]),
			);
			sim.configure({ taskDurationMs: 60_000 });
			outcomes.timeLimit = errorOf(
				await runFlow(WF.poll, HOOK.poll, [{ prompt: 'security slow', timeoutMinutes: 0.1 }]),
			);
			sim.configure({ taskDurationMs: 1500 });
			log(`error paths: ${JSON.stringify(outcomes)}`);
			expect(outcomes).toEqual({
				wrongKey: 'KIE rejected the API key (code 401): You do not have access permissions',
				code422: expect.stringContaining('KIE rejected the parameters (code 422)'),
				code500: expect.stringContaining('KIE reported a server error (code 500)'),
				failedTask: expect.stringMatching(/^KIE task \S+ failed: /),
				failedDownload: 'Could not download the result video of 1 finished KIE task(s)',
				timeLimit: '1 KIE task(s) did not finish in time',
			});

			const upload = await runFlow(WF.upload, HOOK.upload, [{ fileUrl: okItem.json.videoUrl }]);
			expect(upload.status).toBe('success');
			expect(
				sim.requests.some((r) => r.listener === 'upload' && r.path === '/api/file-url-upload'),
			).toBe(true);

			// Callback mode: signed callbacks from the simulator resume the run.
			const callbackKnown = new Set(
				(await executionsOf(env.userFolder, WF.callback)).map((e) => e.id),
			);
			record(
				await host.callWebhook(env.n8n, HOOK.callback, {
					items: [{ prompt: 'security callback', ref: 'sec', timeoutMinutes: 2 }],
				}),
			);
			const callbackRun = await waitFor(
				'the callback-mode run to end',
				async () =>
					(await executionsOf(env.userFolder, WF.callback)).find(
						(e) => !callbackKnown.has(e.id) && e.status === 'success',
					),
				120_000,
				500,
			);
			expect(lastRunOutput(callbackRun, 'KIE')[0].json.status).toBe('succeeded');

			// The trigger, fed by the simulator's own signed callback (with a download).
			const triggered = await createSimTask(sim, '/api/v1/runway/generate', {
				prompt: 'security trigger',
				duration: 5,
				quality: '720p',
				aspectRatio: '16:9',
				callBackUrl: `${triggerUrl}?model=runway&reference=sec`,
			});
			await waitFor(
				'the trigger run',
				() =>
					collector.received.find((c) => c.body?.taskId === triggered && c.body.confirmed === true),
				30_000,
			);

			// n8n's credential test, with the right and the wrong key.
			const test = async (data: Record<string, unknown>) => {
				const result = await host.testCredential(env.n8n, { type: CREDENTIAL_TYPE, data });
				answers.push(JSON.stringify(result));
				return result;
			};
			expect((await test(credentials[0].data)).status).toBe('OK');
			expect(await test(credentials[1].data)).toMatchObject({
				status: 'Error',
				message: expect.stringContaining('KIE rejected the API key (code 401)'),
			});
			await sleep(2000); // let n8n write its last log lines and save the last executions

			// Where a key could end up.
			const restExecutions = JSON.stringify(await host.getExecutions(env.n8n));
			const logText = fs.readFileSync(env.n8n.logFile, 'utf8');
			const sources: Record<string, string> = {
				n8nLog: logText,
				restExecutions,
				httpAnswers: answers.join('\n'),
				downstreamItems: JSON.stringify(collector.received),
			};

			// Positive controls: each search finds a key that is there, in each form.
			expect(secretsIn(JSON.stringify(credentials)).sort()).toEqual([
				'API_KEY',
				'HMAC_KEY',
				'WRONG_KEY',
			]);
			expect(secretsIn(Buffer.from(`Authorization: Bearer ${API_KEY}`).toString('base64'))).toEqual(
				['API_KEY'],
			);
			expect(secretsIn(Buffer.from(`x${HMAC_KEY}`).toString('base64url'))).toEqual(['HMAC_KEY']);
			for (const [name, text] of Object.entries(sources))
				expect([name, secretsIn(`${text}\n${JSON.stringify({ leaked: WRONG_KEY })}`)]).toEqual([
					name,
					['WRONG_KEY'],
				]);
			const control = path.join(env.userFolder, '.n8n', 'positive-control.bin');
			fs.writeFileSync(
				control,
				Buffer.concat([
					crypto.randomBytes(64),
					Buffer.from(Buffer.from(`Bearer ${API_KEY}`).toString('base64')),
				]),
			);
			expect(filesWithSecrets(env.userFolder)).toContain(
				`${path.join('.n8n', 'positive-control.bin')}: API_KEY`,
			);
			fs.rmSync(control);

			// The material searched is the real thing: debug lines, every run's data, binary metadata, answers.
			expect(logText).toMatch(/debug/i);
			const tasksHere = sim.tasks().filter((t) => !tasksBefore.has(t.taskId));
			log(
				`searched: log ${logText.length} chars, REST executions ${restExecutions.length} chars, ${answers.length} answers, ${collector.received.length} downstream items`,
			);
			expect(tasksHere.length).toBe(6);
			for (const task of tasksHere) expect(restExecutions).toContain(task.taskId);
			expect(restExecutions).toContain('"mimeType":"video/mp4"');
			expect(answers.length - answersBefore).toBe(11); // 9 webhook calls and 2 credential tests

			for (const [name, text] of Object.entries(sources))
				expect([name, secretsIn(text)]).toEqual([name, []]);
			expect(filesWithSecrets(env.userFolder)).toEqual([]);
		});
	});
});
