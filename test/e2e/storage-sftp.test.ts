// The KIE node's downloaded video handed to a stock n8n storage node on a real server: n8n 2.40.7's FTP
// node in SFTP mode uploads each result to an OpenSSH server this test starts (Debian's sshd, key
// login), and the files on the server are byte for byte the simulator's videos.
// Webhook -> Code (prompts) -> KIE Runway Generate (poll, Download Result) -> FTP (SFTP upload).
// Needs /usr/sbin/sshd (Debian's openssh-server; .ci/run installs it).
// Run: npm run build && npx jest --selectProjects e2e --runInBand --testPathPatterns storage-sftp
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	chainWorkflow,
	host,
	type KieN8n,
	kieCredential,
	kieNode,
	type N8nHandle,
	n8nNode,
	runwayGenerateParameters,
	type Simulator,
	simulatorLib,
	type Sshd,
	startN8nWithKie,
	startSshd,
	webhookNode,
} from './helpers';

const { createSimulator, expectedVideoSha256 } = simulatorLib;

const VIDEO_SIZE = 5 * 1024 * 1024 + 777; // several SFTP writes, not a multiple of any chunk size
const KIE_CRED = 'kieSimSftpCred';
const SFTP_CRED = { id: 'sftpE2eCred0001', name: 'SFTP (test sshd)' };
const WF_ID = 'kieE2eSftpUpld1';
const PROMPTS = ['A paper boat on a rain puddle', 'Neon signs reflected in a wet street'];

const sha256 = (file: string) =>
	crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('KIE video -> n8n FTP node (SFTP) -> a real OpenSSH server', () => {
	let sim: Simulator;
	let sshd: Sshd;
	let env: KieN8n;
	let n8n: N8nHandle;
	let remoteDir: string;

	beforeAll(async () => {
		sim = await createSimulator({
			host: '127.0.0.1',
			port: 0,
			uploadPort: 0,
			apiKeys: ['sim-key'],
			taskDurationMs: 2000,
			videoSizeBytes: VIDEO_SIZE,
		});
		sshd = await startSshd();
		// A folder that does not exist yet: the FTP node creates it on the server.
		remoteDir = path.join(sshd.filesDir, 'kie-videos');

		const upload = n8nNode('Upload via SFTP', 'n8n-nodes-base.ftp', 1.1, {
			protocol: 'sftp',
			operation: 'upload',
			path: `=${remoteDir}/{{ $json.taskId }}.mp4`,
			binaryData: true,
			binaryPropertyName: 'data',
			options: {},
		});
		upload.credentials = { sftp: SFTP_CRED };
		const workflow = chainWorkflow(WF_ID, 'KIE e2e: Runway videos to SFTP', [
			webhookNode('kie-to-sftp'),
			n8nNode('Prompts', 'n8n-nodes-base.code', 2, {
				jsCode: 'return $input.first().json.body.prompts.map((prompt) => ({ json: { prompt } }));',
			}),
			kieNode(
				'KIE Runway',
				KIE_CRED,
				runwayGenerateParameters({
					downloadResult: true,
					binaryPropertyName: 'data',
					pollIntervalSeconds: 1,
					timeoutMinutes: 5,
				}),
			),
			upload,
		]);
		env = await startN8nWithKie({
			tag: 'storage-sftp',
			credentials: [
				kieCredential(KIE_CRED, sim),
				{
					...SFTP_CRED,
					type: 'sftp',
					data: {
						host: '127.0.0.1',
						port: sshd.port,
						username: sshd.username,
						password: '',
						privateKey: sshd.privateKey,
						passphrase: '',
					},
				},
			],
			workflows: [workflow],
		});
		n8n = env.n8n;
	});

	afterAll(async () => {
		await env?.stop();
		await sshd?.stop();
		await sim?.close();
	});

	test('each generated video is uploaded by the FTP node over SFTP and lands on the server byte-identical', async () => {
		const t0 = Date.now();
		const res = await host.callWebhook(n8n, 'kie-to-sftp', { prompts: PROMPTS });
		expect(res.status).toBe(200);
		const exec = await host.waitForExecution(n8n, WF_ID);
		expect(exec.status).toBe('success');
		process.stderr.write(
			`[storage-sftp] ${PROMPTS.length} videos to SFTP in ${Date.now() - t0} ms\n`,
		);

		const kieOut = exec.data.resultData.runData['KIE Runway'][0].data.main[0];
		expect(kieOut).toHaveLength(PROMPTS.length);
		const uploaded = exec.data.resultData.runData['Upload via SFTP'][0].data.main[0];
		expect(uploaded.map((item) => item.json.taskId)).toEqual(
			kieOut.map((item) => item.json.taskId),
		);
		for (const [index, item] of kieOut.entries()) {
			const { taskId } = item.json;
			expect(item.json).toMatchObject({ status: 'succeeded', error: null });
			expect(sim.getTask(taskId)!.params.prompt).toBe(PROMPTS[index]);
			expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4' });
			const file = path.join(remoteDir, `${taskId}.mp4`);
			expect(fs.statSync(file).size).toBe(VIDEO_SIZE);
			expect(sha256(file)).toBe(expectedVideoSha256(taskId, VIDEO_SIZE));
		}
		expect(fs.readdirSync(remoteDir).sort()).toEqual(
			kieOut.map((item) => `${item.json.taskId}.mp4`).sort(),
		);
		// The bytes went through sshd: n8n logged in with the credential's key.
		expect(sshd.log()).toMatch(
			new RegExp(`Accepted publickey for ${sshd.username} from 127\\.0\\.0\\.1`),
		);
	});
});
