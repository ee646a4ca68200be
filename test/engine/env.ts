// Imported by harness/ before anything from n8n-core: n8n-core reads N8N_USER_FOLDER
// (instance settings, encryption key, binary data folder) when its modules first load.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_USER_FOLDER = mkdtempSync(path.join(tmpdir(), 'kie-engine-'));
}
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
process.env.N8N_LOG_LEVEL ??= 'silent';

export const userFolder = process.env.N8N_USER_FOLDER;
