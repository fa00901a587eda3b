/**
 * The custom LSP protocol between the memslot server and its client, as plain types. No LSP or
 * vscode imports here, so both sides (and the report webview) can import this one file.
 */

export interface ProtocolPosition {
  line: number;
  character: number;
}

export interface ProtocolRange {
  start: ProtocolPosition;
  end: ProtocolPosition;
}

/** `memslot/report`: the data of the report view for one open document. */
export const reportRequestMethod = 'memslot/report';

export interface ReportParams {
  uri: string;
}

/** null when the document is not open in the server or is neither a QEMU script nor a domain XML. */
export type ReportResult = MemslotReport | null;

export interface MemslotReport {
  uri: string;
  /** Which front end read the document: 'shell', 'args' or 'libvirt-xml'. */
  kind: string;
  /** The document version the report was computed for. */
  version: number;
  machines: MachineReport[];
  /** Problems outside any machine (e.g. XML that is not well-formed). */
  findings: ReportFinding[];
  /** Set when the file was not analysed, and why (e.g. "took longer than 2000 ms"): `findings` then holds MS910. */
  notAnalysed?: string;
}

export interface MachineReport {
  /** The invocation or <domain> element, and its binary word / start tag. */
  range: ProtocolRange;
  headRange: ProtocolRange;
  title: string;
  outcome: 'starts' | 'refused' | 'unknown';
  /** Values unresolved shell expansions hide (e.g. "$MAX hides maxmem"): the outcome is a guess. Empty or absent: certain. */
  uncertain?: string[];
  /** Device or netdev QEMU refuses, and its message (null when QEMU starts). */
  refusedBy: string | null;
  error: string | null;
  hint: string | null;
  /** The `step` of the refused plug step, if any. */
  refusedStep: number | null;
  /** Why that step was refused, in one line (the failed check), for the chart's marker. */
  refusedReason?: string | null;
  /** Which moment `consumers[].used` means: "when QEMU stopped at fs0 (before reset)" or "after start (reset, before firmware)". */
  slotMoment?: string;
  /** Why QEMU plugs things in this order (netdevs first, QemuOpts before JSON, libvirt's emission order). */
  plugOrder: string[];
  steps: PlugStep[];
  consumers: ConsumerRow[];
  devices: DeviceRow[];
  host: HostAssumptionRow[];
  findings: ReportFinding[];
}

export interface PlugStep {
  step: number;
  phase: string;
  action: string;
  /** The item's id or label, as the user wrote it. */
  label: string;
  range: ProtocolRange | null;
  result: 'ok' | 'refused' | 'warning' | 'hang' | 'skipped';
  error: string | null;
  /** The simulator's explanations, in the order it decided. */
  explanations: string[];
  /**
   * Slots in use per consumer id after this step, when the simulator reports them
   * (absent: only the end state in `consumers` is known).
   */
  usage?: Record<string, number>;
  /**
   * vhost-init steps: the back-end's memslot limit as the simulator resolved it (null: no limit),
   * so a view can draw it even when the back-end was refused and never became a consumer.
   */
  limit?: number | null;
  /** Short name for axis labels: the device or netdev id, `machine`, `reset`, `guest plug`. */
  short?: string;
  /** Memory-device slots reserved (required − mapped) after this step: counted against every consumer. */
  reserved?: number;
  /** A memory device decided its memslot count here from the free slots (later back-ends under 509 are refused). */
  autoDecision?: { id: string; memslots: number } | null;
}

export interface ConsumerRow {
  id: string;
  /** 'kvm', 'vhost-user', 'vhost-kernel' or 'vhost-vdpa'. */
  kind: string;
  name: string;
  used: number;
  /** null: no limit (vDPA). */
  limit: number | null;
  limitKnown: boolean;
  limitOrigin: string;
  reserved: number;
  headroom: number | null;
  usedAfterGuestPlug: number;
}

export interface DeviceRow {
  id: string;
  driver: string;
  range: ProtocolRange | null;
  sizeBytes: number;
  memslots: number;
  memslotSizeBytes: number | null;
  mapped: number;
  mappedAfterGuestPlug: number;
  dynamicMemslots: boolean;
  autoDecided: boolean;
  status: 'plugged' | 'refused' | 'unplugged';
  /** KVM metadata estimate for the memory mapped after the guest plugs requested-size. */
  metadataBytes: { withTdpMmu: number; withoutTdpMmu: number };
}

export interface HostAssumptionRow {
  name: string;
  value: string;
  /** 'default' | 'settings' | 'cli' | 'script' | 'directive' | 'qemu' | 'assumed'. */
  source: string;
  origin: string;
}

export interface ReportFinding {
  code: string;
  severity: 'error' | 'warning' | 'information' | 'hint';
  message: string;
  range: ProtocolRange;
  related: Array<{ message: string; range: ProtocolRange }>;
  docUrl: string;
}
