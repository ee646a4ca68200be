// Figures 4 and 6 on one real n8n (scripts/lib/n8n-host, with the package installed from dist/):
// callback mode (Webhook -> Split Out -> KIE "callback" -> collector, 20 runs of 3 tasks) and the KIE
// Trigger (1,000 callbacks, 30 % duplicates, 50 concurrent). Each has its own simulator. Figure 6l:
// the trigger's 1,000 callbacks again on a second n8n, with n8n's lazy expression sandbox.
import {
	callbackModeWorkflow,
	chainWorkflow,
	collectorNode,
	kieCredential,
	type KieN8n,
	type Simulator,
	simulatorLib,
	startCollector,
	startN8nWithKie,
	webhookNode,
	type WorkflowNode,
} from '../test/e2e/helpers';
import { progress, type ScenarioReport } from './report';
import {
	CALLBACK_PATH,
	CALLBACK_TASK_MS,
	CALLBACK_WORKFLOW,
	callbackMode,
	waitReferenceWorkflow,
} from './n8n-callback';
import { N8N_TITLES, n8nSettings, type N8nScenario } from './n8n-common';
import {
	REFERENCE_PATH,
	REFERENCE_WORKFLOW,
	SANDBOX_REFERENCE_PATH,
	SANDBOX_REFERENCE_WORKFLOW,
	trigger,
	triggerWorkflows,
} from './n8n-trigger';

export { N8N_TITLES, n8nSettings, type N8nScenario };

/**
 * n8n's setting for preparing its expression sandbox only when an expression needs one (n8n 2.40
 * config, default false: it prepares one for every webhook call to any node but its own static
 * Webhook node). Figure 6l runs the trigger's throughput on an n8n with it on.
 */
export const LAZY_SANDBOX_ENV = { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' } as const;
export const TRIGGER_LAZY_TITLE = "6l. Trigger, n8n's lazy expression sandbox";

/** Starts one real n8n for the chosen scenarios and measures them; a scenario that fails yields its error. */
export async function benchN8n(
	scenarios: readonly N8nScenario[],
): Promise<Array<{ name: N8nScenario; outcome: ScenarioReport | Error }>> {
	return await onOneN8n(scenarios, n8nSettings(), (env, triggerSim) => trigger(env, triggerSim));
}

/**
 * Figure 6l: the trigger's 1,000 callbacks and n8n's Webhook node's, on a fresh n8n with its lazy
 * expression sandbox on (the same POSTs and workflows as figure 6, nothing else measured).
 */
export async function benchTriggerLazySandbox(): Promise<ScenarioReport> {
	const [{ outcome }] = await onOneN8n(
		['trigger'],
		{ ...n8nSettings(), ...LAZY_SANDBOX_ENV },
		(env, triggerSim) =>
			trigger(env, triggerSim, { title: TRIGGER_LAZY_TITLE, throughputOnly: true }),
	);
	if (outcome instanceof Error) throw outcome;
	return outcome;
}

async function onOneN8n(
	scenarios: readonly N8nScenario[],
	n8nEnv: Record<string, string>,
	measureTrigger: (env: KieN8n, triggerSim: Simulator) => Promise<ScenarioReport>,
): Promise<Array<{ name: N8nScenario; outcome: ScenarioReport | Error }>> {
	const callbackSim = await simulatorLib.createSimulator({
		taskDurationMs: CALLBACK_TASK_MS,
		callbackRetryDelayMs: 500,
	});
	const triggerSim = await simulatorLib.createSimulator({
		taskDurationMs: 0,
		rateLimit: { max: 1_000_000, windowMs: 10_000 },
	});
	const collector = await startCollector();
	let env: KieN8n | undefined;
	try {
		progress('n8n: installing the package into a fresh user folder and starting real n8n…');
		env = await startN8nWithKie({
			tag: 'bench-n8n',
			credentials: [
				kieCredential('benchCbCred00001', callbackSim),
				kieCredential('benchTrigCred001', triggerSim),
			],
			workflows: [
				callbackModeWorkflow({
					id: CALLBACK_WORKFLOW,
					name: 'bench callback mode',
					webhookPath: CALLBACK_PATH,
					credentialId: 'benchCbCred00001',
					collectorUrl: collector.url,
					idPrefix: 'be0c0b00',
				}),
				waitReferenceWorkflow(collector.url),
				...triggerWorkflows('benchTrigCred001', collector.url),
				chainWorkflow(REFERENCE_WORKFLOW, "bench reference: n8n's Webhook node", [
					webhookNode(REFERENCE_PATH, { responseMode: 'onReceived' }),
					collectorNode(collector.url) as WorkflowNode,
				]),
				chainWorkflow(
					SANDBOX_REFERENCE_WORKFLOW,
					"bench reference: n8n's Webhook node with an expression",
					[
						webhookNode(SANDBOX_REFERENCE_PATH, {
							responseMode: 'onReceived',
							options: { ignoreBots: '={{ false }}' },
						}),
						collectorNode(collector.url) as WorkflowNode,
					],
				),
			],
			env: n8nEnv,
		});
		const measure = {
			callback: () => callbackMode(env!, callbackSim, collector),
			trigger: () => measureTrigger(env!, triggerSim),
		};
		const outcomes: Array<{ name: N8nScenario; outcome: ScenarioReport | Error }> = [];
		for (const name of scenarios)
			outcomes.push({ name, outcome: await measure[name]().catch((error: Error) => error) });
		return outcomes;
	} finally {
		await env?.stop();
		await callbackSim.close();
		await triggerSim.close();
		await collector.close();
	}
}
