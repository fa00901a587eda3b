/**
 * `-readconfig FILE`: QEMU's configuration-file syntax (util/qemu-config.c qemu_config_parse()),
 * `[group]` or `[group "id"]` headers followed by `key = "value"` lines, `#` comments. Each
 * section is the option of that name written as QemuOpts (`[device "fs0"]` + `driver = "..."` is
 * `-device driver=...,id=fs0`). The front end never reads files itself: the adapters pass a reader
 * that only answers for files inside the workspace (the editor) or next to the script (the CLI).
 */

/** What a `-readconfig` reader answers: the file's text, or why it was not read. */
export type ConfigFileRead = { text: string } | { reason: string };
/** `path` as written in the document (relative to the document's folder when not absolute). */
export type ConfigFileReader = (path: string) => ConfigFileRead;

/** The options a section becomes; the first key of an option names the value QEMU implies. */
const sectionOptions: Readonly<Record<string, { option: string; first?: string; idKey?: string }>> = {
  memory: { option: 'm' },
  machine: { option: 'machine' },
  device: { option: 'device', first: 'driver' },
  object: { option: 'object', first: 'qom-type' },
  chardev: { option: 'chardev', first: 'backend' },
  netdev: { option: 'netdev', first: 'type' },
  numa: { option: 'numa', first: 'type' },
};

export interface ConfigOption {
  option: string;
  value: string;
}

export type ConfigParse = { ok: true; options: ConfigOption[]; ignored: string[] } | { ok: false; message: string; line: number };

function escapeValue(value: string): string {
  return value.replace(/,/g, ',,');
}

export function parseConfigFile(text: string): ConfigParse {
  const options: ConfigOption[] = [];
  const ignored = new Set<string>();
  let current: { option: string; first?: string; id?: string; entries: Array<[string, string]> } | null = null;
  let sawGroup = false;
  const flush = (): void => {
    if (current === null) return;
    const entries = [...current.entries];
    const firstIndex = current.first === undefined ? -1 : entries.findIndex(([key]) => key === current!.first);
    if (firstIndex > 0) entries.unshift(...entries.splice(firstIndex, 1));
    if (current.id !== undefined) entries.push(['id', current.id]);
    options.push({ option: current.option, value: entries.map(([key, value]) => `${key}=${escapeValue(value)}`).join(',') });
    current = null;
  };
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[([A-Za-z0-9_-]+)(?:\s+"([^"]*)")?\]$/.exec(line);
    if (header) {
      flush();
      sawGroup = true;
      const known = sectionOptions[header[1]];
      if (known === undefined) {
        ignored.add(header[1]);
        current = null;
        continue;
      }
      current = { option: known.option, entries: [] };
      if (known.first !== undefined) current.first = known.first;
      if (header[2] !== undefined) current.id = header[2];
      continue;
    }
    const entry = /^([A-Za-z0-9_.-]+)\s*=\s*"([^"]*)"$/.exec(line);
    // QEMU's words (util/qemu-config.c qemu_config_parse()).
    if (!entry) return { ok: false, message: 'parse error', line: index + 1 };
    if (!sawGroup) return { ok: false, message: 'no group defined', line: index + 1 };
    if (current !== null) (current as { entries: Array<[string, string]> }).entries.push([entry[1], entry[2]]);
  }
  flush();
  return { ok: true, options, ignored: [...ignored] };
}
