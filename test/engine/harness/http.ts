// Resume URLs over real HTTP: a request to /webhook-waiting/<executionId>[/<path>] read into a
// ResumeRequest, and the express.Response stand-in a webhook() with `noWebhookResponse` answers on.
import type { IncomingMessage } from 'node:http';
import type { IHttpRequestMethods } from 'n8n-workflow';

import { type ResumeRequest, type WebhookAnswer, WaitingWebhookError } from './types';

/** The execution id and the call of a POST (or other) to a resume URL; 404 for any other path. */
export async function readWaitingRequest(
	req: IncomingMessage,
): Promise<{ executionId: string; request: ResumeRequest }> {
	const url = new URL(req.url ?? '/', 'http://127.0.0.1');
	const match = /^\/webhook-waiting\/([^/]+)(?:\/(.*))?$/.exec(url.pathname);
	if (!match) throw new WaitingWebhookError(404, 'Not found');
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	const raw = Buffer.concat(chunks).toString('utf8');
	const contentType = String(req.headers['content-type'] ?? '');
	let body: unknown = raw;
	if (contentType.includes('json') && raw) body = JSON.parse(raw);
	else if (contentType.includes('x-www-form-urlencoded'))
		body = Object.fromEntries(new URLSearchParams(raw));
	else if (!raw) body = {};
	const query: Record<string, string> = {};
	url.searchParams.forEach((value, key) => {
		query[key] = value;
	});
	const headers: Record<string, string> = {};
	for (const [key, value] of Object.entries(req.headers)) {
		if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
	}
	return {
		executionId: match[1],
		request: {
			method: (req.method ?? 'POST') as IHttpRequestMethods,
			path: match[2] ?? '',
			body,
			query,
			headers,
		},
	};
}

/** The bits of express.Response a webhook() with `noWebhookResponse` uses. */
export class CapturedResponse {
	statusCode = 200;
	private body: unknown;
	private readonly headers: Record<string, string> = {};
	headersSent = false;

	status(code: number) {
		this.statusCode = code;
		return this;
	}
	setHeader(name: string, value: string) {
		this.headers[name.toLowerCase()] = String(value);
		return this;
	}
	header(name: string | Record<string, string>, value?: string) {
		if (typeof name === 'string') return this.setHeader(name, value ?? '');
		for (const [key, v] of Object.entries(name)) this.setHeader(key, v);
		return this;
	}
	set(name: string | Record<string, string>, value?: string) {
		return this.header(name, value);
	}
	json(body: unknown) {
		this.body = body;
		this.headersSent = true;
		return this;
	}
	send(body: unknown) {
		return this.json(body);
	}
	end(body?: unknown) {
		if (body !== undefined) this.body = body;
		this.headersSent = true;
		return this;
	}
	answer(): WebhookAnswer {
		return { statusCode: this.statusCode, body: this.body, headers: { ...this.headers } };
	}
}
