const path = require('path');
const { task, src, dest } = require('gulp');

// tsc compiles the TypeScript; the codex files are copied beside the compiled nodes, and the one
// icons folder to dist/icons, where the nodes' and the credential's `file:../…/icons/` paths point.
task('build:icons', copyStaticFiles);

function copyStaticFiles() {
	const codexSource = path.resolve('nodes', '**', '*.json');
	src(codexSource, { encoding: false }).pipe(dest(path.resolve('dist', 'nodes')));

	const iconSource = path.resolve('icons', '*.{png,svg}');
	return src(iconSource, { encoding: false }).pipe(dest(path.resolve('dist', 'icons')));
}
