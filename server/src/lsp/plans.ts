import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { scanXmlRoot } from '../frontends';
import { planCodes } from '../frontends/plan';
import type { Finding } from '../model/findings';
import { makeRange, rangeContains, type Position, type Range } from '../model/range';
import { readPlan, type HotplugAnalysis, type HotplugStepResult } from '../plan-analysis';
import { usageAfterStep } from '../simulator';
import { isInsideRoots, readRegularFile } from '../workspace-paths';

/**
 * Hot-plug plans in the editor: `.qmp`/`.hmp` files, and libvirt device XML (a root of
 * `<memory>`, `<filesystem>`, `<interface>`, `<disk>` or `<devices>`). A plan is run against its
 * VM file: the one a `memslot: vm PATH` comment names, else the file with the same base name in
 * the same folder. This is the one place the server reads a file that is not open, and it reads
 * only VM files inside the workspace folders (the plan's own folder when there is no workspace).
 */

const vmExtensions = ['.sh', '.bash', '.qemu', '.qemuargs', '.args', '.xml'];
const deviceRoots = new Set(['memory', 'filesystem', 'interface', 'disk', 'devices']);

export function isPlanDocument(languageId: string, path: string, text: string): boolean {
  if (languageId === 'qemu-hotplug' || /\.(qmp|hmp)$/i.test(path)) return true;
  if (languageId !== 'xml' && !/\.xml$/i.test(path)) return false;
  // The root by one forward scan: a prolog regex backtracked exponentially on licence headers.
  const root = scanXmlRoot(text);
  return root.kind === 'root' && deviceRoots.has(root.name);
}

export interface PlanEnvironment {
  /** Workspace folder paths. */
  roots: string[];
  /** The text of an open document at this path, which wins over the file on disk. */
  openText(path: string): string | undefined;
}

export interface PlanDocumentAnalysis {
  findings: Finding[];
  vmPath?: string;
  vmText?: string;
  result?: HotplugAnalysis;
  /** Why the plan was not analysed (it ran past the watchdog's budget); its finding is MS910. */
  notAnalysed?: string;
}

/** VM files are read up to this size (a 20,000-line domain is ~1 MiB). */
const maxVmBytes = 32 * 1024 * 1024;

function allowed(path: string, planPath: string, env: PlanEnvironment): boolean {
  return isInsideRoots(env.roots.length > 0 ? env.roots : [dirname(planPath)], path);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Same folder, same base name: `vm.qmp` → `vm.sh`...; `vm.attach.xml` → `vm.xml`. */
function sibling(planPath: string, env: PlanEnvironment): string | undefined {
  const folder = dirname(planPath);
  let base = basename(planPath, extname(planPath));
  for (let i = 0; i < 2 && base !== ''; i++) {
    for (const extension of vmExtensions) {
      const candidate = join(folder, `${base}${extension}`);
      // Checked before the file is looked at: a plan outside the workspace must not probe its folder.
      if (candidate !== planPath && allowed(candidate, planPath, env) && isFile(candidate)) return candidate;
    }
    base = basename(base, extname(base));
  }
  return undefined;
}

function problem(message: string, range: Range): Finding {
  const { code, defaultSeverity } = planCodes.unreadable;
  return { code, severity: defaultSeverity, message, range };
}

/** The plan's VM file and its text (an open document's wins over the disk), or why there is none. */
export type PlanVm = { vmPath: string; vmText: string } | { findings: Finding[]; vmPath?: string };

/** Finds and reads the VM file a plan runs against: file access only, no analysis (that may be slow). */
export function locatePlanVm(text: string, planPath: string, env: PlanEnvironment): PlanVm {
  // The directive is read from the plan itself (the VM text does not matter for it).
  const directive = readPlan({ path: planPath, text }, '').vm;
  let vmPath: string | undefined;
  if (directive) {
    const candidate = resolve(dirname(planPath), directive.value);
    if (!allowed(candidate, planPath, env)) return { findings: [problem(`memslot reads a VM file only inside the workspace: ${directive.value} is outside`, directive.range)] };
    if (env.openText(candidate) === undefined && !existsSync(candidate)) return { findings: [problem(`VM file ${directive.value} not found`, directive.range)] };
    vmPath = candidate;
  } else {
    vmPath = sibling(planPath, env);
    if (vmPath === undefined) {
      return { findings: [problem(`no VM file for this plan: add '# memslot: vm PATH' or name the VM ${basename(planPath, extname(planPath))}.sh (or .xml...)`, makeRange(0, 0, 0, 0))] };
    }
  }
  const vmText = env.openText(vmPath);
  if (vmText !== undefined) return { vmPath, vmText };
  const read = readRegularFile(vmPath, maxVmBytes);
  if (!('text' in read)) return { findings: [problem(`cannot read the VM file ${vmPath}: ${read.reason}`, directive?.range ?? makeRange(0, 0, 0, 0))], vmPath };
  return { vmPath, vmText: read.text };
}

/** A plan's findings and the VM's analysis with the plan applied, from the plan's VM. */
export function planAnalysisOf(vm: { vmPath: string; vmText: string }, result: HotplugAnalysis): PlanDocumentAnalysis {
  return { findings: result.plans[0]?.findings ?? [], vmPath: vm.vmPath, vmText: vm.vmText, result };
}

/** Hover on a plan step: QEMU's answer, verbatim, and the slots in use once the step is done. */
export function planHover(analysis: PlanDocumentAnalysis, position: Position): string | undefined {
  const machine = analysis.result?.vm.machines[0];
  const steps = machine?.hotplug ?? [];
  const step = steps.find((candidate) => rangeContains(candidate.range, position));
  if (!machine?.simulation || !step) return undefined;
  const lines = [`**${step.command}${step.id ? ` ${step.id}` : ''}**: ${answer(step)}`];
  if (step.error) lines.push('', `QEMU: \`${step.error}\``);
  const usage = usageAfterStep(machine.simulation, step.step);
  if (usage) {
    const limits = new Map(machine.simulation.consumers.map((consumer) => [consumer.id, consumer.limit]));
    lines.push('', `Slots in use after this step (VM \`${basename(analysis.vmPath ?? '')}\`):`, '', '| consumer | used | limit |', '| --- | --- | --- |');
    // The vhost back-ends first: with their small limits they are what refuses.
    const entries = Object.entries(usage).sort(([a], [b]) => Number(a.startsWith('kvm')) - Number(b.startsWith('kvm')));
    for (const [id, used] of entries) lines.push(`| ${id} | ${used} | ${limits.get(id) ?? '—'} |`);
  }
  const event = machine.simulation.events.find((candidate) => candidate.step === step.step);
  for (const decision of event?.decisions ?? []) lines.push('', `- ${decision.explanation}`);
  return lines.join('\n');
}

function answer(step: HotplugStepResult): string {
  if (step.modelled === false) return 'not modelled; memslot assumes QEMU accepts it';
  if (step.result === 'hang') return 'QEMU never answers (it reconnects to the vhost-user back-end forever)';
  return step.result === 'error' ? 'QEMU refuses it' : 'QEMU accepts it';
}
