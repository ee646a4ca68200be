// What the real-n8n scenarios share: n8n's settings, the wait for executions, small formatters.

/** n8n runs with its defaults; BENCH_N8N_ENV (a JSON object) adds settings, e.g. to try a larger sqlite pool. */
export function n8nSettings(): Record<string, string> {
	return process.env.BENCH_N8N_ENV
		? (JSON.parse(process.env.BENCH_N8N_ENV) as Record<string, string>)
		: {};
}

/** How long the executions may take to finish after the last answer before the bench reads what there is. */
export const EXECUTIONS_WAIT_MS = 180_000;

export function settingsNote(): string {
	const extra = n8nSettings();
	return `n8n settings: its defaults (regular mode, sqlite)${Object.keys(extra).length ? ` plus BENCH_N8N_ENV ${JSON.stringify(extra)}` : ''}.`;
}

export const FINISHED = (status: string) => !['new', 'running', 'waiting'].includes(status);

export const ms = (value: number | null) => (value === null ? 'n/a' : `${value.toFixed(0)} ms`);

/** The real-n8n scenarios and their titles in the report. */
export const N8N_TITLES = { callback: '4. Callback mode', trigger: '6. Trigger' } as const;
export type N8nScenario = keyof typeof N8N_TITLES;
