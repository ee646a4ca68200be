const path = require('path');
const { task, src, dest } = require('gulp');

// tsc compiles the TypeScript; icons and codex files are copied beside the compiled nodes.
task('build:icons', copyStaticFiles);

function copyStaticFiles() {
	const nodeSource = path.resolve('nodes', '**', '*.{png,svg,json}');
	const nodeDestination = path.resolve('dist', 'nodes');
	src(nodeSource, { encoding: false }).pipe(dest(nodeDestination));

	const credSource = path.resolve('credentials', '**', '*.{png,svg}');
	const credDestination = path.resolve('dist', 'credentials');
	return src(credSource, { encoding: false }).pipe(dest(credDestination));
}
