// Three layers, all against the KIE simulator over real HTTP on 127.0.0.1:
//   unit   - the KIE client, adapters and simulator
//   engine - nodes run through n8n-core's real execution engine
//   e2e    - real n8n with this package installed (slow: installs n8n on first run)
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];
const common = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': tsJest },
	moduleFileExtensions: ['ts', 'js', 'json'],
};
module.exports = {
	projects: [
		{
			...common,
			displayName: 'unit',
			testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/simulator/**/*.test.ts'],
		},
		{
			...common,
			displayName: 'engine',
			testMatch: ['<rootDir>/test/engine/**/*.test.ts'],
			setupFilesAfterEnv: ['<rootDir>/test/setup/engine-timeout.ts'],
		},
		{
			...common,
			displayName: 'e2e',
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			setupFilesAfterEnv: ['<rootDir>/test/setup/e2e-timeout.ts'],
		},
	],
};
