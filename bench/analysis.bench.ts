// In-process analysis time (front end + directives + simulator + rules: `analyzeText`, what the
// LSP server and the CLI both call) of a typical script and domain, a 1 000-device command line
// and a 20 000-line domain XML. Run: node bench/run.mjs analysis
import { allFindings, analyzeText } from '../server/src/analysis';
import { largeDomain, largeScript, typicalDomain, typicalDomainPath, typicalScript, typicalScriptPath } from './support/inputs';
import { ms, table, timeSync } from './support/stats';

interface Case {
  name: string;
  text: string;
  path: string;
  targetMs: number;
}

const cases: Case[] = [
  { name: 'typical script (examples/virtio-mem-then-vhost-user-fs.sh)', text: typicalScript(), path: typicalScriptPath, targetMs: 1 },
  { name: 'typical domain XML (examples/libvirt-virtio-mem-virtiofs.xml)', text: typicalDomain(), path: typicalDomainPath, targetMs: 1 },
  { name: 'generated command line, 1 000 -device', text: largeScript(), path: '/bench/large.sh', targetMs: 50 },
  { name: 'generated domain XML, 20 000 lines', text: largeDomain(), path: '/bench/large.xml', targetMs: 50 },
];

const rows = cases.map(({ name, text, path, targetMs }) => {
  const analysis = analyzeText(text, { path });
  const verdicts = analysis.machines.map((machine) => machine.simulation?.outcome ?? 'no simulation').join(', ');
  const codes = [...new Set(allFindings(analysis).map((finding) => finding.code))].join(' ') || '–';
  const lines = text.split('\n').length - 1;
  // Large inputs get fewer runs (at least 3) so the whole benchmark run stays bounded.
  const loop = targetMs > 1 ? { warmMs: 0, measureMs: 1500, minRuns: 3 } : { warmMs: 300, measureMs: 1500, minRuns: 10 };
  const time = timeSync(() => analyzeText(text, { path }), loop);
  return [name, String(lines), `${verdicts}; ${codes}`, String(time.runs), ms(time.median), ms(time.p90), ms(time.max), `< ${targetMs}`, time.median < targetMs ? 'met' : 'MISSED'];
});

console.log(table(
  ['input', 'lines', 'verdict; finding codes', 'runs', 'median ms', 'p90 ms', 'max ms', 'target ms (median)', 'target'],
  rows,
  ['l', 'r', 'l'],
));
