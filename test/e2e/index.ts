import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/**
 * The extensionTestsPath module: VS Code (desktop through @vscode/test-electron, or code-server
 * through the `payload` URL) loads it inside the extension host and awaits run(); a rejection
 * means failure. The one-line JSON result lets scripts/e2e/run-vscode.mjs print the closing
 * `N passed, N failed` even though it only sees the host's console.
 */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.MEMSLOT_E2E_GREP;
  if (grep) mocha.grep(grep);
  const suiteDir = path.join(__dirname, 'suite');
  for (const file of fs.readdirSync(suiteDir).sort()) {
    if (file.endsWith('.test.js')) mocha.addFile(path.join(suiteDir, file));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const { passes, pending } = runner.stats ?? { passes: 0, pending: 0 };
      console.log(`memslot-e2e-result ${JSON.stringify({ passed: passes, failed: failures, pending })}`);
      console.log(`${passes} passed, ${failures} failed, ${pending} pending`);
      if (failures > 0) reject(new Error(`${failures} end-to-end test(s) failed`));
      else resolve();
    });
  });
}
