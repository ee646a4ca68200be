// Figures, tables and the machine description printed by the bench and written to bench/RESULTS.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** One measured figure and the goal it is compared with (docs/design.md "The numbers to reach"). */
export interface Figure {
	name: string;
	value: number | null;
	unit: string;
	/** The goal's bound; value/limit is the ratio. */
	limit: number;
	/** 'max': value <= limit; 'exact': value === limit (compared after rounding to `digits`). */
	kind: 'max' | 'exact';
	digits?: number;
}

export interface Comparison {
	name: string;
	node: string;
	peer: string;
}

export interface ScenarioReport {
	title: string;
	figures: Figure[];
	comparison?: Comparison[];
	/** Figures without a goal of their own (parts of a measurement, references, counts). */
	details?: Array<{ name: string; value: string }>;
	/** How the figures were taken, in one or a few sentences each. */
	notes: string[];
}

export function goalMet(figure: Figure): boolean {
	if (figure.value === null || !Number.isFinite(figure.value)) return false;
	const value = Number(figure.value.toFixed(figure.digits ?? 2));
	return figure.kind === 'exact' ? value === figure.limit : value <= figure.limit;
}

function formatNumber(value: number | null, digits = 2): string {
	if (value === null || !Number.isFinite(value)) return 'n/a';
	return value.toFixed(digits);
}

function ratioOf(figure: Figure): string {
	if (figure.value === null || !Number.isFinite(figure.value)) return 'n/a';
	if (figure.limit === 0) return figure.value === 0 ? '0 (= goal)' : '∞';
	return `${(figure.value / figure.limit).toFixed(2)}×`;
}

export function markdownTable(header: string[], rows: string[][]): string {
	if (!rows.length) return '(none in this run)';
	const widths = header.map((cell, column) =>
		Math.max(cell.length, ...rows.map((row) => row[column].length)),
	);
	const line = (cells: string[]) =>
		`| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
	return [
		line(header),
		`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
		...rows.map(line),
	].join('\n');
}

/** The goals table: value, limit, ratio (value / limit), met. */
export function goalsTable(reports: ScenarioReport[]): string {
	const rows = reports.flatMap((report) =>
		report.figures.map((figure) => [
			report.title,
			figure.name,
			`${formatNumber(figure.value, figure.digits)} ${figure.unit}`.trim(),
			`${figure.kind === 'exact' ? '=' : '≤'} ${formatNumber(figure.limit, figure.digits)} ${figure.unit}`.trim(),
			ratioOf(figure),
			goalMet(figure) ? 'yes' : 'NO',
		]),
	);
	return markdownTable(['Scenario', 'Figure', 'Value', 'Limit', 'Ratio', 'Met'], rows);
}

/** The side-by-side table: the KIE node and a fixed 3-second poller on the same scenarios. */
export function comparisonTable(reports: ScenarioReport[]): string {
	const rows = reports.flatMap((report) =>
		(report.comparison ?? []).map((row) => [report.title, row.name, row.node, row.peer]),
	);
	return markdownTable(['Scenario', 'Figure', 'KIE node', 'Fixed 3-s poller'], rows);
}

/** Everything measured besides the goals. */
export function detailsTable(reports: ScenarioReport[]): string {
	const rows = reports.flatMap((report) =>
		(report.details ?? []).map((detail) => [report.title, detail.name, detail.value]),
	);
	return markdownTable(['Scenario', 'Figure', 'Value'], rows);
}

export interface Machine {
	date: string;
	cpu: string;
	cores: number;
	ramGiB: number;
	os: string;
	node: string;
	n8n: string;
	n8nCore: string;
	loadBefore: number[];
	loadAfter?: number[];
}

const REPO_ROOT = path.resolve(__dirname, '..');

export function describeMachine(): Machine {
	const hostPackage = JSON.parse(
		fs.readFileSync(path.join(REPO_ROOT, 'test', 'n8n-host', 'package.json'), 'utf8'),
	);
	const corePackage = JSON.parse(
		fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'n8n-core', 'package.json'), 'utf8'),
	);
	return {
		date: new Date().toISOString(),
		cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
		cores: os.cpus().length,
		ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
		os: `${os.type()} ${os.release()} ${os.arch()}`,
		node: process.version,
		n8n: String(hostPackage.dependencies.n8n),
		n8nCore: String(corePackage.version),
		loadBefore: os.loadavg(),
	};
}

const load = (values: number[]) => values.map((value) => value.toFixed(2)).join(', ');

export function machineLines(machine: Machine): string[] {
	const lines = [
		`Date: ${machine.date}`,
		`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, ${machine.os}`,
		`Node ${machine.node}; real n8n ${machine.n8n} (callback and trigger figures); n8n-core ${machine.n8nCore} (engine figures)`,
		`Load average (1, 5, 15 min) at start: ${load(machine.loadBefore)}${machine.loadAfter ? `; at end: ${load(machine.loadAfter)}` : ''}`,
	];
	const busiest = Math.max(machine.loadBefore[0], machine.loadAfter?.[0] ?? 0);
	if (busiest > machine.cores * 0.5) {
		lines.push(
			`Note: the machine was busy (1-min load ${busiest.toFixed(2)} on ${machine.cores} cores, other work running): latencies and throughput may be worse than on a quiet machine.`,
		);
	}
	return lines;
}

/** Everything the bench prints at the end, also the body of RESULTS.md. */
export function renderResults(machine: Machine, reports: ScenarioReport[]): string {
	const notes = reports.flatMap((report) => [
		`### ${report.title}`,
		'',
		...report.notes.map((note) => `- ${note}`),
		'',
	]);
	return [
		'# Benchmark results',
		'',
		'Written by `npm run bench` (see bench/README.md for what each figure means and how it is taken).',
		'',
		...machineLines(machine).map((line) => `${line}  `),
		'',
		'## Goals (docs/design.md "The numbers to reach")',
		'',
		'Ratio = value / limit (≤ 1.00× meets a "≤" goal).',
		'',
		goalsTable(reports),
		'',
		'## The KIE node next to a fixed 3-second poller (the request pattern of other KIE nodes)',
		'',
		comparisonTable(reports),
		'',
		'## Other figures',
		'',
		detailsTable(reports),
		'',
		'## How each figure was taken',
		'',
		...notes,
	].join('\n');
}

/** Progress on stderr, with the seconds since the bench started. */
const benchStarted = Date.now();
export function progress(line: string): void {
	process.stderr.write(`[bench +${((Date.now() - benchStarted) / 1000).toFixed(0)}s] ${line}\n`);
}

export function percentile(values: number[], p: number): number | null {
	if (!values.length) return null;
	const sorted = [...values].sort((a, b) => a - b);
	// nearest-rank: the smallest value with at least p % of the values at or below it
	const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
	return sorted[rank - 1];
}

export function median(values: number[]): number | null {
	return percentile(values, 50);
}
