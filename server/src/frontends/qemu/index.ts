import { comparePositions, rangeContains } from '../../model/range';
import type { FrontendResult, MachineModel } from '../../model/machine';
import { ModelBuilder } from './build-model';
import { findInvocations } from './invocations';
import { DocumentText } from '../../model/document-text';
import { splitShell } from './shell-words';
import { findBackendDaemons } from './backend-daemons';
import { blankSnippetPrefixes, type SnippetOptions } from './snippets';
import type { ConfigFileReader } from './readconfig';
import { QemuEditor } from './editor';

export type { ConfigFileReader, ConfigFileRead } from './readconfig';

export interface QemuDocumentOptions extends SnippetOptions {
  /** Answers `-readconfig` files; without it they are reported as not read. */
  readConfig?: ConfigFileReader;
}

export { splitShell, type ShellWord, type SimpleCommand, type ShellScript } from './shell-words';
export { parseQemuOpts } from './qemu-opts';
export { parseJson } from './json-option';


/**
 * Reads every qemu-system invocation in a shell script ('shell') or a QEMU argument file ('args').
 * An argument file without a qemu-system binary is one invocation's option list. Never throws.
 */
export function parseQemuDocument(source: string | DocumentText, kind: 'shell' | 'args', options: QemuDocumentOptions = { rootPrompts: false }): FrontendResult {
  try {
    const lines = DocumentText.of(source);
    const script = splitShell(blankSnippetPrefixes(lines.text, options), lines);
    const machines: MachineModel[] = findInvocations(script, kind)
      .map((invocation) => new ModelBuilder(invocation, lines, options.readConfig).build());
    const diagnostics: FrontendResult["diagnostics"] = [];
    // Shell syntax problems belong to the invocation they occur in, when there is one.
    for (const finding of script.findings) {
      const owner = machines.find((machine) => rangeContains(machine.range, finding.range.start));
      if (owner) owner.diagnostics.push(finding);
      else diagnostics.push(finding);
    }
    for (const machine of machines) machine.diagnostics.sort((a, b) => comparePositions(a.range.start, b.range.start));
    return { machines, diagnostics, editorFor: (machine) => new QemuEditor(lines, machine), ...(kind === 'shell' ? { startedBackends: findBackendDaemons(script, lines) } : {}) };
  } catch (error) {
    // Unreachable by design; if a bug gets here the document still gets an answer.
    return {
      machines: [],
      editorFor: (machine) => new QemuEditor(DocumentText.of(source), machine),
      diagnostics: [{
        code: 'MS901',
        severity: 'error',
        message: `internal error in the QEMU front end: ${error instanceof Error ? error.message : String(error)}`,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      }],
    };
  }
}
