// The one helper module of the e2e tests (and of bench/n8n.ts):
//   constants.ts   the package's type names and the figures the tests need, from the source
//   n8n.ts         host (scripts/lib/n8n-host), simulatorLib, logger, startN8nWithKie, types
//   workflows.ts   credentials, nodes and whole workflows to import
//   http.ts        collector server, post, waitFor, sleep
//   callbacks.ts   callback-mode runs, KIE's callbacks for every model, the trigger's items
//   secrets.ts     searching text and files for secrets in every form
//   sshd.ts        a real OpenSSH server (SFTP) for the storage e2e
export * from './constants';
export * from './n8n';
export * from './workflows';
export * from './http';
export * from './callbacks';
export * from './secrets';
export * from './sshd';
