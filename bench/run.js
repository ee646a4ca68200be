#!/usr/bin/env node
// @ts-check
'use strict';
// `npm run bench` runs bench/main.ts; `node bench/run.js <file.ts> [args]` runs another bench module
// (the download benchmark starts its node process this way).
//
// The bench, the engine harness and the nodes are TypeScript. Node 24's type stripping cannot load
// them (parameter properties; `./Kie.node` would resolve to Kie.node.json), so .ts files are compiled
// in memory with the project's typescript, as ts-jest does for the tests, and preferred over .js/.json
// when a require has no extension.
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const extensions = require.extensions;
const others = Object.entries(extensions).filter(([extension]) => extension !== '.ts');
for (const [extension] of others) delete extensions[extension];
/** @param {NodeJS.Module} module @param {string} filename */
extensions['.ts'] = (module, filename) => {
	const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
		fileName: filename,
		compilerOptions: {
			module: ts.ModuleKind.CommonJS,
			target: ts.ScriptTarget.ES2022,
			esModuleInterop: true,
			resolveJsonModule: true,
			inlineSourceMap: true,
		},
	});
	/** @type {any} */ (module)._compile(outputText, filename);
};
for (const [extension, loader] of others) extensions[extension] = loader;
process.setSourceMapsEnabled(true);

const target = process.argv[2]?.endsWith('.ts')
	? path.resolve(process.argv.splice(2, 1)[0])
	: path.join(__dirname, 'main.ts');
require(target);
