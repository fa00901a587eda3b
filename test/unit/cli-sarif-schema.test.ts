import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { runCli } from './cli-helpers';

// The OASIS schema (draft-04), vendored with its provenance in test/fixtures/sarif/README.md.
const schemaPath = resolve('test/fixtures/sarif/sarif-schema-2.1.0.json');

interface SarifRegion { startLine: number; startColumn: number; endLine: number; endColumn: number }
interface SarifLocation {
  id?: number; physicalLocation: { artifactLocation: { uri: string }; region: SarifRegion }; message?: { text: string };
}
interface SarifResult {
  ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
}
interface SarifRule { id: string; name?: string; helpUri: string; shortDescription: { text: string } }
interface SarifLog { version: string; runs: Array<{ tool: { driver: { name: string; rules: SarifRule[] } }; results: SarifResult[] }> }

interface JsonFinding { code: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }
interface JsonOutput { files: Array<{ path: string; findings: JsonFinding[]; machines: Array<{ findings: JsonFinding[] }> }> }

function sarifValidator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
}

function explain(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).slice(0, 10).map((error) => `${error.instancePath} ${error.message ?? ''} ${JSON.stringify(error.params)}`).join('\n');
}

async function sarifOf(args: string[]): Promise<SarifLog> {
  const run = await runCli(['--format', 'sarif', ...args]);
  assert.notEqual(run.status, 2, run.stderr);
  return JSON.parse(run.stdout) as SarifLog;
}

test('the schema validator rejects what SARIF 2.1.0 forbids (so the validity checks below can fail)', async () => {
  const validate = sarifValidator();
  const minimal = { version: '2.1.0', runs: [{ tool: { driver: { name: 't' } }, results: [] as unknown[] }] };
  assert.equal(validate(minimal), true, explain(validate.errors));
  assert.equal(validate({ ...minimal, version: '2.0.0' }), false);
  const zeroLine = {
    ...minimal,
    runs: [{ tool: { driver: { name: 't' } }, results: [{ message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a.sh' }, region: { startLine: 0 } } }] }] }],
  };
  assert.equal(validate(zeroLine), false, 'SARIF lines are 1-based');
  const unknownLevel = {
    ...minimal,
    runs: [{ tool: { driver: { name: 't' } }, results: [{ message: { text: 'm' }, level: 'information' }] }],
  };
  assert.equal(validate(unknownLevel), false, 'LSP severities are not SARIF levels');
});

test('SARIF of every example is valid against the OASIS SARIF 2.1.0 schema', async () => {
  const log = await sarifOf(['examples/']);
  const validate = sarifValidator();
  assert.equal(validate(log), true, explain(validate.errors));
  const [run] = log.runs;
  const codes = new Set(run.results.map((result) => result.ruleId));
  assert.ok(run.results.length >= 5, `several findings: ${[...codes].join(', ')}`);
  assert.ok(codes.has('MS001'), 'the headline finding is in the examples');
});

test('SARIF: rules with help URIs to existing docs; results point at their rule', async () => {
  const [run] = (await sarifOf(['examples/'])).runs;
  assert.equal(run.tool.driver.name, 'memslot');
  const ids = run.tool.driver.rules.map((rule) => rule.id);
  assert.equal(new Set(ids).size, ids.length, 'each rule once');
  for (const rule of run.tool.driver.rules) {
    assert.match(rule.helpUri, new RegExp(`/docs/rules/${rule.id}\\.md$`));
    assert.ok(existsSync(resolve('docs/rules', `${rule.id}.md`)), `docs/rules/${rule.id}.md`);
    assert.ok(rule.shortDescription.text.length > 0);
  }
  for (const result of run.results) {
    assert.equal(run.tool.driver.rules[result.ruleIndex]?.id, result.ruleId);
    assert.ok(['error', 'warning', 'note'].includes(result.level), result.level);
  }
});

test('SARIF regions are the JSON ranges made 1-based; MS001 carries its deciding device as a related location', async () => {
  const file = 'examples/virtio-mem-then-vhost-user-fs.sh';
  const json = JSON.parse((await runCli(['--format', 'json', file])).stdout) as JsonOutput;
  const jsonMs001 = json.files[0].machines.flatMap((machine) => machine.findings).find((finding) => finding.code === 'MS001');
  assert.ok(jsonMs001, 'MS001 in the JSON output');
  const [run] = (await sarifOf([file])).runs;
  const ms001 = run.results.find((result) => result.ruleId === 'MS001');
  assert.ok(ms001);
  const location = ms001.locations[0].physicalLocation;
  assert.equal(location.artifactLocation.uri, file);
  assert.deepEqual(location.region, {
    startLine: jsonMs001.range.start.line + 1,
    startColumn: jsonMs001.range.start.character + 1,
    endLine: jsonMs001.range.end.line + 1,
    endColumn: jsonMs001.range.end.character + 1,
  });
  // The script writes `-device vhost-user-fs-pci,...` on its own continued line; the error is there.
  const lines = readFileSync(file, 'utf8').split('\n');
  assert.match(lines[location.region.startLine - 1].slice(location.region.startColumn - 1), /^-device vhost-user-fs-pci/);
  assert.ok(ms001.relatedLocations?.length, 'related location');
  const related = ms001.relatedLocations[0].physicalLocation.region;
  assert.match(lines[related.startLine - 1].slice(related.startColumn - 1), /^-device virtio-mem-pci/);
});

test('SARIF for a domain XML with an absolute path: valid, file URI, MS001 on the virtiofs alias', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memslot-sarif-'));
  const path = join(dir, 'guest with space.xml');
  writeFileSync(path, readFileSync('examples/libvirt-virtio-mem-virtiofs.xml', 'utf8'));
  const log = await sarifOf(['--vhost-user', '/tmp/vu.sock=32', path]);
  const validate = sarifValidator();
  assert.equal(validate(log), true, explain(validate.errors));
  const [run] = log.runs;
  const ms001 = run.results.find((result) => result.ruleId === 'MS001');
  assert.ok(ms001, JSON.stringify(run.results.map((result) => result.ruleId)));
  const uri = ms001.locations[0].physicalLocation.artifactLocation.uri;
  assert.ok(uri.startsWith('file:///') && uri.endsWith('/guest%20with%20space.xml'), uri);
  assert.match(ms001.message.text, /^QEMU refuses fs0: /);
});

test('SARIF of a clean file is a valid log with no results', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'memslot-sarif-'));
  const path = join(dir, 'clean.sh');
  writeFileSync(path, 'qemu-system-x86_64 -machine q35 -m 1G\n');
  const log = await sarifOf([path]);
  const validate = sarifValidator();
  assert.equal(validate(log), true, explain(validate.errors));
  assert.deepEqual(log.runs[0].results, []);
});
