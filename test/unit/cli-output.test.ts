import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli-helpers';


interface JsonFinding {
  code: string;
  severity: string;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}
interface JsonOutput {
  files: Array<{
    path: string; findings: JsonFinding[]; machines: Array<{ range: unknown; model: Record<string, unknown>; findings: JsonFinding[] }>;
  }>;
}

function assertFindingShape(finding: JsonFinding): void {
  assert.match(finding.code, /^MS\d{3}$/);
  assert.ok(['error', 'warning', 'information', 'hint'].includes(finding.severity), finding.severity);
  assert.equal(typeof finding.message, 'string');
  for (const end of [finding.range.start, finding.range.end]) {
    assert.ok(Number.isInteger(end.line) && end.line >= 0);
    assert.ok(Number.isInteger(end.character) && end.character >= 0);
  }
}

test('directories are searched for scripts, argument files and domain XML only', async () => {
  const root = mkdtempSync(join(tmpdir(), 'memslot-walk-'));
  mkdirSync(join(root, 'sub'));
  mkdirSync(join(root, '.hidden'));
  writeFileSync(join(root, 'a.sh'), 'qemu-system-x86_64 -m 1G\n');
  writeFileSync(join(root, 'b.xml'), '<?xml version="1.0"?>\n<project/>\n');
  writeFileSync(join(root, 'c.xml'), "<!-- a guest -->\n<domain type='kvm'><name>c</name></domain>\n");
  writeFileSync(join(root, 'd.txt'), 'qemu-system-x86_64 -m 1G\n');
  writeFileSync(join(root, 'sub', 'e.qemu'), 'qemu-system-x86_64 -m 1G\n');
  writeFileSync(join(root, 'sub', 'f.args'), 'qemu-system-x86_64 -m 1G\n');
  writeFileSync(join(root, '.hidden', 'g.sh'), 'qemu-system-x86_64 -m 1G\n');
  const run = await runCli(['--format', 'json', root]);
  assert.equal(run.stderr, '');
  const output = JSON.parse(run.stdout) as JsonOutput;
  assert.deepEqual(output.files.map((file) => file.path),
    [join(root, 'a.sh'), join(root, 'c.xml'), join(root, 'sub', 'e.qemu'), join(root, 'sub', 'f.args')]);
  for (const file of output.files) {
    assert.ok(Array.isArray(file.machines));
    assert.ok(Array.isArray(file.findings));
  }
});

test('JSON: every example has the documented shape', async () => {
  const run = await runCli(['--format', 'json', 'examples/']);
  assert.notEqual(run.status, 2, run.stderr);
  const output = JSON.parse(run.stdout) as JsonOutput;
  assert.ok(output.files.length >= 5, 'all examples are found');
  for (const file of output.files) {
    assert.deepEqual(Object.keys(file).sort(), ['findings', 'machines', 'path']);
    file.findings.forEach(assertFindingShape);
    assert.ok(file.machines.length >= 1, `${file.path} has a machine`);
    for (const machine of file.machines) {
      for (const key of ['range', 'model', 'findings']) assert.ok(key in machine, key);
      machine.findings.forEach(assertFindingShape);
    }
  }
});

test('JSON: the malformed example reports its three front-end errors at their lines', async () => {
  const run = await runCli(['--format', 'json', 'examples/malformed.sh']);
  const output = JSON.parse(run.stdout) as JsonOutput;
  const findings = [...output.files[0].findings, ...output.files[0].machines.flatMap((machine) => machine.findings)];
  // examples/malformed.sh, counted by hand: line 5 '-m 4Q', line 6 the JSON object, line 8 the quote.
  const lineOf = (code: string) => findings.filter((finding) => finding.code === code).map((finding) => finding.range.start.line);
  assert.ok(lineOf('MS902').includes(5), JSON.stringify(findings));
  assert.ok(lineOf('MS903').includes(6), JSON.stringify(findings));
  assert.ok(lineOf('MS901').includes(8), JSON.stringify(findings));
  assert.equal(output.files[0].machines.length, 1);
  assert.equal((output.files[0].machines[0].model as { frontend?: string }).frontend, 'qemu');
});

test('text: compiler-style lines with 1-based positions, then a machine summary', async () => {
  const run = await runCli(['examples/malformed.sh']);
  const lines = run.stdout.split('\n');
  // The quote opens on line 9, column 10 (1-based) of examples/malformed.sh.
  assert.ok(lines.some((line) => /^examples\/malformed\.sh:9:\d+: error: .+ \[MS901\]$/.test(line)), run.stdout);
  assert.ok(lines.some((line) => /^examples\/malformed\.sh:6:\d+: error: .+ \[MS902\]$/.test(line)), run.stdout);
  assert.ok(lines.some((line) => /^examples\/malformed\.sh:\d+: machine 1: /.test(line)), run.stdout);
});

test('SARIF: a 2.1.0 log with rules, help URIs and 1-based regions', async () => {
  const run = await runCli(['--format', 'sarif', 'examples/malformed.sh']);
  const log = JSON.parse(run.stdout) as {
    version: string;
    runs: Array<{ tool: { driver: { name: string; rules: Array<{ id: string; helpUri: string }> } };
      results: Array<{
        ruleId: string; level: string;
        locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }>;
      }>;
    }>;
  };
  assert.equal(log.version, '2.1.0');
  const [sarifRun] = log.runs;
  assert.equal(sarifRun.tool.driver.name, 'memslot');
  const unterminated = sarifRun.results.find((result) => result.ruleId === 'MS901');
  assert.ok(unterminated, JSON.stringify(sarifRun.results));
  assert.equal(unterminated.level, 'error');
  assert.equal(unterminated.locations[0].physicalLocation.artifactLocation.uri, 'examples/malformed.sh');
  assert.equal(unterminated.locations[0].physicalLocation.region.startLine, 9);
  for (const result of sarifRun.results) {
    const rule = sarifRun.tool.driver.rules.find((candidate) => candidate.id === result.ruleId);
    assert.ok(rule, `rule ${result.ruleId} is described`);
    assert.match(rule.helpUri, new RegExp(`/docs/rules/${result.ruleId}\\.md$`));
  }
});

interface SimulationJson {
  outcome: string;
  refusedBy: string | null;
  error: string | null;
  reason: string | null;
  memoryDevices: Array<{ id: string; memslots: number }>;
}

async function simulationOf(args: string[]): Promise<SimulationJson | undefined> {
  const run = await runCli(['--format', 'json', ...args]);
  const output = JSON.parse(run.stdout) as { files: Array<{ machines: Array<{ simulation?: SimulationJson }> }> };
  return output.files[0]?.machines[0]?.simulation;
}

// Expected verdicts from docs/facts/memslots.md#vhost-check-a (QEMU 10.0 with a 32-slot backend).
test('the headline example is refused with QEMU\'s message when the backend has 32 slots', async () => {
  const simulation = await simulationOf(['--vhost-user', '/tmp/vu.sock=32', 'examples/virtio-mem-then-vhost-user-fs.sh']);
  assert.ok(simulation, 'the machine has a simulation');
  assert.equal(simulation.outcome, 'refused');
  assert.equal(simulation.refusedBy, 'fs0');
  assert.equal(simulation.reason, 'auto-decision-refuses-vhost');
  assert.match(String(simulation.error), /^some memory device \(like virtio-mem\) decided how many memory slots to use based on the overall number of memory slots; this vhost backend would further restricts the overall number of memory slots/);
});

test('the reverse order starts and virtio-mem takes a single memslot', async () => {
  const simulation = await simulationOf(['--vhost-user', '/tmp/vu.sock=32', 'examples/vhost-user-fs-then-virtio-mem.sh']);
  assert.ok(simulation, 'the machine has a simulation');
  assert.equal(simulation.outcome, 'starts');
  assert.equal(simulation.refusedBy, null);
  assert.equal(simulation.reason, null);
  assert.deepEqual(simulation.memoryDevices.map((device) => [device.id, device.memslots]), [['vm0', 1]]);
});
