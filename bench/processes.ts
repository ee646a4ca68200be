// What the memory benchmarks share: the simulator in a process of its own (so serving and receiving
// large files never runs in the measured process or in the bench's sampler), and the memory of other
// processes read from Linux's /proc: RSS now, the kernel's peak RSS (VmHWM) and its reset.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';

const REPO_ROOT = path.resolve(__dirname, '..');

export interface SimulatorProcess {
	baseUrl: string;
	uploadBaseUrl: string;
	pid: number;
	stop: () => Promise<void>;
}

/** scripts/simulator.js in its own process, serving result videos of `videoBytes`. */
export async function startSimulatorProcess(videoBytes: number): Promise<SimulatorProcess> {
	const child = spawn(
		process.execPath,
		[
			path.join(REPO_ROOT, 'scripts', 'simulator.js'),
			'--port',
			'0',
			'--upload-port',
			'0',
			'--task-duration-ms',
			'0',
			'--video-size-bytes',
			String(videoBytes),
		],
		{ stdio: ['ignore', 'pipe', 'inherit'] },
	);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const urls: Record<string, string> = {};
	const lines = readline.createInterface({ input: child.stdout! });
	await new Promise<void>((resolve, reject) => {
		child.once('exit', (code) => reject(new Error(`the simulator process exited (${code})`)));
		lines.on('line', (line) => {
			const match = /^\s*(API|Upload) base URL:\s*(\S+)/.exec(line);
			if (match) urls[match[1]] = match[2];
			if (urls.API && urls.Upload) resolve();
		});
	});
	return {
		baseUrl: urls.API,
		uploadBaseUrl: urls.Upload,
		pid: child.pid!,
		stop: async () => {
			child.kill('SIGTERM');
			await exited;
		},
	};
}

/** Changes a running simulator's options (its control API). */
export async function configureSimulator(
	baseUrl: string,
	patch: Record<string, unknown>,
): Promise<void> {
	const response = await fetch(`${baseUrl}/__sim/config`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(patch),
	});
	if (!response.ok) throw new Error(`simulator config failed: ${response.status}`);
}

export interface Memory {
	rssKiB: number;
	peakKiB: number;
}

/** RSS and peak RSS of a process; zeros once it has exited. */
export function memoryOf(pid: number): Memory {
	let status: string;
	try {
		status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	} catch {
		return { rssKiB: 0, peakKiB: 0 };
	}
	const field = (name: string) =>
		Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
	return { rssKiB: field('VmRSS'), peakKiB: field('VmHWM') };
}

/** Resets the kernel's peak-RSS counter (VmHWM) of a process; false where that is not allowed. */
export function resetPeak(pid: number): boolean {
	try {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}

/** The processes of a process group (n8n and its task runner share the group n8n leads). */
export function processGroup(groupId: number): number[] {
	const pids: number[] = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			// "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			if (Number(fields[2]) === groupId) pids.push(Number(entry));
		} catch {
			// the process ended while the list was read
		}
	}
	return pids;
}

export interface Sample {
	at: number;
	rssKiB: number;
}

/**
 * Samples the summed RSS of some processes every `everyMs` and reads their summed kernel peaks.
 * `pids` is called again now and then, so a process started meanwhile is counted too.
 */
export class MemorySampler {
	readonly samples: Sample[] = [];
	private timer: NodeJS.Timeout | undefined;
	private current: number[];
	private peaksReset = false;

	constructor(
		private readonly pids: () => number[],
		private readonly everyMs = 20,
	) {
		this.current = pids();
	}

	/** Summed RSS now, in KiB. */
	rssKiB(): number {
		return this.current.reduce((sum, pid) => sum + memoryOf(pid).rssKiB, 0);
	}

	/** Mean summed RSS over `ms` (taken every `everyMs`), in KiB: the baseline before a transfer. */
	async meanRssKiB(ms: number): Promise<number> {
		this.current = this.pids();
		const values: number[] = [];
		while (values.length * this.everyMs < ms) {
			values.push(this.rssKiB());
			await new Promise((resolve) => setTimeout(resolve, this.everyMs));
		}
		return values.reduce((sum, value) => sum + value, 0) / values.length;
	}

	/** Resets the peaks and starts sampling. */
	start(): void {
		this.current = this.pids();
		this.peaksReset = this.current.every(resetPeak);
		this.samples.length = 0;
		let ticks = 0;
		const sample = () => {
			if (++ticks % 25 === 0) this.current = this.pids();
			this.samples.push({ at: Date.now(), rssKiB: this.rssKiB() });
		};
		sample();
		this.timer = setInterval(sample, this.everyMs);
	}

	/**
	 * Stops sampling. Peak = the highest of the summed kernel peaks (when they could be reset) and
	 * the highest sample; a sum of per-process peaks can only overstate the group's peak.
	 */
	stop(): { peakKiB: number; kernelPeaks: boolean; sampledPeakKiB: number } {
		clearInterval(this.timer);
		this.samples.push({ at: Date.now(), rssKiB: this.rssKiB() });
		const sampledPeakKiB = Math.max(...this.samples.map((sample) => sample.rssKiB));
		const kernelPeakKiB = this.peaksReset
			? this.current.reduce((sum, pid) => sum + memoryOf(pid).peakKiB, 0)
			: 0;
		return {
			peakKiB: Math.max(kernelPeakKiB, sampledPeakKiB),
			kernelPeaks: this.peaksReset,
			sampledPeakKiB,
		};
	}

	/** The highest sample taken between two moments (epoch ms), or null when none was. */
	peakBetween(from: number, to: number): number | null {
		const inside = this.samples.filter((sample) => sample.at >= from && sample.at <= to);
		return inside.length ? Math.max(...inside.map((sample) => sample.rssKiB)) : null;
	}
}
