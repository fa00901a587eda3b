import { analyzeText, runGuarded, type AnalysisOptions, type DocumentAnalysis, type DocumentHint, type MachineAnalysis } from './analysis';
import { detectPlanFormat, parsePlan, planCodes, type HotplugPlan, type PlanStep } from './frontends/plan';
import { parseLibvirtDevicePlan } from './frontends/plan/libvirt';
import type { Finding } from './model/findings';
import type { Range } from './model/range';
import { DocumentText } from './model/document-text';
import { capacity, simulate, type Capacity, type HostProfile, type RefusalReason, type Simulation, type SimulationEvent } from './simulator';
import { describePlanRefusal } from './features/plan-messages';

/**
 * Hot-plug what-if: a VM file and the plans to send to it once it runs (QMP, HMP or libvirt
 * device XML), applied in order. The VM is analysed as usual; each machine is then simulated
 * again with the plan's steps, and every step gets QEMU's answer with the range it came from.
 */

export interface PlanInput {
  path: string;
  text: string;
}

/** One step's answer: the CLI's JSON `simulation.hotplug[]` entry. */
export interface HotplugStepResult {
  command: string;
  id: string | null;
  result: 'ok' | 'error' | 'hang';
  /** Why QEMU refuses it (null when it accepts): what messages switch on. */
  reason: RefusalReason | null;
  /** QEMU's QMP `desc`, verbatim. */
  error: string | null;
  range: Range;
  /** The plan file the step came from. */
  path: string;
  /** The simulation's step number (its event), for the slot use at that moment. */
  step: number;
  /** false: memslot does not model this command, and assumed QEMU accepts it. */
  modelled?: false;
}

export interface PlanAnalysis {
  path: string;
  plan: HotplugPlan;
  /** Refused and hanging steps, unreadable lines, commands not modelled (ranges in the plan). */
  findings: Finding[];
}

export interface HotplugMachine extends MachineAnalysis {
  /** Per plan step in order; steps after a hang are absent (QEMU never got them). */
  hotplug?: HotplugStepResult[];
  capacity?: Capacity;
}

export interface HotplugAnalysis {
  vm: DocumentAnalysis & { machines: HotplugMachine[] };
  plans: PlanAnalysis[];
}

export function readPlan(input: PlanInput, vmText: string): HotplugPlan {
  const format = detectPlanFormat(input.path, input.text) ?? 'qmp';
  if (format === 'libvirt-device') return parseLibvirtDevicePlan(new DocumentText(input.text), vmText);
  return parsePlan(input.text, format);
}

/** The VM's analysis with every plan applied, in order, to each machine; `capacity` after the plans. */
export function analyzeWithPlans(
  vmText: string, hint: DocumentHint, plans: PlanInput[], options: HostProfile | AnalysisOptions = {}): HotplugAnalysis {
  const vm: HotplugAnalysis['vm'] = analyzeText(vmText, hint, options);
  const read = plans.map((input) => ({ input, plan: readPlan(input, vmText) }));
  const steps: Array<{ step: PlanStep; path: string; planIndex: number }> = [];
  read.forEach(({ input, plan }, planIndex) => plan.steps.forEach((step) => steps.push({ step, path: input.path, planIndex })));
  const planFindings: Finding[][] = read.map(({ plan }) => [...plan.findings]);
  vm.machines = vm.machines.map((machine, machineIndex) => {
    if (!machine.simulation) return machine;
    const events = steps.map((s) => s.step.event);
    const findings: Finding[] = [];
    const simulation = runGuarded('simulating the hot-plug plan', machine.model.headRange, findings, () => simulate(machine.model, machine.profile, events));
    if (!simulation) return { ...machine, findings: [...machine.findings, ...findings] };
    const hotplug = stepResults(simulation, steps);
    // One machine's answers are the plan's findings (several machines in one file: the first).
    if (machineIndex === 0) hotplug.forEach((result, index) => {
      const finding = stepFinding(result, steps[index].step, simulation);
      if (finding) planFindings[steps[index].planIndex].push(finding);
    });
    const headroom = runGuarded('computing the hot-plug capacity', machine.model.headRange, findings, () => capacity(machine.model, machine.profile, events, simulation));
    return { ...machine, simulation, hotplug, ...(headroom ? { capacity: headroom } : {}), findings: [...machine.findings, ...findings] };
  });
  // Without a plan, capacity is still a question the VM answers.
  return { vm, plans: read.map(({ input, plan }, index) => ({ path: input.path, plan, findings: planFindings[index] })) };
}

/** `capacity` of each machine of an analysed VM, with no plan. */
export function withCapacity(analysis: DocumentAnalysis): DocumentAnalysis & { machines: HotplugMachine[] } {
  return {
    ...analysis,
    machines: analysis.machines.map((machine) => {
      if (!machine.simulation || machine.simulation.outcome !== 'starts') return machine;
      const findings: Finding[] = [];
      const headroom = runGuarded('computing the hot-plug capacity', machine.model.headRange, findings, () => capacity(machine.model, machine.profile, [], machine.simulation as Simulation));
      return headroom ? { ...machine, capacity: headroom } : { ...machine, findings: [...machine.findings, ...findings] };
    }),
  };
}

function lastEventOfStep(simulation: Simulation): Map<number, SimulationEvent> {
  const byStep = new Map<number, SimulationEvent>();
  for (const event of simulation.events) if (event.ref?.collection === 'hotplug') byStep.set(event.ref.index, event);
  return byStep;
}

function stepResults(simulation: Simulation, steps: Array<{ step: PlanStep; path: string }>): HotplugStepResult[] {
  if (simulation.outcome !== 'starts') return [];
  const byStep = lastEventOfStep(simulation);
  const results: HotplugStepResult[] = [];
  for (let index = 0; index < steps.length; index++) {
    const event = byStep.get(index);
    if (!event) break;
    const { step, path } = steps[index];
    const result: HotplugStepResult = {
      command: step.command, id: step.id,
      result: event.result === 'hang' ? 'hang' : event.result === 'refused' ? 'error' : 'ok',
      reason: event.result === 'hang' || event.result === 'refused' ? event.reason : null,
      error: event.result === 'hang' || event.result === 'refused' ? event.error : null,
      range: step.range, path, step: event.step,
    };
    if (event.result === 'skipped') result.modelled = false;
    results.push(result);
  }
  return results;
}

function stepFinding(result: HotplugStepResult, step: PlanStep, simulation: Simulation): Finding | undefined {
  if (result.modelled === false) {
    const { code, defaultSeverity } = planCodes.notModelled;
    return { code, severity: defaultSeverity, message: `memslot does not model ${step.command}; later steps assume QEMU accepted it`, range: step.range };
  }
  if (result.result === 'ok') return undefined;
  const meta = result.result === 'hang' ? planCodes.hangingStep : planCodes.refusedStep;
  const verbatim = result.error ?? '';
  return {
    code: meta.code, severity: meta.defaultSeverity, range: step.range,
    message: describePlanRefusal(result, simulation),
    related: [{ message: `QEMU: ${verbatim}`, range: step.range }],
    data: { subjects: result.id ? [result.id] : [], qemuError: verbatim },
  };
}

