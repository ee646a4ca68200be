// @ts-check
'use strict';
// A running n8n over HTTP: the owner's REST session, production webhooks, the credential test.
const { delay } = require('./common');

/** @typedef {import('./server').N8nHandle} N8nHandle */

const BROWSER_ID = 'n8n-host-e2e';

/**
 * Every call opens its own connection. Node's fetch keeps idle sockets and may reuse one at the
 * moment n8n (5 s idle timeout) closes it: "fetch failed: other side closed", seen under load.
 */
const FRESH_CONNECTION = { connection: 'close' };

/**
 * Log in as the env-managed owner; the cookie is kept on the handle for restCall. An n8n that does
 * not take its owner from env (1.x) asks for the owner's set-up first: done here, once.
 * @param {N8nHandle} handle @returns {Promise<string>}
 */
async function loginOwner(handle) {
	await setUpOwnerIfAsked(handle);
	const res = await fetch(`${handle.baseUrl}/rest/login`, {
		method: 'POST',
		headers: { ...FRESH_CONNECTION, 'content-type': 'application/json', 'browser-id': BROWSER_ID },
		body: JSON.stringify({
			emailOrLdapLoginId: handle.owner.email,
			password: handle.owner.password,
		}),
	});
	if (res.status !== 200) throw new Error(`login failed (${res.status}): ${await res.text()}`);
	const setCookie = res.headers.getSetCookie().map((c) => c.split(';')[0]);
	handle.cookie = setCookie.join('; ');
	return handle.cookie;
}

/** @param {N8nHandle} handle */
async function setUpOwnerIfAsked(handle) {
	const settings =
		/** @type {{ data?: { userManagement?: { showSetupOnFirstLoad?: boolean } } }} */ (
			await fetch(`${handle.baseUrl}/rest/settings`, {
				headers: { ...FRESH_CONNECTION, 'browser-id': BROWSER_ID },
			}).then((r) => r.json())
		);
	if (!settings?.data?.userManagement?.showSetupOnFirstLoad) return;
	const res = await fetch(`${handle.baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { ...FRESH_CONNECTION, 'content-type': 'application/json', 'browser-id': BROWSER_ID },
		body: JSON.stringify({
			email: handle.owner.email,
			firstName: 'Owner',
			lastName: 'Local',
			password: handle.owner.password,
		}),
	});
	if (res.status !== 200)
		throw new Error(`owner set-up failed (${res.status}): ${await res.text()}`);
}

/**
 * A call to n8n's internal REST API (`/rest/...`) as the owner; returns the JSON's `data`.
 * @param {N8nHandle} handle @param {string} method @param {string} p e.g. '/credentials/test' @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function restCall(handle, method, p, body) {
	if (!handle.cookie) await loginOwner(handle);
	const url = `${handle.baseUrl}/rest/${p.replace(/^\/+/, '').replace(/^rest\//, '')}`;
	const res = await fetch(url, {
		method,
		headers: {
			...FRESH_CONNECTION,
			cookie: /** @type {string} */ (handle.cookie),
			'browser-id': BROWSER_ID,
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await res.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	if (!res.ok) {
		const err = new Error(`${method} ${url} -> ${res.status}: ${text.slice(0, 500)}`);
		Object.assign(err, { status: res.status, body: json ?? text });
		throw err;
	}
	return json && typeof json === 'object' && 'data' in json ? json.data : (json ?? text);
}

/**
 * POST (or another method) to a production webhook; retries briefly on 404 (a just-started n8n may
 * not have registered it yet).
 * @param {N8nHandle} handle @param {string} p path after /webhook/ (or a full URL)
 * @param {unknown} [body] @param {{ method?: string, headers?: Record<string, string>, retryMs?: number }} [opts]
 * @returns {Promise<{ status: number, headers: Headers, text: string, body: any }>}
 */
async function callWebhook(
	handle,
	p,
	body,
	{ method = 'POST', headers = {}, retryMs = 15_000 } = {},
) {
	const url = /^https?:/.test(p) ? p : handle.webhookUrl(p);
	const deadline = Date.now() + retryMs;
	for (;;) {
		const res = await fetch(url, {
			method,
			headers: {
				...FRESH_CONNECTION,
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
				...headers,
			},
			body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
		});
		const text = await res.text();
		// 503: n8n 1.x is ready before it has activated its workflows, and says so meanwhile.
		if ((res.status === 404 || res.status === 503) && Date.now() < deadline) {
			await delay(250);
			continue;
		}
		let parsed;
		try {
			parsed = JSON.parse(text);
		} catch {
			parsed = text;
		}
		return { status: res.status, headers: res.headers, text, body: parsed };
	}
}

/**
 * n8n's own credential test (the editor's "Test" button: POST /rest/credentials/test with
 * `{ credentials: { id, name, type, data } }`). In n8n 2.40.7 `id` must be '' for unsaved data (the
 * owner may test those) or the id of a stored credential (the given data is tested, with redacted
 * secrets filled in from the stored one). Without `id`, the data is tested as unsaved.
 * @param {N8nHandle} handle @param {{ id?: string, name?: string, type: string, data: Record<string, unknown> }} credentials
 * @returns {Promise<{ status: 'OK' | 'Error', message: string }>}
 */
async function testCredential(handle, credentials) {
	/** @param {string} id */
	const test = async (id) =>
		await restCall(handle, 'POST', '/credentials/test', {
			credentials: {
				id,
				name: credentials.name ?? '',
				type: credentials.type,
				data: credentials.data,
			},
		});
	let data;
	try {
		data = await test(credentials.id ?? '');
	} catch (e) {
		// n8n 1.x tests stored credentials only (403 for unsaved data), as its editor saves before it
		// tests: store the data for the test, then delete it.
		if (credentials.id || /** @type {{ status?: number }} */ (e).status !== 403) throw e;
		const stored = await restCall(handle, 'POST', '/credentials', {
			name: credentials.name || 'credential test',
			type: credentials.type,
			data: credentials.data,
		});
		try {
			data = await test(stored.id);
		} finally {
			await restCall(handle, 'DELETE', `/credentials/${stored.id}`);
		}
	}
	return { status: data.status, message: data.message };
}

module.exports = {
	FRESH_CONNECTION,
	loginOwner,
	restCall,
	callWebhook,
	testCredential,
};
