// jest setupFiles: runs before each test file. Keeps n8n-core's instance settings out of the user's home.
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// One folder per jest worker process (not per test file), so a run leaves a handful, not hundreds.
const userFolder = path.join(tmpdir(), `kling-n8n-test-${process.pid}`);
mkdirSync(userFolder, { recursive: true });
process.env.N8N_USER_FOLDER = userFolder;
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'false';
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
process.env.N8N_LOG_LEVEL = 'silent';
