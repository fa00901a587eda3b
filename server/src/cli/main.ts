import { main } from '../cli';

/** dist/cli.js: the CLI on this process's arguments and streams. */
process.exitCode = main(
  process.argv.slice(2), { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) });
