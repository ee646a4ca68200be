import { createHash } from 'crypto';

import { KIE_CREATE_LIMIT } from '../kie/constants';
import { pause } from './pause';

/**
 * A sliding-window limiter for create calls. A slot counts from the moment its response arrived
 * (KIE saw the request before that), and an in-flight request holds its slot, so the client never
 * sends a 21st request inside any window KIE can observe, without a safety margin to tune.
 */
export class SlidingWindowLimiter {
	private readonly slots: number[] = [];

	constructor(
		readonly max: number,
		readonly windowMs: number,
	) {}

	/** Waits for a free slot; returns a function to call when the request's answer arrived. */
	async acquire(signal?: AbortSignal): Promise<(sent?: boolean) => void> {
		for (;;) {
			if (signal?.aborted) throw new Error('The execution was cancelled');
			const now = Date.now();
			while (this.slots.length > 0 && this.slots[0] + this.windowMs <= now) this.slots.shift();
			if (this.slots.length < this.max) break;
			const wait = Number.isFinite(this.slots[0]) ? this.slots[0] + this.windowMs - now : 25;
			await pause(Math.max(1, Math.min(wait, 250)), signal);
		}
		this.insert(Infinity);
		return (sent = true) => {
			this.remove(Infinity);
			if (sent) this.insert(Date.now());
		};
	}

	private insert(at: number): void {
		const index = this.slots.findIndex((existing) => existing > at);
		if (index === -1) this.slots.push(at);
		else this.slots.splice(index, 0, at);
	}

	private remove(at: number): void {
		const index = this.slots.lastIndexOf(at);
		if (index !== -1) this.slots.splice(index, 1);
	}
}

const limiters = new Map<string, SlidingWindowLimiter>();

/** One limiter per KIE account (base URL + key) for everything this n8n process sends. */
export function limiterFor(baseUrl: string, apiKey: string): SlidingWindowLimiter {
	// Keyed by a digest so the key itself is never held outside the credential.
	const key = `${baseUrl}|${createHash('sha256').update(apiKey).digest('hex').slice(0, 16)}`;
	let limiter = limiters.get(key);
	if (!limiter) {
		limiter = new SlidingWindowLimiter(KIE_CREATE_LIMIT.max, KIE_CREATE_LIMIT.windowMs);
		limiters.set(key, limiter);
	}
	return limiter;
}
