import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { splitCommandLine } from './command-line';
import { hmpError, hmpLineFor } from './hotplug-hmp';
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
 * Every plan QEMU's HMP can say runs a second time as an HMP plan (`plan.hmp`, sent line by line
 * through `human-monitor-command`), so the HMP reader is checked against real QEMU too.
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

type PlanFormat = 'qmp' | 'hmp';

/** The plan's text and the QMP commands that run it: its own lines, or HMP lines through `human-monitor-command`. */
function planIn(format: PlanFormat, qmpText: string): { planText: string; steps: QmpStep[] } | undefined {
  const qmp = qmpText.split('\n').map((line) => JSON.parse(line) as QmpStep);
  if (format === 'qmp') return { planText: qmpText, steps: qmp };
  const lines = qmp.map(hmpLineFor);
  if (lines.some((line) => line === undefined)) return undefined;
  const hmp = lines as string[];
  return { planText: hmp.join('\n'), steps: hmp.map((line) => ({ execute: 'human-monitor-command', arguments: { 'command-line': line } })) };
}

/** Whether the scenario's plan can be written in `format`. */
function sayable(scenario: PlanScenario, format: PlanFormat): boolean {
  return planIn(format, scenario.plan.join('\n')) !== undefined;
}

async function runScenario(t: TestContext, scenario: PlanScenario, index: number, root: string, format: PlanFormat): Promise<void> {
  const dir = join(root, `${format}${index}`);
  mkdirSync(dir, { recursive: true });
  const vm = scenario.vm.replace(/\{dir\}/g, dir);
  const plan = planIn(format, scenario.plan.map((line) => line.replace(/\{dir\}/g, dir)).join('\n'));
  assert.ok(plan, `the plan can be written in ${format}`);
  const { planText, steps } = plan;
  const planFile = `plan.${format}`;

  const backends: FakeVhostUser[] = [];
  let qemu: Answer[];
  let stderr: string;
  try {
    for (const [socket, limit] of Object.entries(scenario.backends ?? {})) {
      backends.push(await startFakeVhostUser({ socketPath: join(dir, socket), maxMemSlots: limit, config: socket.startsWith('blk') }));
    }
    const observation = await runQemu(
      { argv: splitCommandLine(vm).slice(1), workDir: dir, timeoutMs: RUN_TIMEOUT_MS, steps, stepTimeoutMs: STEP_TIMEOUT_MS, stderrPerStep: format === 'hmp' });
    assert.deepEqual(observation.harnessErrors, [], `harness problems: ${observation.stderr}`);
    assert.ok(observation.started, `QEMU did not start: ${observation.stderr}`);
    qemu = observation.steps.map((step) => (step.hang ? 'hang' : step.error ?? (format === 'hmp' ? hmpError(step.value, step.stderr) : null)));
    stderr = observation.stderr;
  } finally {
    await Promise.all(backends.map((b) => b.close()));
  }

  const analysis = analyzeWithPlans(vm, { path: 'vm.sh' }, [{ path: planFile, text: planText }], profileFor(scenario, dir));
  assert.deepEqual(analysis.plans[0].plan.findings, [], 'the plan reads without findings');
  const machine = analysis.vm.machines[0];
  assert.equal(machine?.simulation?.outcome, 'starts', `memslot: the VM starts\n${JSON.stringify(machine?.findings)}`);
  const ours: Answer[] = (machine.hotplug ?? []).map((step) => (step.result === 'hang' ? 'hang' : step.result === 'error' ? step.error : null));
  const table = steps.map((step, i) => `  ${i + 1}. ${format === 'hmp' ? String(step.arguments?.['command-line']) : `${step.execute} ${JSON.stringify(step.arguments ?? {})}`}\n     QEMU: ${JSON.stringify(qemu[i])}  memslot: ${JSON.stringify(ours[i])}`).join('\n');
  if (process.env.MEMSLOT_ORACLE_VERBOSE) t.diagnostic(`${scenario.name}\n${table}`);
  assert.deepEqual(ours, qemu, `step answers differ (${scenario.name}, ${format})\n${table}\nQEMU stderr: ${stderr.slice(0, 1000)}`);

  // The same through the command line users run: memslot --format json --hotplug plan.qmp vm.sh.
  writeFileSync(join(dir, 'vm.sh'), `${vm}\n`);
  writeFileSync(join(dir, planFile), `${planText}\n`);
  const cli = spawnSync(process.execPath, [resolve('dist/cli.js'), '--format', 'json', '--fail-on', 'none', ...profileArgs(scenario, dir), '--hotplug', join(dir, planFile), join(dir, 'vm.sh')], { encoding: 'utf8' });
  assert.equal(cli.status, 0, cli.stderr);
  const json = JSON.parse(cli.stdout) as {
    files: Array<{ machines: Array<{ simulation?: { hotplug?: Array<{ result: string; error: string | null }> } }> }> };
  const viaCli: Answer[] = (json.files[0].machines[0].simulation?.hotplug ?? []).map((step) => (step.result === 'hang' ? 'hang' : step.result === 'error' ? step.error : null));
  assert.deepEqual(viaCli, qemu, `memslot --format json --hotplug differs from QEMU (${scenario.name}, ${format})`);
}

const binary = qemuBinary();
const version = qemuVersion(binary);
if (!version) {
  reportMissingQemu('hot-plug plans', binary, `all ${planScenarios.length} hot-plug plan scenarios`);
} else {
  test(`hot-plug plans: real QEMU vs memslot --hotplug (${planScenarios.length} scenarios)`, { concurrency: 2, timeout: 300_000 }, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'memslot-plans-'));
    try {
      await Promise.all(planScenarios.map((scenario, index) => t.test(scenario.name, (st) => runScenario(st, scenario, index, root, 'qmp'))));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  const hmpScenarios = planScenarios.filter((scenario) => sayable(scenario, 'hmp'));
  test(`hot-plug plans in HMP: real QEMU vs memslot --hotplug (${hmpScenarios.length} of ${planScenarios.length} scenarios)`,
    { concurrency: 2, timeout: 300_000 }, async (t) => {
      // Most of the plans must be sayable in HMP, or this test checks little.
      assert.ok(hmpScenarios.length >= planScenarios.length - 2, `${hmpScenarios.length} of ${planScenarios.length} plans in HMP`);
      const root = mkdtempSync(join(tmpdir(), 'memslot-hmp-plans-'));
      try {
        await Promise.all(hmpScenarios.map((scenario, index) => t.test(scenario.name, (st) => runScenario(st, scenario, index, root, 'hmp'))));
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });
}
