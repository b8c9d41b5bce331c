import { runCli } from './cli/cli.js';

// Exit explicitly: a lingering socket or timer must not keep a finished command (or a stopped server) alive.
process.exit(await runCli(process.argv.slice(2)));
