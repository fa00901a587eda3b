import type { TextEdit } from './findings';
import type { Device, MemoryBackend, ModelItem } from './machine';

/**
 * How a rule's fix changes the text: the rules say *what* to change in terms of the model (set this
 * property of that device, move these options before that one), and the front end that read the
 * text says *how*, on its own structure (shell words and QemuOpts/JSON for a command line, the XML
 * tree for a domain). A rule never edits characters itself and never asks which front end it has:
 * an operation the file cannot express answers null, and the rule offers no fix for it.
 */

/** The QEMU properties fixes set, by QEMU's name; each front end spells them its own way, or cannot. */
export type EditableProperty = 'dynamic-memslots' | 'unplugged-inaccessible' | 'block-size' | 'unarmed' | 'share';

export type PropertyValue = boolean | number | string;

/** Edits with the words a fix's title uses for them, in the file's own spelling. */
export interface ProposedEdit {
  title: string;
  edits: TextEdit[];
}

/** The values `-m` (or its equivalent) should hold: maxmem in bytes, slots as a count. */
export interface MemoryLimits {
  maxmem?: number;
  slots?: number;
}

/** `${refuser} refuses <device>: ${requirement}`, and the refusal in the refuser's own words. */
export interface UnsupportedProperty {
  refuser: string;
  requirement: string;
  verbatim: string;
}

/**
 * The words a finding or fix uses where the front end decides them: `dynamic-memslots=off` on a
 * command line is `dynamicMemslots='no'` in domain XML.
 */
export interface FrontendVocabulary {
  /** A property set to a value as the file writes it: `dynamic-memslots=on`, `dynamicMemslots='yes'`. */
  assignment(property: EditableProperty, value: PropertyValue): string;
  /** A `memslot:` directive as the file writes it: `# memslot: --vhost-user X=N`, `<!-- memslot: vhost-user X=N -->`. */
  directive(flag: string, value: string): string;
  /**
   * Why moving devices in the text cannot change the order QEMU creates them in (libvirt emits
   * them in an order of its own); undefined where the file's order is QEMU's order.
   */
  fixedOrder?: string;
  /**
   * Who refuses a property this QEMU lacks and in which words: QEMU itself, or a manager (libvirt)
   * that checks QEMU's capabilities before starting it. `qemuVersion` is `major.minor`.
   */
  unsupportedProperty(property: EditableProperty, qemuVersion: string, qemuError: string): UnsupportedProperty;
}

/** The editing interface a rule's fixes use; analysis.ts passes the front end's one in the rule context. */
export interface DocumentEditor {
  readonly vocabulary: FrontendVocabulary;
  /** Sets (replaces where written, else adds) a property of a device or backend; null when the file cannot express it. */
  setProperty(item: ModelItem, property: EditableProperty, value: PropertyValue): TextEdit | null;
  /** Deletes a written property with its separator; null when it is not written or cannot be removed here. */
  removeProperty(item: ModelItem, property: EditableProperty): TextEdit | null;
  /**
   * Moves whole items (in the order given) to just before `target`, keeping the file's layout;
   * null where the text order is not QEMU's order (see `vocabulary.fixedOrder`).
   */
  moveBefore(moved: ModelItem[], target: ModelItem): TextEdit[] | null;
  /** Writes maxmem and slots on the machine's memory option; null when the file cannot. */
  setMemoryLimits(limits: MemoryLimits): ProposedEdit | null;
  /**
   * Makes guest memory shared (and fd-backed) for a vhost-user back-end: `backend` is the memory the
   * back-end cannot map (undefined for boot RAM without a backend); `needsFdType` asks for a backend
   * type with an fd where the written type has none.
   */
  ensureSharedMemory(backend: MemoryBackend | undefined, options: { needsFdType: boolean }): ProposedEdit | null;
  /** Turns the machine's ACPI on (DIMMs need its hot-plug device); null when the file cannot. */
  enableAcpi(): ProposedEdit | null;
  /** Rewrites a JSON `-device` in QemuOpts form (QEMU realises those first); null when it has no such form here. */
  rewriteInQemuOptsForm(device: Device): TextEdit | null;
  /** Inserts a `memslot:` directive line (`flag` as on the CLI, e.g. `--vhost-user`) above the machine. */
  insertDirective(flag: string, value: string): TextEdit;
}
