import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { splitCommandLine } from './command-line';
import { startFakeVhostUser, type FakeVhostUser } from './fake-vhost-user';
import { qemuBinary, qemuVersion, runQemu, type QmpStep } from './qemu-runner';
import { planScenarios, type PlanScenario } from './hotplug-scenarios';
import { reportMissingQemu } from './environment';
import { analyzeWithPlans } from '../../server/src/plan-analysis';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions } from '../../server/src/simulator';

/**
 * Hot-plug plans through real QEMU 10 and through memslot's plan reader and simulator (the code
 * behind `memslot --hotplug`): QEMU is started paused and gets each QMP command of the plan in
 * turn; a command that does not answer within STEP_TIMEOUT_MS is a hang, and nothing after it is
 * sent. Both sides must agree step by step on the result and on QEMU's error text, verbatim.
 */

const STEP_TIMEOUT_MS = 3000;
const RUN_TIMEOUT_MS = 60_000;

type Answer = string | null | 'hang';

function profileArgs(scenario: PlanScenario, dir: string): string[] {
  const args = ['--qemu', '10.0'];
  for (const [socket, limit] of Object.entries(scenario.backends ?? {})) {
    args.push('--vhost-user', `${join(dir, socket)}=${limit === 'no-configure-mem-slots' ? 'nocfg' : limit}`);
  }
  return args;
}

function profileFor(scenario: PlanScenario, dir: string) {
  const parsed = parseProfileOptions(profileArgs(scenario, dir));
  assert.deepEqual(parsed.errors, []);
  return applyProfileOptions(defaultHostProfile(), parsed.overrides, 'cli');
}

async function runScenario(t: TestContext, scenario: PlanScenario, index: number, root: string): Promise<void> {
  const dir = join(root, `p${index}`);
  mkdirSync(dir, { recursive: true });
  const vm = scenario.vm.replace(/\{dir\}/g, dir);
  const planText = scenario.plan.map((line) => line.replace(/\{dir\}/g, dir)).join('\n');
  const steps = planText.split('\n').map((line) => JSON.parse(line) as QmpStep);

  const backends: FakeVhostUser[] = [];
  let qemu: Answer[];
  let stderr: string;
  try {
    for (const [socket, limit] of Object.entries(scenario.backends ?? {})) {
      backends.push(await startFakeVhostUser({ socketPath: join(dir, socket), maxMemSlots: limit, config: socket.startsWith('blk') }));
    }
    const observation = await runQemu(
      { argv: splitCommandLine(vm).slice(1), workDir: dir, timeoutMs: RUN_TIMEOUT_MS, steps, stepTimeoutMs: STEP_TIMEOUT_MS });
    assert.deepEqual(observation.harnessErrors, [], `harness problems: ${observation.stderr}`);
    assert.ok(observation.started, `QEMU did not start: ${observation.stderr}`);
    qemu = observation.steps.map((step) => (step.hang ? 'hang' : step.error ?? null));
    stderr = observation.stderr;
  } finally {
    await Promise.all(backends.map((b) => b.close()));
  }

  const analysis = analyzeWithPlans(vm, { path: 'vm.sh' }, [{ path: 'plan.qmp', text: planText }], profileFor(scenario, dir));
  assert.deepEqual(analysis.plans[0].plan.findings, [], 'the plan reads without findings');
  const machine = analysis.vm.machines[0];
  assert.equal(machine?.simulation?.outcome, 'starts', `memslot: the VM starts\n${JSON.stringify(machine?.findings)}`);
  const ours: Answer[] = (machine.hotplug ?? []).map((step) => (step.result === 'hang' ? 'hang' : step.result === 'error' ? step.error : null));
  const table = steps.map((step, i) => `  ${i + 1}. ${step.execute} ${JSON.stringify(step.arguments ?? {})}\n     QEMU: ${JSON.stringify(qemu[i])}  memslot: ${JSON.stringify(ours[i])}`).join('\n');
  if (process.env.MEMSLOT_ORACLE_VERBOSE) t.diagnostic(`${scenario.name}\n${table}`);
  assert.deepEqual(ours, qemu, `step answers differ (${scenario.name})\n${table}\nQEMU stderr: ${stderr.slice(0, 1000)}`);

  // The same through the command line users run: memslot --format json --hotplug plan.qmp vm.sh.
  writeFileSync(join(dir, 'vm.sh'), `${vm}\n`);
  writeFileSync(join(dir, 'plan.qmp'), `${planText}\n`);
  const cli = spawnSync(process.execPath, [resolve('dist/cli.js'), '--format', 'json', '--fail-on', 'none', ...profileArgs(scenario, dir), '--hotplug', join(dir, 'plan.qmp'), join(dir, 'vm.sh')], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  const json = JSON.parse(cli.stdout) as {
    files: Array<{ machines: Array<{ simulation?: { hotplug?: Array<{ result: string; error: string | null }> } }> }> };
  const viaCli: Answer[] = (json.files[0].machines[0].simulation?.hotplug ?? []).map((step) => (step.result === 'hang' ? 'hang' : step.result === 'error' ? step.error : null));
  assert.deepEqual(viaCli, qemu, `memslot --format json --hotplug differs from QEMU (${scenario.name})`);
}

const binary = qemuBinary();
const version = qemuVersion(binary);
if (!version) {
  reportMissingQemu('hot-plug plans', binary, `all ${planScenarios.length} hot-plug plan scenarios`);
} else {
  test(`hot-plug plans: real QEMU vs memslot --hotplug (${planScenarios.length} scenarios)`, { concurrency: 2, timeout: 300_000 }, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'memslot-plans-'));
    try {
      await Promise.all(planScenarios.map((scenario, index) => t.test(scenario.name, (st) => runScenario(st, scenario, index, root))));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
}
