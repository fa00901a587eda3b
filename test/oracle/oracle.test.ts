import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { configFileReader } from '../../server/src/config-files';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optionId, splitCommandLine } from './command-line';
import { qmpStepFor } from './hotplug';
import { startFakeVhostUser, type FakeVhostUser } from './fake-vhost-user';
import { probeHost, type HostFacts } from './host-profile';
import { qemuBinary, qemuVersion, runQemu, type QemuObservation } from './qemu-runner';
import { scenarios, type Scenario } from './scenarios';
import { simulateCommandLine, type SimulatorView } from './simulator-side';
import { loud, reportMissingQemu } from './environment';

/**
 * Differential tests: every scenario runs through real QEMU (paused, with KVM) and through our
 * simulator; both must agree on the outcome, the refusing device, QEMU's message, the virtio-mem
 * memslot counts, and KVM's slot count within ± 3 (docs/facts/x86-address-space.md#baseline-uncertainty).
 *
 * Skips: without qemu-system-x86_64 the test fails in CI (CI=true) and is skipped loudly
 * elsewhere; without /dev/kvm the scenarios run under TCG and KVM counts are not compared.
 * Environment: MEMSLOT_QEMU (binary), MEMSLOT_ORACLE_FORCE_TCG=1, MEMSLOT_ORACLE_VERBOSE=1 (log
 * both sides of every scenario).
 */

/** docs/facts/x86-address-space.md#baseline-uncertainty: baseline KVM slot counts are known to ± 3 (firmware, option ROMs). */
const KVM_SLOT_UNCERTAINTY = 3;
const RUN_TIMEOUT_MS = 30_000;


/** What real QEMU did, reduced to the fields we compare. */
interface QemuView {
  outcome: 'starts' | 'refused';
  refusedBy: string | null;
  error: string | null;
  hints: string[];
  virtioMem: Record<string, { memslots: number; mapped: number }>;
  kvmSlots: Record<number, number>;
  hotplug: Array<string | null | 'hang'>;
}

/** Creates an empty file (a sparse image once truncated to its size) and returns its path. */
function openAndClose(path: string): string {
  closeSync(openSync(path, 'w'));
  return path;
}

function viewOf(observation: QemuObservation): QemuView {
  const error = observation.error;
  const idOwners = new Set(['-device', '-netdev', '-object', '-chardev']);
  return {
    outcome: observation.started ? 'starts' : 'refused',
    refusedBy: error?.option && idOwners.has(error.option) && error.value ? optionId(error.value) ?? null : null,
    error: observation.started ? null : error?.message ?? null,
    hints: error?.hints ?? [],
    virtioMem: Object.fromEntries(observation.virtioMem.map((v) => [v.id, { memslots: v.memslots, mapped: v.mapped }])),
    kvmSlots: observation.kvmSlots,
    hotplug: observation.steps.map((step) => (step.hang ? 'hang' : step.error ?? null)),
  };
}

function resolveCommand(scenario: Scenario, dir: string, host: HostFacts, tcg: boolean): string {
  let text = scenario.cmd;
  if (tcg) text = text.replace('-accel kvm -cpu {cpu}', '-accel tcg -cpu max,phys-bits=48');
  return text.replace(/\{dir\}/g, dir).replace(/\{cpu\}/g, host.cpu ?? 'host');
}

function profileArgs(scenario: Scenario, dir: string, host: HostFacts, version: string): string[] {
  const args = ['--qemu', version, '--qemu-flavor', 'upstream', '--kvm-memslots', String(host.kvmMemslots), '--smm', host.smm ? 'on' : 'off'];
  for (const [socket, backend] of Object.entries(scenario.backends ?? {})) {
    args.push('--vhost-user', `${join(dir, socket)}=${backend.limit === 'no-configure-mem-slots' ? 'nocfg' : backend.limit}`);
  }
  return args;
}

function show(label: string, view: QemuView | SimulatorView): string {
  return `${label}: ${JSON.stringify(view)}`;
}

async function runScenario(
  t: TestContext, scenario: Scenario, index: number, root: string, host: HostFacts, tcg: boolean, version: string): Promise<void> {
  const skip = scenario.skipReason?.();
  if (skip) {
    loud(`oracle scenario "${scenario.name}" skipped: ${skip}`);
    t.skip(skip);
    return;
  }
  const dir = join(root, `s${index}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(scenario.files ?? {})) {
    if (typeof content === 'number') truncateSync(openAndClose(join(dir, name)), content);
    else writeFileSync(join(dir, name), content.replace(/\{dir\}/g, dir));
  }
  const text = resolveCommand(scenario, dir, host, tcg);
  const usesKvm = text.includes('-accel kvm');
  const hotplug = (scenario.hotplug ?? []).map((step) => step.replace(/\{dir\}/g, dir));

  const backends: FakeVhostUser[] = [];
  let observation: QemuObservation;
  try {
    for (const [socket, backend] of Object.entries(scenario.backends ?? {})) {
      backends.push(
        await startFakeVhostUser({ socketPath: join(dir, socket), maxMemSlots: backend.limit, config: backend.config ?? false }));
    }
    observation = await runQemu({
      argv: splitCommandLine(text).slice(1), workDir: dir, timeoutMs: RUN_TIMEOUT_MS, steps: hotplug.map(qmpStepFor),
      ...(scenario.stepTimeoutMs === undefined ? {} : { stepTimeoutMs: scenario.stepTimeoutMs }),
    });
  } finally {
    await Promise.all(backends.map((b) => b.close()));
  }
  const qemu = viewOf(observation);
  const context = `\n  command: ${text}\n  ${show('QEMU', qemu)}\n  QEMU stderr: ${observation.stderr.trim().slice(0, 2000)}`;
  assert.deepEqual(observation.harnessErrors, [], `harness problems${context}`);
  if (usesKvm) assert.equal(observation.started ? observation.kvmEnabled : true, true, `KVM not enabled${context}`);

  // The harness observes what the spec documents (hand-derived expectations).
  const spec = scenario.spec;
  if (spec) {
    assert.equal(qemu.outcome, spec.outcome, `QEMU outcome differs from the spec (${scenario.ref})${context}`);
    if (spec.refusedBy !== undefined) assert.equal(qemu.refusedBy, spec.refusedBy, `QEMU refusing device differs from the spec${context}`);
    if (spec.error !== undefined) assert.equal(qemu.error, spec.error, `QEMU message differs from the spec${context}`);
    for (const [id, memslots] of Object.entries(spec.memslots ?? {})) {
      assert.equal(qemu.virtioMem[id]?.memslots, memslots, `QEMU memslots of ${id} differ from the spec${context}`);
    }
    if (spec.hotplug !== undefined) assert.deepEqual(qemu.hotplug, spec.hotplug, `QEMU hot-plug results differ from the spec${context}`);
    if (spec.kvmSlots !== undefined && usesKvm && !host.smm) {
      assert.equal(qemu.kvmSlots[0], spec.kvmSlots, `QEMU KVM slots differ from the spec${context}`);
    }
  }

  // The simulator must agree with QEMU.
  // -readconfig files are read as the CLI reads them: from the scenario's folder only.
  const readConfig = configFileReader(join(dir, 'vm.sh'), [dir], 'not in the scenario folder');
  const simulated = simulateCommandLine(text, { args: profileArgs(scenario, dir, host, version) }, hotplug, readConfig);
  const both = `${context}\n  ${show('simulator', simulated)}`;
  if (process.env.MEMSLOT_ORACLE_VERBOSE) console.log(`${scenario.name}${both}`);
  assert.equal(simulated.outcome, qemu.outcome, `outcome differs${both}`);
  // QEMU locates an error in a -readconfig file by file and line, not by the device's option.
  if (observation.error?.option !== '-readconfig') assert.equal(simulated.refusedBy, qemu.refusedBy, `refusing device differs${both}`);
  assert.equal(simulated.error, qemu.error, `error message differs${both}`);
  if (qemu.outcome === 'refused') {
    assert.equal(simulated.hint ?? null, qemu.hints.length ? qemu.hints.join('\n') : null, `error hint differs${both}`);
    return;
  }
  assert.deepEqual(simulated.hotplug, qemu.hotplug, `hot-plug results differ${both}`);
  // A hung QEMU can no longer be asked anything; its hang is the result.
  if (qemu.hotplug.includes('hang')) return;
  assert.deepEqual(simulated.virtioMem, qemu.virtioMem, `virtio-mem memslots differ${both}`);
  if (usesKvm) {
    assert.deepEqual(Object.keys(simulated.kvmSlots).sort(), Object.keys(qemu.kvmSlots).sort(), `KVM address spaces differ${both}`);
    for (const [space, count] of Object.entries(qemu.kvmSlots)) {
      const predicted = simulated.kvmSlots[Number(space)];
      assert.ok(predicted !== undefined && Math.abs(predicted - count) <= KVM_SLOT_UNCERTAINTY,
        `KVM address space ${space}: QEMU ${count} slots, simulator ${predicted} (± ${KVM_SLOT_UNCERTAINTY} allowed)${both}`);
    }
  }
}

const binary = qemuBinary();
const version = qemuVersion(binary);

if (!version) {
  reportMissingQemu('oracle', binary, `all ${scenarios.length} oracle scenarios`);
} else {
  const versionNumber = /version (\d+\.\d+\.\d+)/.exec(version)?.[1] ?? '10.0.0';
  test(`oracle: real QEMU (${versionNumber}) vs simulator`, { concurrency: 2, timeout: 240_000 }, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'memslot-oracle-'));
    try {
      const host = await probeHost(join(root, 'host'));
      console.log(`oracle host: kvm=${host.kvm} memslots=${host.kvmMemslots} smm=${host.smm} cpu=${host.cpu ?? '-'}; ${host.notes.join('; ')}`);
      // MEMSLOT_ORACLE_FORCE_TCG=1 exercises the no-KVM path on a KVM host.
      const forced = process.env.MEMSLOT_ORACLE_FORCE_TCG === '1';
      const tcg = forced || !host.kvm || host.cpu === undefined;
      if (tcg) {
        loud(forced ? 'ORACLE TESTS: MEMSLOT_ORACLE_FORCE_TCG=1; running under TCG (KVM slot counts NOT compared)' : host.kvm
          ? 'ORACLE TESTS: no -cpu model starts under KVM here; falling back to TCG (KVM slot counts NOT compared)'
          : 'ORACLE TESTS: /dev/kvm is missing; running under TCG (KVM slot counts NOT compared)');
      }
      await Promise.all(scenarios.map((scenario, index) =>
        t.test(scenario.name, (st) => runScenario(st, scenario, index, root, host, tcg, versionNumber))));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}
