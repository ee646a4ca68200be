import {
	AUTH,
	RUNWAY_OK,
	Sim,
	get,
	post,
	sleep,
	startReceiver,
	startSim,
	waitFor,
} from './helpers';

// The simulator restarting like KIE's API would: down for a while (connections refused), back on the
// same ports with every task kept. Also the signed result links option (links that expire).

let sim: Sim;
beforeEach(async () => {
	sim = await startSim({ taskDurationMs: 600 });
});
afterEach(() => sim.close());

/** The error code of a request that fails at the connection (ECONNREFUSED while the simulator is down). */
async function connectionError(url: string): Promise<string | undefined> {
	try {
		await fetch(url, { headers: AUTH });
		return undefined;
	} catch (error) {
		return (error as { cause?: { code?: string } }).cause?.code;
	}
}

describe('restart({ downMs })', () => {
	it('refuses connections while down, then serves the same tasks on the same ports', async () => {
		const baseUrl = sim.baseUrl;
		const uploadBaseUrl = sim.uploadBaseUrl;
		const before = (await post(baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.data.taskId;
		const events: string[] = [];
		sim.on('down', () => events.push('down'));
		sim.on('up', () => events.push('up'));

		const restarted = sim.restart({ downMs: 1000 });
		await waitFor(() => events.includes('down'));
		expect(await connectionError(`${baseUrl}/api/v1/chat/credit`)).toBe('ECONNREFUSED');
		expect(await connectionError(`${uploadBaseUrl}/api/file-url-upload`)).toBe('ECONNREFUSED');
		await restarted;
		expect(events).toEqual(['down', 'up']);

		expect(sim.baseUrl).toBe(baseUrl);
		expect(sim.uploadBaseUrl).toBe(uploadBaseUrl);
		// The task kept running while the API was down and is still known under its id.
		const record = await get(baseUrl, `/api/v1/runway/record-detail?taskId=${before}`);
		expect(record.body.data).toMatchObject({ taskId: before, state: 'success' });
		expect(sim.tasksCreated()).toBe(1);
		expect(sim.credits).toBe(10000 - 12);
		expect(sim.count('POST /api/v1/runway/generate')).toBe(1);
		// New work is taken as before.
		expect((await post(baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.code).toBe(200);
		expect(sim.tasksCreated()).toBe(2);
	});

	it('answers a request that is in progress when it goes down', async () => {
		sim.injectFault({ method: 'GET', path: '/api/v1/chat/credit', kind: 'slow', delayMs: 400 });
		const inFlight = get(sim.baseUrl, '/api/v1/chat/credit');
		await waitFor(() => sim.count('GET /api/v1/chat/credit') === 1);
		const restarted = sim.restart({ downMs: 200 });
		expect((await inFlight).body).toEqual({ code: 200, msg: 'success', data: 10000 });
		await restarted;
	});

	it('keeps sending callbacks for tasks that end while it is down', async () => {
		const receiver = await startReceiver();
		try {
			const { taskId } = (
				await post(sim.baseUrl, '/api/v1/runway/generate', {
					...RUNWAY_OK,
					callBackUrl: `${receiver.url}/cb`,
				})
			).body.data;
			await sim.restart({ downMs: 1200 });
			await waitFor(() => receiver.hits.length === 1, 3000);
			expect(receiver.hits[0].body?.data.task_id).toBe(taskId);
		} finally {
			await receiver.close();
		}
	});

	it('POST /__sim/restart answers, then goes down for downMs', async () => {
		const res = await fetch(`${sim.baseUrl}/__sim/restart`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ downMs: 800 }),
		});
		expect(await res.json()).toEqual({ ok: true, downMs: 800 });
		await sleep(200);
		expect(await connectionError(`${sim.baseUrl}/api/v1/chat/credit`)).toBe('ECONNREFUSED');
		await waitFor(
			async () => (await connectionError(`${sim.baseUrl}/api/v1/chat/credit`)) === undefined,
			5000,
			100,
		);
		expect((await get(sim.baseUrl, '/api/v1/chat/credit')).body.code).toBe(200);
	});

	it('close() during the downtime ends it for good', async () => {
		const baseUrl = sim.baseUrl;
		const restarted = sim.restart({ downMs: 300 });
		await sleep(50);
		await sim.close();
		await restarted;
		expect(await connectionError(`${baseUrl}/api/v1/chat/credit`)).toBe('ECONNREFUSED');
	});
});

describe('signedResultLinks', () => {
	it('record answers carry 20-minute links; an old link gets 403, a fresh record a working one', async () => {
		sim.configure({ signedResultLinks: true });
		const { taskId } = (await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.data;
		await waitFor(() => sim.getTask(taskId)!.state === 'success', 3000);
		const first = (await get(sim.baseUrl, `/api/v1/runway/record-detail?taskId=${taskId}`)).body
			.data.videoInfo.videoUrl;
		expect(first).toMatch(
			new RegExp(
				`^${sim.baseUrl}/files/${taskId}\\.mp4\\?X-Amz-Date=\\d+&X-Amz-Expires=1200&X-Amz-Signature=\\w+$`,
			),
		);
		expect((await fetch(first)).status).toBe(200);

		sim.advanceTime(21 * 60_000);
		const expired = await fetch(first);
		expect(expired.status).toBe(403);
		expect(await expired.text()).toBe('Request has expired');
		const fresh = (await get(sim.baseUrl, `/api/v1/runway/record-detail?taskId=${taskId}`)).body
			.data.videoInfo.videoUrl;
		expect(fresh).not.toBe(first);
		expect((await fetch(fresh)).status).toBe(200);
	});

	it('is off by default: plain result URLs', async () => {
		const { taskId } = (await post(sim.baseUrl, '/api/v1/runway/generate', RUNWAY_OK)).body.data;
		await waitFor(() => sim.getTask(taskId)!.state === 'success', 3000);
		const url = (await get(sim.baseUrl, `/api/v1/runway/record-detail?taskId=${taskId}`)).body.data
			.videoInfo.videoUrl;
		expect(url).toBe(`${sim.baseUrl}/files/${taskId}.mp4`);
	});
});
