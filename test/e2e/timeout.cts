// setupFilesAfterEnv of the e2e project: real n8n processes start in seconds, a cold one in up to a minute.
jest.setTimeout(300_000);
