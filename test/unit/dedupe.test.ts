// The trigger's record of task ids in n8n's database (helpers/dedupe.ts firstRunForTask). The stand-in
// for n8n's checkProcessedAndRecord does what n8n 2.40.7's DeduplicationHelper does for mode
// 'entries' (read the row, await, add the new ids, write the row back: no lock), so calls made at
// once would lose ids; the e2e tests run the real one (test/e2e/kie-trigger-answer.test.ts).
import type { IExecuteFunctions } from 'n8n-workflow';

import { firstRunForTask, SHARED_MAX_ENTRIES } from '../../nodes/Kie/helpers/dedupe';

const tick = () => new Promise((resolve) => setTimeout(resolve, 2));

/** One workflow's row, kept like n8n's processed_data, and a context whose helper reads and writes it. */
function n8nLike(workflowId: string, nodeId: string) {
	let row: string[] | undefined;
	const calls = { total: 0, atOnce: 0, mostAtOnce: 0, sizes: [] as number[] };
	const checkProcessedAndRecord = async (
		items: Array<string | number>,
		_scope: string,
		options: { maxEntries?: number },
	) => {
		calls.total++;
		calls.sizes.push(items.length);
		calls.mostAtOnce = Math.max(calls.mostAtOnce, ++calls.atOnce);
		const read = row ? [...row] : undefined;
		await tick();
		const known = new Set(read ?? []);
		const fresh = read ? items.filter((item) => !known.has(String(item))) : items;
		row = [...(read ?? []), ...fresh.map(String)].slice(-(options.maxEntries ?? Infinity));
		calls.atOnce--;
		return { new: fresh, processed: items.filter((item) => !fresh.includes(item)) };
	};
	const context = {
		getWorkflow: () => ({ id: workflowId }),
		getNode: () => ({ id: nodeId }),
		helpers: { checkProcessedAndRecord },
	} as unknown as IExecuteFunctions;
	return { context, calls, row: () => row };
}

describe('firstRunForTask', () => {
	test('50 runs at once for 20 tasks: each task first exactly once, one database call at a time, batched', async () => {
		const db = n8nLike('wf1', 'node1');
		const taskIds = Array.from({ length: 50 }, (_, i) => `task-${i % 20}`);
		const firsts = await Promise.all(taskIds.map((id) => firstRunForTask(db.context, id)));
		const firstIds = taskIds.filter((_, i) => firsts[i]);
		expect(firstIds.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `task-${i}`).sort());
		expect(db.calls.mostAtOnce).toBe(1);
		expect(db.calls.total).toBeLessThan(taskIds.length);
		expect(db.row()).toHaveLength(20);
		// Later copies, one by one, are known.
		expect(await firstRunForTask(db.context, 'task-3')).toBe(false);
		expect(await firstRunForTask(db.context, 'task-new')).toBe(true);
	});

	test('asks n8n to keep a bounded list', async () => {
		const db = n8nLike('wf2', 'node1');
		const seen: unknown[] = [];
		const record = db.context.helpers.checkProcessedAndRecord;
		(db.context.helpers as { checkProcessedAndRecord: unknown }).checkProcessedAndRecord = (
			...args: Parameters<typeof record>
		) => {
			seen.push(args[2]);
			return record(...args);
		};
		await firstRunForTask(db.context, 't');
		expect(seen).toEqual([{ mode: 'entries', maxEntries: SHARED_MAX_ENTRIES }]);
	});

	test('without a working helper, the memory of this process decides', async () => {
		const failing = {
			getWorkflow: () => ({ id: 'wf3' }),
			getNode: () => ({ id: 'node1' }),
			helpers: {
				checkProcessedAndRecord: async () => {
					throw new Error('Manager needs to initialized before use');
				},
			},
		} as unknown as IExecuteFunctions;
		const absent = {
			getWorkflow: () => ({ id: 'wf4' }),
			getNode: () => ({ id: 'node1' }),
			helpers: {},
		} as unknown as IExecuteFunctions;
		for (const context of [failing, absent]) {
			const answers = await Promise.all(['a', 'b', 'a'].map((id) => firstRunForTask(context, id)));
			expect(answers).toEqual([true, true, false]);
			expect(await firstRunForTask(context, 'b')).toBe(false);
		}
	});

	test('the first write of a row by two processes: the loser reads again and sees the winner', async () => {
		const db = n8nLike('wf5', 'node1');
		const record = db.context.helpers.checkProcessedAndRecord;
		let first = true;
		(db.context.helpers as { checkProcessedAndRecord: unknown }).checkProcessedAndRecord = async (
			...args: Parameters<typeof record>
		) => {
			if (first) {
				first = false;
				await record(['x'], 'node', { mode: 'entries' }); // the other process's insert
				throw new Error('UNIQUE constraint failed: processed_data.workflowId');
			}
			return await record(...args);
		};
		expect(await firstRunForTask(db.context, 'x')).toBe(false);
		expect(await firstRunForTask(db.context, 'y')).toBe(true);
	});

	test('a database failure that may have written the ids is not asked again: the task still runs', async () => {
		const db = n8nLike('wf6', 'node1');
		const record = db.context.helpers.checkProcessedAndRecord;
		let calls = 0;
		(db.context.helpers as { checkProcessedAndRecord: unknown }).checkProcessedAndRecord = async (
			...args: Parameters<typeof record>
		) => {
			calls++;
			await record(...args); // written, then the answer is lost
			throw new Error('Timeout waiting for lock SqliteWriteConnectionMutex');
		};
		expect(await firstRunForTask(db.context, 'z')).toBe(true);
		expect(calls).toBe(1);
		expect(db.row()).toEqual(['z']);
	});
});
