import { ExecuteContext, WebhookContext } from 'n8n-core';

import { kieEngine, runKie, startSimulator, type Simulator } from './kie-helpers';
import type { Engine } from './harness';

// n8n 1.x gives nodes no `this.customData` (only expressions get `$execution.customData`). These
// tests take the getter away from n8n-core's contexts to run callback mode as on 1.x: the task list
// goes through `$execution.customData` and survives the wait; with neither, callback mode is refused
// before anything is sent to KIE.

let sim: Simulator;
let engine: Engine;

const callbackRun = {
	resource: 'runway',
	operation: 'generate',
	prompt: 'A comet',
	completion: 'callback',
	completionOptions: { timeoutMinutes: 5 },
};

/** Removes `name` from the prototype chains of both contexts; returns what puts it back. */
function hideFromContexts(name: string): () => void {
	const owners = new Map<object, PropertyDescriptor>();
	for (const context of [ExecuteContext, WebhookContext]) {
		let proto: object | null = context.prototype;
		while (proto && !Object.prototype.hasOwnProperty.call(proto, name))
			proto = Object.getPrototypeOf(proto) as object | null;
		if (proto && !owners.has(proto))
			owners.set(proto, Object.getOwnPropertyDescriptor(proto, name)!);
	}
	for (const owner of owners.keys()) delete (owner as Record<string, unknown>)[name];
	return () => {
		for (const [owner, original] of owners) Object.defineProperty(owner, name, original);
	};
}

beforeAll(async () => {
	sim = await startSimulator({ taskDurationMs: 1500, callbackRetryDelayMs: 200 });
});
afterAll(async () => {
	await sim.close();
});
beforeEach(async () => {
	sim.reset();
	engine = kieEngine(sim);
	await engine.listen();
});
afterEach(async () => {
	await engine.close();
});

test('without this.customData (n8n 1.x): the task list goes through $execution.customData, the run resumes with every result', async () => {
	const restore = hideFromContexts('customData');
	try {
		const run = await runKie(engine, callbackRun, [{ json: { i: 0 } }, { json: { i: 1 } }]);
		expect(run.status).toBe('waiting');
		expect(Object.keys(run.customData).some((key) => key.startsWith('kie_'))).toBe(true);
		const finished = await engine.whenFinished(run, 30_000);
		expect(finished.status).toBe('success');
		const items = finished.output('KIE');
		expect(items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded']);
		expect(items.map((item) => item.json.taskId)).toEqual(sim.tasks().map((task) => task.taskId));
	} finally {
		restore();
	}
});

test('with no custom data for nodes at all: callback mode is refused before any request, naming poll and the trigger', async () => {
	const restoreGetter = hideFromContexts('customData');
	const original = ExecuteContext.prototype.evaluateExpression;
	ExecuteContext.prototype.evaluateExpression = function (expression: string, itemIndex: number) {
		if (expression.includes('$execution.customData'))
			throw new Error('$execution has no customData');
		return original.call(this, expression, itemIndex);
	};
	try {
		const run = await runKie(engine, callbackRun, [{ json: {} }]);
		expect(run.status).toBe('error');
		expect(run.error?.message).toBe(
			'Callback mode needs execution custom data, which this n8n does not offer to nodes',
		);
		expect(String(run.error?.description)).toMatch(
			/Poll.*Submit Only.*KIE Trigger.*Nothing was sent/s,
		);
		expect(sim.requests).toHaveLength(0);
	} finally {
		ExecuteContext.prototype.evaluateExpression = original;
		restoreGetter();
	}
});
