// A real OpenSSH server (Debian's openssh-server) for the storage e2e: one sshd on a free loopback
// port, run as the current user with a temp host key, key login for the current user only, SFTP by
// sshd's own internal-sftp. Its process group ends with stop() (and with the test process).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { exitOf, killGroupOnExit, stopGroup } from '../../../scripts/lib/process-group';
import { host } from './n8n';

const SSHD = '/usr/sbin/sshd';
const SSH_KEYGEN = 'ssh-keygen';
/** Where a root sshd insists on its privilege-separation chroot (Debian's ssh service creates it too). */
const PRIVSEP_DIR = '/run/sshd';
const READY_LINE = /Server listening on 127\.0\.0\.1 port \d+/;

export interface Sshd {
	port: number;
	/** The login name: the user this test runs as (sshd not run as root can log in only that user). */
	username: string;
	/** The client's private key in OpenSSH format, as n8n's SFTP credential takes it. */
	privateKey: string;
	/** A temp folder the user can write to: where uploads land. */
	filesDir: string;
	/** Everything sshd logged so far (-e: its log goes to stderr). */
	log(): string;
	stop(): Promise<void>;
}

function newKey(file: string) {
	execFileSync(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-C', 'kie-e2e', '-f', file]);
}

export async function startSshd({ timeoutMs = 15_000 } = {}): Promise<Sshd> {
	if (!fs.existsSync(SSHD))
		throw new Error(`${SSHD} is missing: install Debian's openssh-server (.ci/run does)`);
	if (process.getuid?.() === 0) fs.mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kie-sshd-'));
	const filesDir = path.join(dir, 'files');
	fs.mkdirSync(filesDir);
	newKey(path.join(dir, 'host_key'));
	newKey(path.join(dir, 'user_key'));
	fs.copyFileSync(path.join(dir, 'user_key.pub'), path.join(dir, 'authorized_keys'));
	const port = await host.freePort();
	const config = path.join(dir, 'sshd_config');
	fs.writeFileSync(
		config,
		[
			'ListenAddress 127.0.0.1',
			`Port ${port}`,
			`HostKey ${path.join(dir, 'host_key')}`,
			`PidFile ${path.join(dir, 'sshd.pid')}`,
			`AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
			// The key files sit under the world-writable temp dir, which StrictModes would refuse.
			'StrictModes no',
			// With PAM off, an sshd run as a user without a password (nobody) refused that user's key
			// login as "account is locked"; with PAM on it is accepted, as root and as not.
			'UsePAM yes',
			'PasswordAuthentication no',
			'KbdInteractiveAuthentication no',
			'PubkeyAuthentication yes',
			'Subsystem sftp internal-sftp',
			'',
		].join('\n'),
	);

	const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], {
		detached: true,
		stdio: ['ignore', 'ignore', 'pipe'],
	});
	killGroupOnExit(child);
	const exited = exitOf(child);
	let log = '';
	child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
	const stop = async () => {
		await stopGroup(child, exited, { signal: 'SIGTERM', timeoutMs: 5000 });
		fs.rmSync(dir, { recursive: true, force: true });
	};

	const deadline = Date.now() + timeoutMs;
	while (!READY_LINE.test(log)) {
		if (child.exitCode !== null || Date.now() > deadline) {
			await stop();
			throw new Error(`sshd did not start (exit ${child.exitCode}):\n${log}`);
		}
		await new Promise((r) => setTimeout(r, 50));
	}
	return {
		port,
		username: os.userInfo().username,
		privateKey: fs.readFileSync(path.join(dir, 'user_key'), 'utf8'),
		filesDir,
		log: () => log,
		stop,
	};
}
