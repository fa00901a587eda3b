import { main } from '../cli';

/** dist/cli.js: the CLI on this process's arguments and streams. */
void main(process.argv.slice(2), { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) })
  .then((code) => { process.exitCode = code; });
