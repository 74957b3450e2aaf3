/** Three suites: pure units, workflows run in-process by n8n-core against the simulator, and real n8n. */
const common = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', isolatedModules: true }] },
	setupFiles: ['<rootDir>/test/harness/setup.ts'],
};

module.exports = {
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{ ...common, displayName: 'workflow', testMatch: ['<rootDir>/test/workflow/**/*.test.ts'] },
		// What ships: the packed tarball, checked like n8n's verification scanner does.
		{ ...common, displayName: 'package', testMatch: ['<rootDir>/test/package/**/*.test.ts'] },
		{
			...common,
			displayName: 'e2e',
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			// Installs the n8n runtime when it is missing (minutes, cold) and packs the built package once.
			globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
			globalTeardown: '<rootDir>/test/e2e/globalTeardown.ts',
			// Generous per-test timeout: each file drives real n8n processes (jest 29 has no per-project testTimeout).
			setupFilesAfterEnv: ['<rootDir>/test/e2e/timeout.ts'],
		},
	],
};
