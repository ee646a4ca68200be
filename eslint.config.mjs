// Two parts:
//  1. Scanner parity, for nodes/, credentials/ and package.json: the same flat config n8n's
//     community-package scanner (@n8n/scan-community-package) lints with:
//     @n8n/eslint-plugin-community-nodes (recommended), no-console, and eslint-plugin-n8n-nodes-base's
//     community / credentials / nodes rule sets with the scanner's own off-overrides. Keep in step with it.
//  2. typescript-eslint's recommended rules over all our code (TS and JS), as n8n's node starter and
//     @n8n/node-cli lint a package.
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tsParser from '@typescript-eslint/parser';
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesPlugin from 'eslint-plugin-n8n-nodes-base';

const scannerParity = [
	n8nCommunityNodesPlugin.configs.recommended,
	{ rules: { 'no-console': 'error' } },
	{ plugins: { 'n8n-nodes-base': n8nNodesPlugin } },
	{ files: ['package.json'], rules: { ...n8nNodesPlugin.configs.community.rules } },
	{
		files: ['**/credentials/**/*.ts'],
		rules: {
			...n8nNodesPlugin.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['**/nodes/**/*.ts'],
		rules: {
			...n8nNodesPlugin.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{ files: ['**/*.json'], languageOptions: { parser: tsParser } },
	{ files: ['**/*.ts'], languageOptions: { parser: tsParser } },
];

export default defineConfig(
	// Build output and local state (as in .gitignore), and folders with no code of ours.
	globalIgnores([
		'dist/**',
		'coverage/**',
		'tmp/**',
		'.cache/**',
		'.n8n-dev/**',
		'docs/**',
		'examples/**',
		'test/n8n-host/**',
		'scripts/scanner-host/**',
	]),
	{ files: ['nodes/**', 'credentials/**', 'package.json'], extends: scannerParity },
	{
		files: ['**/*.ts', '**/*.js', '**/*.mjs'],
		extends: [tseslint.configs.recommended],
	},
	{
		files: ['**/*.js'],
		languageOptions: { sourceType: 'commonjs', globals: globals.node },
		// Plain CommonJS (scripts, simulator, tool configs) loads its modules with require().
		rules: { '@typescript-eslint/no-require-imports': 'off' },
	},
	{ files: ['**/*.mjs'], languageOptions: { sourceType: 'module', globals: globals.node } },
);
