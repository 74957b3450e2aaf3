/**
 * The suites: pure units, workflows run in-process by n8n-core against the simulator, the packed tarball, real n8n,
 * and real n8n in queue mode (PostgreSQL, Redis, main, workers, webhook processors).
 */
const common = {
	testEnvironment: 'node',
	transform: { '^.+\\.c?ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	moduleFileExtensions: ['ts', 'cts', 'js', 'json'],
	setupFiles: ['<rootDir>/test/harness/setup.cts'],
};

const e2e = {
	...common,
	// Installs the n8n runtime when it is missing (minutes, cold) and packs the built package once.
	globalSetup: '<rootDir>/test/e2e/globalSetup.cts',
	globalTeardown: '<rootDir>/test/e2e/globalTeardown.cts',
	// Generous per-test timeout: each file drives real n8n processes (jest 29 has no per-project testTimeout).
	setupFilesAfterEnv: ['<rootDir>/test/e2e/timeout.cts'],
};

module.exports = {
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.cts'] },
		{
			...common,
			displayName: 'workflow',
			testMatch: ['<rootDir>/test/workflow/**/*.test.cts'],
			// Kling's minutes pass at once: jest's fake timers with a pump (harness/virtualTime.cts).
			setupFilesAfterEnv: ['<rootDir>/test/harness/virtualTimeSetup.cts'],
		},
		// What ships: the packed tarball, checked like n8n's verification scanner does.
		{ ...common, displayName: 'package', testMatch: ['<rootDir>/test/package/**/*.test.cts'] },
		{ ...e2e, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/*.test.cts'] },
		{ ...e2e, displayName: 'e2e-queue', testMatch: ['<rootDir>/test/e2e/queue/*.test.cts'] },
	],
};
