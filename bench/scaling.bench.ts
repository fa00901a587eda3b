// Time against size off the happy path (issue 11): refused machines (MS005/MS006 with DIMMs that do
// not fit), undeclared vhost-user back-ends (MS012), thousands of directive lines, XML licence
// headers, backtracking directive globs; each at several sizes, with the growth exponent (1 is
// linear). The inputs are test/support/scaling-inputs.ts. Run: node bench/run.mjs scaling
import { allFindings, analyzeText } from '../server/src/analysis';
import { backtrackingGlob, licenceHeaderXml, manyDirectives, overlappingNumaCells, refusedDimms, undeclaredBackends } from '../test/support/scaling-inputs';
import { globMatches } from '../server/src/simulator/glob';
import { performance } from 'node:perf_hooks';
import { ms, summarize, table, type Summary } from './support/stats';

interface Family {
  name: string;
  unit: string;
  sizes: number[];
  make: (size: number) => string;
  path: string;
  /** What is timed, when not analyzeText of the whole input. */
  run?: (input: string) => unknown;
}

/** The 40-star glob of backtrackingGlob(40), against a path of a's that never ends in b. */
const stars40 = `${'*a'.repeat(40)}b`;

const families: Family[] = [
  { name: 'refused DIMMs (MS005/MS006)', unit: 'DIMM', sizes: [1000, 2000, 4000, 8000], make: refusedDimms, path: '/bench/dimms.sh' },
  { name: 'undeclared vhost-user back-ends (MS012)', unit: 'back-end', sizes: [250, 500, 1000, 2000], make: undeclaredBackends, path: '/bench/backends.sh' },
  { name: 'directive lines', unit: 'line', sizes: [2500, 5000, 10_000, 20_000], make: manyDirectives, path: '/bench/directives.sh' },
  { name: 'licence-header XML (a pom: not a domain)', unit: 'comment', sizes: [40, 400, 4000, 40_000], make: (n) => licenceHeaderXml(n), path: '/bench/pom.xml' },
  { name: 'licence-header domain XML', unit: 'comment', sizes: [40, 400, 4000, 40_000], make: (n) => licenceHeaderXml(n, 'domain'), path: '/bench/vm.xml' },
  { name: 'NUMA cells each naming vCPUs 0-16383 (MS909)', unit: 'cell', sizes: [250, 500, 1000, 2000], make: overlappingNumaCells, path: '/bench/numa.xml' },
  { name: 'backtracking glob `*a*a…b` in a directive', unit: 'star', sizes: [10, 20, 40, 80], make: backtrackingGlob, path: '/bench/glob.sh' },
  {
    name: 'the glob matcher alone: 40-star `*a*a…b` against a path of a\'s', unit: 'character', sizes: [1000, 2000, 4000, 8000],
    // Flattened: V8 builds a long repeat() as a rope, whose every character read costs ~3× more.
    make: (n) => JSON.parse(JSON.stringify('a'.repeat(n))) as string, path: '', run: (path) => globMatches(stars40, path),
  },
];

/**
 * Times every size of a family in turns (one call of each size per round, until the budget is
 * spent, at least 3 rounds), so a change of load on this shared machine hits all sizes alike
 * instead of bending the curve.
 */
function timeInTurns(calls: Array<() => unknown>, budgetMs: number): Summary[] {
  for (const call of calls) call();
  const times: number[][] = calls.map(() => []);
  const until = performance.now() + budgetMs;
  for (let round = 0; round < 3 || (performance.now() < until && round < 10_000); round++) {
    calls.forEach((call, i) => {
      const start = performance.now();
      call();
      times[i]!.push(performance.now() - start);
    });
  }
  return times.map(summarize);
}

const rows: string[][] = [];
const slopes: string[][] = [];
for (const family of families) {
  const texts = family.sizes.map(family.make);
  const run = family.run ?? ((input: string) => analyzeText(input, { path: family.path }));
  const verdicts = texts.map((text) => {
    if (family.run) return `matches: ${String(family.run(text))}`;
    const analysis = analyzeText(text, { path: family.path });
    const codes = [...new Set(allFindings(analysis).map((finding) => finding.code))].sort().join(' ') || '–';
    return `${analysis.machines.map((machine) => machine.simulation?.outcome ?? 'no simulation').join(', ') || 'not analysed'}; ${codes}`;
  });
  const times = timeInTurns(texts.map((text) => () => run(text)), 3000);
  family.sizes.forEach((size, i) => {
    const time = times[i]!;
    const step = i === 0 ? '–' : `×${(time.median / times[i - 1]!.median).toFixed(2)}`;
    rows.push([family.name, `${size} ${family.unit}s`, String(texts[i]!.length), verdicts[i]!, String(time.runs), ms(time.median), ms(time.p90),
      ((time.median * 1000) / size).toFixed(2), step]);
  });
  const first = family.sizes[0]!;
  const last = family.sizes[family.sizes.length - 1]!;
  const exponent = Math.log(times[times.length - 1]!.median / times[0]!.median) / Math.log(last / first);
  slopes.push([family.name, `${first} → ${last}`, exponent.toFixed(2)]);
}

console.log('In-process analyzeText (the glob matcher alone in the last rows) against input size; each size doubles, or grows ×10 for the XML');
console.log('headers; "step" is the time ratio to the size before. The directive glob rows are dominated by the fixed cost of the machine around it.');
console.log(table(['input', 'size', 'characters', 'verdict; finding codes', 'runs', 'median ms', 'p90 ms', 'µs per unit', 'step'], rows, ['l', 'r', 'r', 'l']));
console.log('\nGrowth exponent from the smallest to the largest size: log(time ratio) / log(size ratio); 1 is linear, 2 quadratic.');
console.log(table(['input', 'sizes', 'exponent'], slopes, ['l']));
