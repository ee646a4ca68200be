import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createEngine, type Engine } from './harness';
import { FixtureApi } from './fixtures/FixtureApi.credentials';
import { FixtureEcho } from './fixtures/FixtureEcho.node';
import { FixtureHttp } from './fixtures/FixtureHttp.node';
import { FixtureWait } from './fixtures/FixtureWait.node';

const HTTP = 'engine-fixtures.http';
const WAIT = 'engine-fixtures.wait';
const ECHO = 'engine-fixtures.echo';

let server: Server;
let baseUrl: string;
const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
const FILE_BYTES = 3 * 1024 * 1024 + 17;

beforeAll(async () => {
	server = createServer((req, res) => {
		seen.push({ url: req.url ?? '', headers: req.headers });
		if (req.url === '/thing') {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ ok: true, id: 'abc' }));
		} else if (req.url === '/fail') {
			res.writeHead(422, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ message: 'prompt is too long' }));
		} else if (req.url === '/file') {
			res.writeHead(200, { 'content-type': 'video/mp4' });
			const chunk = Buffer.alloc(64 * 1024, 7);
			let left = FILE_BYTES;
			const write = () => {
				while (left > 0) {
					const part = chunk.subarray(0, Math.min(chunk.length, left));
					left -= part.length;
					if (!res.write(part)) return void res.once('drain', write);
				}
				res.end();
			};
			write();
		} else {
			res.writeHead(404).end();
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

function engine(options: { deadlines?: 'manual' | 'auto' } = {}): Engine {
	return createEngine({
		nodeTypes: { [HTTP]: FixtureHttp, [WAIT]: FixtureWait, [ECHO]: FixtureEcho },
		credentialTypes: { fixtureApi: FixtureApi },
		credentials: {
			fixtureApi: { id: '1', name: 'Fixture', data: { apiKey: 'secret-key', baseUrl } },
		},
		...options,
	});
}

describe('engine harness: HTTP through n8n-core helpers', () => {
	test('httpRequestWithAuthentication applies the generic Bearer auth with defaults filled in', async () => {
		seen.length = 0;
		const run = await engine().run({
			nodes: [{ name: 'Call', type: HTTP, parameters: { operation: 'get', path: '/thing' } }],
			input: [{ json: { a: 1 } }, { json: { a: 2 } }],
		});
		expect(run.status).toBe('success');
		expect(run.executedNodes).toEqual(['Start', 'Call']);
		expect(run.output('Call').map((item) => item.json)).toEqual([
			{ ok: true, id: 'abc' },
			{ ok: true, id: 'abc' },
		]);
		expect(seen).toHaveLength(2);
		expect(seen[0].headers.authorization).toBe('Bearer secret-key');
		expect(seen[0].headers['x-extra']).toBe('from-default');
	});

	test('a NodeApiError fails the run with its message and node', async () => {
		const run = await engine().run({
			nodes: [{ name: 'Call', type: HTTP, parameters: { operation: 'get', path: '/fail' } }],
		});
		expect(run.status).toBe('error');
		expect(run.finished).toBe(false);
		// NodeApiError without an explicit message uses n8n's text for the status code;
		// the API's own message goes to description
		expect(run.error?.message).toBe(
			'Your request is invalid or could not be processed by the service',
		);
		expect(run.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '422',
			description: 'prompt is too long',
		});
		expect((run.error as { node?: { name: string } }).node?.name).toBe('Call');
		expect(run.nodeError('Call')?.message).toBe(run.error?.message);
		expect(JSON.stringify(run.data)).not.toContain('secret-key');
	});

	test('continueOnFail turns the error into an item and the workflow goes on', async () => {
		const run = await engine().run({
			nodes: [
				{
					name: 'Call',
					type: HTTP,
					parameters: { operation: 'get', path: '/fail' },
					onError: 'continueRegularOutput',
				},
				{ name: 'After', type: ECHO },
			],
		});
		expect(run.status).toBe('success');
		const [item] = run.output('After');
		expect(item.json.error).toBe(
			'Your request is invalid or could not be processed by the service',
		);
		expect(item.json.echoedBy).toBe('After');
	});

	test('a streamed download lands in the binary store and reads back with getBinaryStream', async () => {
		const run = await engine().run({
			nodes: [
				{ name: 'Download', type: HTTP, parameters: { operation: 'download', path: '/file' } },
			],
		});
		expect(run.error).toBeUndefined();
		const [item] = run.output('Download');
		expect(item.json.bytes).toBe(FILE_BYTES);
		expect(item.binary?.data.mimeType).toBe('video/mp4');
		expect(item.binary?.data.id).toMatch(/^filesystem/); // stored on disk, not inline base64
		expect(item.binary?.data.data).not.toHaveLength(FILE_BYTES);
	});

	test('cancel() aborts the execution cancel signal a polling node watches', async () => {
		const e = engine();
		const { executionId, result } = e.start({
			nodes: [{ name: 'Poll', type: HTTP, parameters: { operation: 'poll' } }],
		});
		await new Promise((resolve) => setTimeout(resolve, 150));
		expect(e.latest(executionId)).toBeUndefined();
		e.cancel(executionId);
		const run = await result;
		expect(run.status).toBe('canceled');
	});
});

describe('engine harness: putExecutionToWait and resume', () => {
	const nodes = [
		{ name: 'Wait', type: WAIT },
		{ name: 'After', type: ECHO },
	];

	test('waits, then resume() runs webhook() and continues with its workflowData', async () => {
		const e = engine();
		const run = await e.run({ nodes, input: [{ json: { n: 1 } }, { json: { n: 2 } }] });
		expect(run.status).toBe('waiting');
		expect(run.waitTill!.getTime()).toBeGreaterThan(Date.now() + 50_000);
		expect(run.executedNodes).toEqual(['Start', 'Wait']);
		expect(run.output('After')).toEqual([]);
		expect(run.customData.pendingTasks).toBe('task-0,task-1');
		expect(run.customData.resumeUrl).toMatch(
			new RegExp(
				`^http://127\\.0\\.0\\.1:5678/webhook-waiting/${run.executionId}\\?signature=[0-9a-f]{32}$`,
			),
		);

		const resumed = await e.resume(run, {
			nodeName: 'Wait',
			body: { done: true, taskId: 't1' },
			query: { extra: '1' },
		});
		expect(resumed.resumed).toBe(true);
		expect(resumed.answered).toEqual({
			statusCode: 200,
			body: { accepted: true, resumed: true },
			headers: {},
		});
		expect(resumed.status).toBe('success');
		expect(resumed.executionId).toBe(run.executionId);
		expect(resumed.executedNodes).toEqual(['Wait', 'After']);
		// the customData set in execute() before the wait was readable in webhook()
		const [waitOut] = resumed.output('Wait');
		expect(waitOut.json).toEqual({
			body: { done: true, taskId: 't1' },
			pendingBeforeWait: 'task-0,task-1',
			lastCallback: '',
			query: { extra: '1' },
		});
		expect(resumed.data.resultData.runData.Wait).toHaveLength(1);
		expect(resumed.output('After')[0].json.echoedBy).toBe('After');
		expect(resumed.output('After')[0].json.pendingBeforeWait).toBe('task-0,task-1');

		await expect(e.resume(run, { body: { done: true } })).rejects.toMatchObject({
			statusCode: 409,
		});
	});

	test('webhook() without workflowData answers and leaves the execution waiting (its customData changes dropped)', async () => {
		const e = engine();
		const run = await e.run({ nodes });
		const first = await e.resume(run, { body: { done: false, n: 1 } });
		expect(first).toMatchObject({ resumed: false, waiting: true, status: 'waiting' });
		expect(first.answered.body).toEqual({ accepted: true, pending: 'task-0', lastCallback: '1' });
		const second = await e.resume(run, { body: { done: true } });
		expect(second.status).toBe('success');
		// the execution was not saved after the first call, so its customData.set is gone
		expect(second.output('Wait')[0].json.lastCallback).toBe('');
		expect(second.customData.lastCallback).toBe('');
		expect(second.output('After')).toHaveLength(1);
	});

	test('webhook() throwing answers 500 and leaves the execution waiting', async () => {
		const e = engine();
		const run = await e.run({ nodes });
		const failed = await e.resume(run, { body: { fail: true } });
		expect(failed).toMatchObject({ resumed: false, status: 'waiting' });
		expect(failed.answered.statusCode).toBe(500);
		expect(failed.webhookError?.message).toBe('callback rejected');
		expect((await e.resume(run, { body: { done: true } })).status).toBe('success');
	});

	test('a wrong signature is refused with 401', async () => {
		const e = engine();
		const run = await e.run({ nodes });
		await expect(
			e.resume(run, { query: { signature: 'nope' }, body: { done: true } }),
		).rejects.toMatchObject({
			statusCode: 401,
		});
		expect(e.latest(run)?.status).toBe('waiting');
	});

	test('expire(): at the time limit the waiting node passes its input through', async () => {
		const e = engine();
		const run = await e.run({ nodes, input: [{ json: { n: 7 } }] });
		const expired = await e.expire(run);
		expect(expired.status).toBe('success');
		expect(expired.output('Wait').map((item) => item.json)).toEqual([{ n: 7 }]);
		expect(expired.output('After')[0].json).toEqual({ n: 7, echoedBy: 'After' });
	});

	test("deadlines: 'auto' expires a wait by itself when waitTill passes", async () => {
		const e = engine({ deadlines: 'auto' });
		const run = await e.run({
			nodes: [{ name: 'Wait', type: WAIT, parameters: { waitMs: 200 } }, nodes[1]],
		});
		expect(run.status).toBe('waiting');
		const done = await e.whenFinished(run, 5_000);
		expect(done.status).toBe('success');
		expect(done.output('After')).toHaveLength(1);
		await e.close();
	});

	test('listen(): real POSTs to $execution.resumeUrl resume the execution once', async () => {
		const e = engine();
		const base = await e.listen();
		try {
			const run = await e.run({ nodes });
			const resumeUrl = run.customData.resumeUrl;
			expect(resumeUrl.startsWith(`${base}/${run.executionId}?signature=`)).toBe(true);
			const post = async (body: object, url = resumeUrl) =>
				await fetch(url, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
				});

			const early = await post({ done: false });
			expect(early.status).toBe(200);
			expect(await early.json()).toEqual({ accepted: true, pending: 'task-0', lastCallback: '' });

			const last = await post({ done: true, via: 'http' }, `${resumeUrl}&taskId=t9`);
			expect(last.status).toBe(200);
			const done = await e.whenFinished(run);
			expect(done.status).toBe('success');
			expect(done.output('Wait')[0].json).toMatchObject({
				body: { done: true, via: 'http' },
				query: { taskId: 't9' },
			});

			const duplicate = await post({ done: true });
			expect(duplicate.status).toBe(409);
			expect((await fetch(`${base}/999`, { method: 'POST' })).status).toBe(404);
		} finally {
			await e.close();
		}
	});
});
