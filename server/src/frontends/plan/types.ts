import type { Finding } from '../../model/findings';
import type { Range } from '../../model/range';
import type { Located } from '../../model/values';
import type { HotplugEvent } from '../../model/machine';

export type PlanFormat = 'qmp' | 'hmp' | 'libvirt-device';

/** One command of a plan, as QEMU receives it (a libvirt element gives several). */
export interface PlanStep {
  /** The QMP command name (`object-add`, `device_add`...), also for HMP and libvirt input. */
  command: string;
  /** The id the step adds or deletes; for `qom-set` the device the path names. */
  id: string | null;
  /** The text the step came from (its line, or its libvirt element). */
  range: Range;
  event: HotplugEvent;
}

export interface HotplugPlan {
  format: PlanFormat;
  steps: PlanStep[];
  /** Lines or elements memslot could not read (MS028). */
  findings: Finding[];
  /** `# memslot: vm PATH` (XML: `<!-- memslot: vm PATH -->`): the VM file the plan is for, as written. */
  vm?: Located<string>;
}
