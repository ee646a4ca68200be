import {
	customDataRoom,
	keyPrefix,
	loadWaitingRun,
	MAX_CALLBACK_ITEMS,
	memoryOf,
	packTaskId,
	readWaitingRun,
	saveWaitingRun,
	unpackTaskId,
} from '../../nodes/Kie/helpers/waitState';
import { RecentKeys } from '../../nodes/Kie/helpers/dedupe';
import { signCallback, verifyCallbackSignature } from '../../nodes/Kie/kie/signature';

/** n8n's custom data store, with its real limits (10 keys, values cut at 512 characters). */
function customData() {
	const store: Record<string, string> = {};
	return {
		store,
		set(key: string, value: string) {
			if (!(key in store) && Object.keys(store).length >= 10) return;
			store[key] = String(value).slice(0, 512);
		},
		setAll(values: Record<string, string>) {
			Object.entries(values).forEach(([key, value]) => this.set(key, value));
		},
		get: (key: string) => store[key],
		getAll: () => ({ ...store }),
	};
}

describe('task list in custom data', () => {
	it.each([
		['ee603959-debb-48d1-98c4-a6d1c717eba6', 23],
		['774d9a7dd608a0e49293903095e45a4c', 23],
		['some-other_id', 14],
		[null, 1],
	])('packs %p in %i characters and back', (taskId, length) => {
		const packed = packTaskId(taskId);
		expect(packed).toHaveLength(length);
		expect(unpackTaskId(packed)).toBe(taskId);
	});

	it("round-trips the largest run across several keys within n8n's limits", () => {
		const data = customData();
		const taskIds = Array.from({ length: MAX_CALLBACK_ITEMS }, (_, i) =>
			i === 3 ? null : `${String(i).padStart(8, '0')}-debb-48d1-98c4-a6d1c717eba6`,
		);
		const run = { model: 'runway-extend' as const, deadline: 1795425227811, taskIds };
		expect(customDataRoom(data as never, 'node-1', run)).toMatchObject({ fits: true });
		saveWaitingRun(data as never, 'node-1', run);
		expect(Object.keys(data.store).length).toBeLessThanOrEqual(8);
		expect(loadWaitingRun(data as never, 'node-1')).toEqual(run);
		expect(MAX_CALLBACK_ITEMS).toBeGreaterThanOrEqual(150);
	});

	it("leaves room for the user's own custom data and says when a run does not fit", () => {
		const data = customData();
		for (let i = 0; i < 5; i++) data.set(`mine${i}`, 'x');
		const run = {
			model: 'runway' as const,
			deadline: 1,
			taskIds: Array.from({ length: 100 }, () => '774d9a7dd608a0e49293903095e45a4c'),
		};
		expect(customDataRoom(data as never, 'n', run)).toEqual({
			needed: 5,
			available: 3,
			fits: false,
		});
	});

	it('keeps runs of different nodes apart', () => {
		const data = customData();
		saveWaitingRun(data as never, 'a-1', {
			model: 'luma',
			deadline: 5,
			taskIds: ['774d9a7dd608a0e49293903095e45a4c'],
		});
		saveWaitingRun(data as never, 'b-2', { model: 'aleph', deadline: 6, taskIds: ['x'] });
		expect(loadWaitingRun(data as never, 'a-1')?.model).toBe('luma');
		expect(loadWaitingRun(data as never, 'b-2')?.taskIds).toEqual(['x']);
		expect(loadWaitingRun(data as never, 'c-3')).toBeNull();
	});

	it('remembers a run per process, and says when it is new', () => {
		const first = memoryOf('exec-1', 'node-1', 42);
		expect(first.fresh).toBe(true);
		first.run.resumed = true;
		const again = memoryOf('exec-1', 'node-1', 42);
		expect(again.fresh).toBe(false);
		expect(again.run.resumed).toBe(true);
		expect(memoryOf('exec-1', 'node-1', 43).fresh).toBe(true);
	});
});

describe('task list in a binary data file', () => {
	const run = {
		model: 'runway' as const,
		deadline: 1795425227811,
		taskIds: Array.from({ length: 100 }, (_, i) => `${String(i).padStart(8, '0')}-debb-48d1`),
	};
	/** The file's text as storeWaitingRun writes it: the run as saveWaitingRun packs it (in full while it fits). */
	function fileText() {
		const data = customData();
		saveWaitingRun(data as never, 'big', run);
		const prefix = keyPrefix('big');
		return Object.keys(data.store)
			.sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
			.map((key) => data.store[key])
			.join('');
	}
	/** Custom data pointing at file `id`, and helpers that serve the file and count its reads. */
	function webhookContext(id: string, failFirst = false) {
		const data = customData();
		data.set(`${keyPrefix('big')}0`, `@${id}`);
		const reads: string[] = [];
		const context = {
			helpers: {
				getBinaryStream: async (binaryId: string) => {
					reads.push(binaryId);
					await new Promise((r) => setTimeout(r, 20));
					if (failFirst && reads.length === 1) throw new Error('no connection');
					return fileText();
				},
				binaryToString: async (text: string) => text,
			},
		};
		return { data, reads, context };
	}

	it('is read once by callbacks that arrive together', async () => {
		const { data, reads, context } = webhookContext('database:together');
		const runs = await Promise.all(
			Array.from({ length: 50 }, () => readWaitingRun(context as never, data as never, 'big')),
		);
		expect(reads).toEqual(['database:together']);
		for (const read of runs) expect(read).toEqual(run);
		expect(await readWaitingRun(context as never, data as never, 'big')).toEqual(run);
		expect(reads).toHaveLength(1);
	});

	it('is read again after a read that failed', async () => {
		const { data, reads, context } = webhookContext('database:fails-once', true);
		const both = await Promise.allSettled([
			readWaitingRun(context as never, data as never, 'big'),
			readWaitingRun(context as never, data as never, 'big'),
		]);
		expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
		expect(await readWaitingRun(context as never, data as never, 'big')).toEqual(run);
		expect(reads).toHaveLength(2);
	});
});

describe('RecentKeys', () => {
	it('lets a key through once within the TTL and bounds its memory', () => {
		const keys = new RecentKeys(3, 1000);
		expect(keys.firstTime('a', 0)).toBe(true);
		expect(keys.firstTime('a', 500)).toBe(false);
		expect(keys.firstTime('a', 1500)).toBe(true);
		['b', 'c', 'd'].forEach((key) => keys.firstTime(key, 1600));
		// 'a' was the oldest and has been pushed out.
		expect(keys.firstTime('a', 1700)).toBe(true);
	});
});

describe('callback signatures', () => {
	// KIE's own example (docs/kie-api.md §6e) cannot be checked without its key; the scheme is checked here.
	const key = 'hmac-key';
	const now = 1_769_670_760;
	const headers = (signature: string, timestamp = now) => ({
		'x-webhook-timestamp': String(timestamp),
		'x-webhook-signature': signature,
	});

	it('accepts base64(HMAC-SHA256(taskId.timestamp)) in constant time', () => {
		const signature = signCallback(key, 'task-1', now);
		expect(signature).toMatch(/^[A-Za-z0-9+/]{43}=$/);
		expect(verifyCallbackSignature(key, 'task-1', headers(signature), { nowSeconds: now })).toEqual(
			{ ok: true },
		);
	});

	it.each([
		[
			'another task',
			() =>
				verifyCallbackSignature(key, 'task-2', headers(signCallback(key, 'task-1', now)), {
					nowSeconds: now,
				}),
			'does not match',
		],
		[
			'another key',
			() =>
				verifyCallbackSignature(key, 'task-1', headers(signCallback('other', 'task-1', now)), {
					nowSeconds: now,
				}),
			'does not match',
		],
		[
			'a stale timestamp',
			() =>
				verifyCallbackSignature(
					key,
					'task-1',
					headers(signCallback(key, 'task-1', now - 301), now - 301),
					{ nowSeconds: now },
				),
			'more than 300 s',
		],
		[
			'no signature',
			() =>
				verifyCallbackSignature(
					key,
					'task-1',
					{ 'x-webhook-timestamp': String(now) },
					{ nowSeconds: now },
				),
			'missing',
		],
		[
			'a timestamp in ms',
			() =>
				verifyCallbackSignature(key, 'task-1', headers('x', now * 1000 + 0.5), { nowSeconds: now }),
			'not a Unix time',
		],
	])('refuses %s', (_name, verdict, reason) => {
		const result = verdict();
		expect(result.ok).toBe(false);
		expect(!result.ok && result.reason).toContain(reason);
	});
});
