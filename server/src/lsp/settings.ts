import { memslotSettingsSchema, profileWithSettings, readMemslotSettings, type SeveritySetting } from '../rules';
import { defaultHostProfile, type HostProfile } from '../simulator';

/**
 * The `memslot.*` settings as the server uses them. The rules' schema (server/src/rules/settings.ts)
 * owns `memslot.rules` and `memslot.host.*`; the adapter adds the editor-only entries below.
 * package.json's `contributes.configuration` must equal `settingsSchema` (test/unit/settings-sync).
 * No LSP imports, so tests read it directly.
 */
export const adapterSettingsSchema = {
  'memslot.analysis.timeoutMs': {
    type: 'integer',
    minimum: 1,
    default: 2000,
    markdownDescription: 'Time budget of the analysis of one file, in milliseconds. Past it the analysis is dropped and the file gets one finding (MS910) saying it was not analysed; the editor stays responsive either way.',
  },
  'memslot.inlayHints.enabled': {
    type: 'boolean',
    default: true,
    markdownDescription: 'Show memslot use after memory devices, boot memory and vhost backends, and a summary after the QEMU binary or `<domain>`.',
  },
  'memslot.trace.server': {
    type: 'string',
    enum: ['off', 'messages', 'verbose'],
    default: 'off',
    description: 'Traces the communication between VS Code and the memslot language server.',
  },
} as const;

export const settingsSchema = { ...memslotSettingsSchema, ...adapterSettingsSchema } as const;

export type TraceSetting = 'off' | 'messages' | 'verbose';

export interface ServerSettings {
  /** The host as the settings describe it (source 'settings'); file directives go on top. */
  profile: HostProfile;
  severityOverrides: Record<string, SeveritySetting>;
  inlayHintsEnabled: boolean;
  trace: TraceSetting;
  /** The watchdog's budget for one document's analysis. */
  analysisTimeoutMs: number;
}

export interface ServerSettingsRead {
  settings: ServerSettings;
  /** One line per ignored value: the server shows them once as a warning. */
  problems: string[];
}

export function defaultServerSettings(): ServerSettings {
  return {
    profile: defaultHostProfile(),
    severityOverrides: {},
    inlayHintsEnabled: adapterSettingsSchema['memslot.inlayHints.enabled'].default,
    trace: adapterSettingsSchema['memslot.trace.server'].default,
    analysisTimeoutMs: adapterSettingsSchema['memslot.analysis.timeoutMs'].default,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates the raw `memslot` section (as `workspace/configuration` returns it); never throws. */
export function readServerSettings(raw: unknown): ServerSettingsRead {
  const settings = defaultServerSettings();
  if (raw === undefined || raw === null) return { settings, problems: [] };
  if (!isRecord(raw)) return { settings, problems: [`memslot: the settings section is ${JSON.stringify(raw)}, not an object; using the defaults`] };
  const core = readMemslotSettings(raw);
  const problems = [...core.errors];
  settings.profile = profileWithSettings(defaultHostProfile(), core);
  settings.severityOverrides = core.severityOverrides;
  const inlay = raw.inlayHints;
  if (isRecord(inlay) && inlay.enabled !== undefined && inlay.enabled !== null) {
    if (typeof inlay.enabled === 'boolean') settings.inlayHintsEnabled = inlay.enabled;
    else problems.push(`memslot.inlayHints.enabled: ${JSON.stringify(inlay.enabled)} is not true or false; using the default`);
  }
  const trace = isRecord(raw.trace) ? raw.trace.server : undefined;
  if (trace !== undefined && trace !== null) {
    if (trace === 'off' || trace === 'messages' || trace === 'verbose') settings.trace = trace;
    else problems.push(`memslot.trace.server: ${JSON.stringify(trace)} is not off, messages or verbose; using the default`);
  }
  const timeout = isRecord(raw.analysis) ? raw.analysis.timeoutMs : undefined;
  if (timeout !== undefined && timeout !== null) {
    if (typeof timeout === 'number' && Number.isInteger(timeout) && timeout >= 1) settings.analysisTimeoutMs = timeout;
    else problems.push(`memslot.analysis.timeoutMs: ${JSON.stringify(timeout)} is not a whole number of milliseconds of at least 1; using the default`);
  }
  return { settings, problems };
}
