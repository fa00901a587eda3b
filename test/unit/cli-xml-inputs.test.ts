import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-helpers';

/**
 * XML files named on the command line are read whatever their prolog and encoding; one that is not
 * a domain, or cannot be read past its prolog, is reported with the reason and exit status 2.
 */

const domain = readFileSync('examples/libvirt-virtio-mem-virtiofs.xml', 'utf8');
const body = domain.slice(domain.indexOf('<domain'));

async function withFiles(files: Record<string, string | Buffer>, run: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'memslot-cli-xml-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    await run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function machineCount(stdout: string): number {
  const parsed = JSON.parse(stdout) as { files: Array<{ machines: unknown[] }> };
  return parsed.files.reduce((sum, file) => sum + file.machines.length, 0);
}

test('a domain with a DOCTYPE, and one in UTF-16 (either byte order, with or without BOM), are analysed', async () => {
  const doctype = `<?xml version="1.0"?>\n<!DOCTYPE domain SYSTEM "file:///etc/passwd">\n${body}`;
  const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`<?xml version="1.0" encoding="UTF-16"?>\n${body}`, 'utf16le')]);
  const utf16beNoBom = Buffer.from(`<?xml version="1.0" encoding="UTF-16"?>\n${body}`, 'utf16le').swap16();
  await withFiles({ 'doctype.xml': doctype, 'le.xml': utf16le, 'be.xml': utf16beNoBom }, async (dir) => {
    const run = await runCli(['--format', 'json', '--fail-on', 'none', join(dir, 'doctype.xml'), join(dir, 'le.xml'), join(dir, 'be.xml')]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(machineCount(run.stdout), 3);
    assert.equal(run.stderr, '');
  });
});

test('an XML file named on the command line that cannot be analysed says why and exits 2; the others are still reported', async () => {
  await withFiles({
    'unclosed.xml': `<?xml version="1.0"\n${body}`,
    'pom.xml': '<?xml version="1.0"?>\n<!-- licence -->\n<project/>\n',
    'ok.xml': body,
  }, async (dir) => {
    const run = await runCli(['--format', 'json', '--fail-on', 'none', join(dir, 'unclosed.xml'), join(dir, 'pom.xml'), join(dir, 'ok.xml')]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /unclosed\.xml: not analysed: the processing instruction '<\?xml' is never closed with '\?>'/);
    assert.match(run.stderr, /pom\.xml: not analysed: its root element is <project>, not a libvirt <domain>/);
    assert.equal(machineCount(run.stdout), 1);
  });
});
