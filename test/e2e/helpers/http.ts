// Small HTTP and timing tools of the e2e tests: a collector server, a POST that never throws, polling.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { host, type ItemJson } from './n8n';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Collected {
	query: Record<string, string>;
	/** The item's json the collector node posted. */
	body: ItemJson;
	at: number;
}

/** An HTTP server that records every POST body (JSON, else answered 400) with its query, answering 200. */
export async function startCollector() {
	const received: Collected[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const url = new URL(req.url ?? '/', 'http://x');
			let body: ItemJson;
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
			} catch {
				res.statusCode = 400;
				res.end('not JSON');
				return;
			}
			received.push({ query: Object.fromEntries(url.searchParams), body, at: Date.now() });
			res.setHeader('content-type', 'application/json');
			res.end('{"ok":true}');
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		received,
		close: () => new Promise<void>((r) => server.close(() => r())),
	};
}

/**
 * POST a body (object: JSON, string: as is) to a URL; never throws on HTTP errors. The answer's body
 * is its JSON (typed `T` by a caller that knows the shape), else its text.
 */
export async function post<T = unknown>(
	url: string,
	body: unknown,
	headers: Record<string, string> = {},
): Promise<{ status: number; body: T; text: string }> {
	// Header names are case-insensitive: a recorded 'Content-Type' replaces the default one.
	// Its own connection, as the n8n host's calls (an idle keep-alive socket can be closed under it).
	const merged: Record<string, string> = {
		...host.FRESH_CONNECTION,
		'content-type': 'application/json',
	};
	for (const [name, value] of Object.entries(headers)) {
		if (name.toLowerCase() !== 'content-length') merged[name.toLowerCase()] = value;
	}
	const res = await fetch(url, {
		method: 'POST',
		headers: merged,
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await res.text();
	let parsed: T;
	try {
		parsed = JSON.parse(text);
	} catch {
		parsed = text as T;
	}
	return { status: res.status, body: parsed, text };
}

/**
 * POST a body the server may refuse before reading it whole (n8n's body-size limit): the server can
 * answer and close while the body is still being written, so a write that fails with EPIPE or
 * ECONNRESET before any answer counts as the server closing the request (`closedWith`), not a
 * client error. Other errors throw.
 */
export function postMayBeCutOff(
	url: string,
	body: string,
	headers: Record<string, string> = {},
): Promise<{ status?: number; text?: string; closedWith?: string }> {
	return new Promise((resolve, reject) => {
		let status: number | undefined;
		const req = http.request(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...host.FRESH_CONNECTION, ...headers },
		});
		req.on('response', (res) => {
			status = res.statusCode;
			const chunks: Buffer[] = [];
			const settle = () => resolve({ status, text: Buffer.concat(chunks).toString('utf8') });
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', settle);
			res.on('error', settle);
		});
		req.on('error', (error: NodeJS.ErrnoException) => {
			if (status !== undefined) return; // the answer came; its 'end' settles
			if (error.code === 'EPIPE' || error.code === 'ECONNRESET')
				resolve({ closedWith: error.code });
			else reject(error);
		});
		req.end(body);
	});
}

/** Checks that n8n refused a body it may close on unread: an HTTP error, or the write cut off. */
export function expectRefusedOrCutOff(answer: { status?: number; closedWith?: string }) {
	if (answer.status === undefined) expect(['EPIPE', 'ECONNRESET']).toContain(answer.closedWith);
	else expect(answer.status).toBeGreaterThanOrEqual(400);
}

/** Polls until `check` returns a truthy value, or throws after timeoutMs. */
export async function waitFor<T>(
	what: string,
	check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
	timeoutMs = 60_000,
	everyMs = 250,
	detail?: () => unknown,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value as T;
		if (Date.now() > deadline)
			throw new Error(
				`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `; ${JSON.stringify(detail())}` : ''}`,
			);
		await sleep(everyMs);
	}
}
