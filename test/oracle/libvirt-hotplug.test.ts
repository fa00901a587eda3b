import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeWithPlans } from '../../server/src/plan-analysis';
import { applyProfileOptions, defaultHostProfile, parseProfileOptions } from '../../server/src/simulator';
import { reportMissingLibvirt, reportMissingQemu } from './environment';
import { startFakeVhostUser, type FakeVhostUser } from './fake-vhost-user';
import { libvirtForDomains, libvirtUnavailable, virshCommand, type LibvirtConnection } from './libvirt-daemon';
import { qemuBinary, qemuVersion } from './qemu-runner';
import type { BackendLimit } from './scenarios';

/**
 * libvirt device-XML plans through real libvirt and QEMU and through memslot (the code behind
 * `memslot --hotplug attach.xml vm.xml`): a private libvirtd starts the domain paused, and each
 * element of the plan goes to `virsh attach-device --live` in turn. Both sides must agree element
 * by element: accepted, or refused with QEMU's words (libvirt wraps them: "internal error: unable
 * to execute QEMU command 'device_add': ..."). TCG: the machine has no KVM.
 */

interface LibvirtPlanScenario {
  name: string;
  /** The domain; `{dir}` is the scenario's directory, where the fake back-ends listen. */
  domain: string;
  backends: Record<string, BackendLimit>;
  /** Device XML elements, attached one by one. */
  plan: string[];
  /** Written by hand from the facts: which elements QEMU accepts, so a harness that sees nothing cannot pass. */
  expected: Array<'ok' | 'refused'>;
}

/** libvirt wants the emulator's absolute path. */
function emulatorPath(): string {
  const binary = qemuBinary();
  if (binary.includes('/')) return binary;
  const dirs = (process.env.PATH ?? '/usr/bin:/bin').split(':').filter(Boolean);
  return dirs.map((dir) => join(dir, binary)).find((path) => existsSync(path)) ?? `/usr/bin/${binary}`;
}

/** Eight hot-plug root ports: libvirt gives each hot-plugged PCI device one, and its own devices (memballoon) take some. */
const domain = (devices: string, features = '<features><acpi/></features>') => `<domain type='qemu'>
  <name>memslot-hp</name>
  <maxMemory slots='16' unit='GiB'>64</maxMemory>
  <memory unit='GiB'>1</memory>
  <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  ${features}
  <cpu mode='maximum'><numa><cell id='0' cpus='0' memory='1' unit='GiB'/></numa></cpu>
  <devices>
    <emulator>${emulatorPath()}</emulator>
    <controller type='pci' model='pcie-root'/>
    ${"<controller type='pci' model='pcie-root-port'/>\n    ".repeat(8)}${devices}
  </devices>
</domain>
`;
const dimm = "<memory model='dimm'><target><size unit='GiB'>1</size><node>0</node></target></memory>";
const virtiofs = (socket: string, tag: string) =>
  `<filesystem type='mount'><driver type='virtiofs' queue='1024'/><source socket='{dir}/${socket}'/><target dir='${tag}'/></filesystem>`;
const virtioMem = "<memory model='virtio-mem'><target dynamicMemslots='yes'><size unit='GiB'>16</size><node>0</node>"
  + "<block unit='MiB'>2</block><requested unit='GiB'>0</requested></target></memory>";

const scenarios: LibvirtPlanScenario[] = [
  {
    name: 'DIMMs until a virtiofs back-end without CONFIGURE_MEM_SLOTS (8) is full',
    domain: domain(virtiofs('vu8.sock', 'share')), backends: { 'vu8.sock': 'no-configure-mem-slots' }, plan: Array.from({ length: 8 }, () => dimm),
    // Boot RAM takes 1 of the 8 regions; each shared DIMM one more; the 7th DIMM finds none.
    expected: ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'refused', 'refused'],
  },
  {
    name: 'a domain without <acpi/> (libvirt writes acpi=off): QEMU refuses the DIMM',
    domain: domain('', ''), backends: {}, plan: [dimm], expected: ['refused'],
  },
  {
    name: 'after virtio-mem decided its memslots, a 32-slot virtiofs is refused and a 509-slot one accepted',
    domain: domain(virtioMem), backends: { 'vu32.sock': 32, 'vu509.sock': 509 },
    plan: [virtiofs('vu32.sock', 'a'), virtiofs('vu509.sock', 'b')], expected: ['refused', 'ok'],
  },
];

type Answer = string | null;

/** memslot's answer per element: the first refused step of the element, else null. */
function memslotAnswers(scenario: LibvirtPlanScenario, dir: string): { answers: Answer[]; planFindings: string[] } {
  const args = ['--qemu', '10.0'];
  for (const [socket, limit] of Object.entries(scenario.backends)) {
    args.push('--vhost-user', `${join(dir, socket)}=${limit === 'no-configure-mem-slots' ? 'nocfg' : limit}`);
  }
  const parsed = parseProfileOptions(args);
  assert.deepEqual(parsed.errors, []);
  const profile = applyProfileOptions(defaultHostProfile(), parsed.overrides, 'cli');
  const vm = scenario.domain.replace(/\{dir\}/g, dir);
  // One element per line, from line 1: a step's line names its element.
  const plan = `<devices>\n${scenario.plan.map((element) => element.replace(/\{dir\}/g, dir)).join('\n')}\n</devices>\n`;
  const analysis = analyzeWithPlans(vm, { path: 'vm.xml' }, [{ path: 'attach.xml', text: plan }], profile);
  const machine = analysis.vm.machines[0];
  assert.equal(machine?.simulation?.outcome, 'starts', `memslot: the domain starts\n${JSON.stringify(machine?.findings.map((f) => f.message))}`);
  const steps = machine.hotplug ?? [];
  const answers = scenario.plan.map((_, index) => {
    const refused = steps.find((step) => step.range.start.line === index + 1 && step.result !== 'ok');
    return refused ? refused.error ?? refused.result : null;
  });
  return { answers, planFindings: analysis.plans[0]?.findings.filter((f) => f.code !== 'MS025').map((f) => f.message) ?? [] };
}

const unavailable = libvirtUnavailable();
const binary = qemuBinary();
if (unavailable) {
  reportMissingLibvirt('libvirt hot-plug oracle', unavailable, `the ${scenarios.length} virsh attach-device scenarios`);
} else if (!qemuVersion(binary)) {
  reportMissingQemu('libvirt hot-plug oracle', binary, `the ${scenarios.length} virsh attach-device scenarios`);
} else {
  describe('libvirt hot-plug oracle (virsh attach-device on a running domain)', () => {
    let connection: LibvirtConnection | undefined;
    let startError: unknown;
    before(async () => {
      try {
        connection = await libvirtForDomains();
      } catch (error) {
        startError = error;
      }
    }, { timeout: 40_000 });
    after(async () => { await connection?.stop(); }, { timeout: 20_000 });

    for (const [index, scenario] of scenarios.entries()) {
      test(scenario.name, { timeout: 120_000 }, async () => {
        assert.ok(connection, `libvirtd: ${startError instanceof Error ? startError.message : String(startError)}`);
        const dir = mkdtempSync(join(tmpdir(), `memslot-libvirt-hp${index}-`));
        const backends: FakeVhostUser[] = [];
        const real: Answer[] = [];
        try {
          for (const [socket, limit] of Object.entries(scenario.backends)) {
            backends.push(await startFakeVhostUser({ socketPath: join(dir, socket), maxMemSlots: limit }));
          }
          writeFileSync(join(dir, 'domain.xml'), scenario.domain.replace(/\{dir\}/g, dir));
          const created = await virshCommand(connection, ['create', join(dir, 'domain.xml'), '--paused']);
          assert.ok(created.ok, `libvirt starts the domain: ${created.error}`);
          try {
            for (const [step, element] of scenario.plan.entries()) {
              const file = join(dir, `device${step}.xml`);
              writeFileSync(file, element.replace(/\{dir\}/g, dir));
              const attached = await virshCommand(connection, ['attach-device', 'memslot-hp', file, '--live']);
              real.push(attached.ok ? null : attached.error);
            }
          } finally {
            await virshCommand(connection, ['destroy', 'memslot-hp']);
          }
        } finally {
          await Promise.all(backends.map((backend) => backend.close()));
        }
        const ours = memslotAnswers(scenario, dir);
        rmSync(dir, { recursive: true, force: true });
        assert.deepEqual(ours.planFindings, [], 'memslot reads the plan without findings');
        assert.deepEqual(real.map((answer) => (answer === null ? 'ok' : 'refused')), scenario.expected, `libvirt: ${JSON.stringify(real)}`);
        const table = scenario.plan.map((_, i) => `  ${i + 1}. libvirt: ${JSON.stringify(real[i])}\n     memslot: ${JSON.stringify(ours.answers[i])}`).join('\n');
        for (const [i, answer] of ours.answers.entries()) {
          const libvirt = real[i] ?? null;
          if (answer === null || libvirt === null) assert.equal(answer, libvirt, `element ${i + 1} differs\n${table}`);
          else assert.ok(libvirt.endsWith(answer), `element ${i + 1}: libvirt's error does not end with memslot's\n${table}`);
        }
      });
    }
  });
}
