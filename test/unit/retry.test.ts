import { backoffDelay, isRetryable, DEFAULT_RETRY } from '../../nodes/Kie/transport';
import { SlidingWindowLimiter } from '../../nodes/Kie/transport/rateLimit';

describe('retry rules', () => {
	it.each([408, 429, 455, 500])('retries status reads on code %i', (code) => {
		expect(isRetryable('read', { type: 'code', code })).toBe(true);
	});

	it.each([400, 401, 402, 404, 422, 451, 501, 505])('does not retry code %i', (code) => {
		expect(isRetryable('read', { type: 'code', code })).toBe(false);
		expect(isRetryable('create', { type: 'code', code })).toBe(false);
	});

	it('retries a create only when KIE surely did not take it', () => {
		expect(isRetryable('create', { type: 'code', code: 429 })).toBe(true);
		expect(isRetryable('create', { type: 'code', code: 455 })).toBe(true);
		expect(isRetryable('create', { type: 'network', code: 'ECONNREFUSED' })).toBe(true);
		expect(isRetryable('create', { type: 'code', code: 500 })).toBe(false);
		expect(isRetryable('create', { type: 'code', code: 408 })).toBe(false);
		expect(isRetryable('create', { type: 'network', code: 'ECONNRESET' })).toBe(false);
		expect(isRetryable('create', { type: 'timeout' })).toBe(false);
		expect(isRetryable('read', { type: 'timeout' })).toBe(true);
		expect(isRetryable('read', { type: 'network', code: 'ECONNRESET' })).toBe(true);
	});

	it('backs off exponentially with jitter, capped, and honours Retry-After', () => {
		const policy = DEFAULT_RETRY.read;
		for (let attempt = 0; attempt < 8; attempt++) {
			const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
			const delays = Array.from({ length: 50 }, () => backoffDelay(policy, attempt));
			expect(Math.min(...delays)).toBeGreaterThanOrEqual(ceiling / 2);
			expect(Math.max(...delays)).toBeLessThanOrEqual(ceiling);
			expect(new Set(delays).size).toBeGreaterThan(1);
		}
		expect(backoffDelay(policy, 0, 5000)).toBe(5000);
	});
});

describe('SlidingWindowLimiter', () => {
	it('never lets more than max requests start within any window', async () => {
		const limiter = new SlidingWindowLimiter(3, 300);
		const started: number[] = [];
		const t0 = Date.now();
		await Promise.all(
			Array.from({ length: 7 }, async () => {
				const release = await limiter.acquire();
				started.push(Date.now() - t0);
				release();
			}),
		);
		started.sort((a, b) => a - b);
		for (let i = 3; i < started.length; i++)
			expect(started[i] - started[i - 3]).toBeGreaterThanOrEqual(300);
		// 7 requests at 3 per 300 ms need two full windows, and not much more.
		expect(started[6]).toBeGreaterThanOrEqual(600);
		expect(started[6]).toBeLessThan(900);
	});

	it('counts a slot from when the answer arrived, and holds it while in flight', async () => {
		const limiter = new SlidingWindowLimiter(1, 200);
		const release = await limiter.acquire();
		const t0 = Date.now();
		let second = 0;
		const waiting = limiter.acquire().then((r) => {
			second = Date.now() - t0;
			r();
		});
		await new Promise((resolve) => setTimeout(resolve, 150));
		release(); // the answer arrives at ~150 ms: the next slot opens at ~350 ms
		await waiting;
		expect(second).toBeGreaterThanOrEqual(340);
	});

	it('gives the slot back when the request never left (connection refused)', async () => {
		const limiter = new SlidingWindowLimiter(1, 10_000);
		(await limiter.acquire())(false);
		const t0 = Date.now();
		(await limiter.acquire())();
		expect(Date.now() - t0).toBeLessThan(100);
	});

	it('stops waiting when the execution is cancelled', async () => {
		const limiter = new SlidingWindowLimiter(1, 10_000);
		(await limiter.acquire())();
		const abort = new AbortController();
		setTimeout(() => abort.abort(), 50);
		await expect(limiter.acquire(abort.signal)).rejects.toThrow('cancelled');
	});
});
