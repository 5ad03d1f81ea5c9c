/**
 * `pnpm bench` (quick, a few minutes) and `pnpm bench --full` (larger N, under half an hour).
 * Benchmarks the production builds; builds them first when they are missing or predate the
 * bench route.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { installCleanupHandlers, pinSelfToLoadCore, cpuCount } from './lib/proc.ts'
import { PROFILES } from './profiles.ts'
import { markdownReport, textReport } from './report/markdown.ts'
import { fanoutSvg } from './report/svg.ts'
import type { RunResult } from './results.ts'
import { runBench } from './run.ts'
import { BENCH_DIR, REPO_ROOT, missingBuilds } from './servers/start.ts'

const args = new Set(process.argv.slice(2))
if (args.has('--help') || args.has('-h')) {
  console.info(`pnpm bench [--full] [--build] [--no-docs]

  --full     larger N (fan-out to 5,000, 10,000 idle connections): under 30 minutes
  --build    run \`pnpm build\` first even when builds exist
  --no-docs  write the JSON only, leave docs/benchmarks.md as it is
  --smoke    tiny N, every scenario (what the unit test runs); never touches docs/`)
  process.exit(0)
}
// `--report <file>`: regenerate docs/benchmarks.md and the chart from a results file, run nothing.
const reportIndex = process.argv.indexOf('--report')
if (reportIndex !== -1) {
  // pnpm runs this in bench/; INIT_CWD is where the user typed the command.
  const file = path.resolve(
    process.env.INIT_CWD ?? process.cwd(),
    process.argv[reportIndex + 1] ?? '',
  )
  const result = JSON.parse(readFileSync(file, 'utf8')) as RunResult
  writeDocs(result, path.relative(REPO_ROOT, file))
  process.exit(0)
}

function writeDocs(result: RunResult, relative: string): void {
  const docs = path.join(REPO_ROOT, 'docs')
  mkdirSync(docs, { recursive: true })
  writeFileSync(path.join(docs, 'benchmarks.svg'), fanoutSvg(result))
  writeFileSync(
    path.join(docs, 'benchmarks.md'),
    markdownReport(result, relative, path.join(BENCH_DIR, 'NOTES.md')),
  )
  console.info(`[bench] wrote docs/benchmarks.md and docs/benchmarks.svg from ${relative}`)
}

const profile = args.has('--full')
  ? PROFILES.full
  : args.has('--smoke')
    ? PROFILES.smoke
    : PROFILES.quick

installCleanupHandlers()
if (cpuCount() < 2) console.warn('[bench] fewer than 2 cores: servers and load share one core')
pinSelfToLoadCore()

// Build output the scenarios need beyond the servers' own (a build from before it was added).
const needed: string[] = [
  path.join(REPO_ROOT, 'apps/web/.next/server/app/api/bench/ticker/route.js'), // demo:ticker
]
const missing = missingBuilds()
if (args.has('--build') || missing.length > 0 || needed.some((file) => !existsSync(file))) {
  console.info(
    `[bench] ${missing.length > 0 ? `missing ${missing.join(', ')}` : 'building'}: running \`pnpm build\` (production builds; the bench never runs dev mode)`,
  )
  execFileSync('pnpm', ['build'], { cwd: REPO_ROOT, stdio: 'inherit' })
}

console.info(`[bench] ${profile.name} run: servers on core 0, load on core 1`)
const result = await runBench({ profile, log: (line) => console.info(line) })

// Smoke runs are for checking the harness, not results: they stay out of bench/results.
const resultsDir =
  profile.name === 'smoke'
    ? path.join(tmpdir(), 'duplex-bench-smoke')
    : path.join(BENCH_DIR, 'results')
mkdirSync(resultsDir, { recursive: true })
const file = path.join(
  resultsDir,
  `${result.startedAt.replace(/[:.]/g, '-').replace(/-\d+Z$/, 'Z')}-${result.mode}.json`,
)
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
const relative = path.relative(REPO_ROOT, file)

console.info(`\n${textReport(result)}\n`)
if (!args.has('--no-docs') && profile.name !== 'smoke') {
  writeDocs(result, relative)
}
console.info(`[bench] wrote ${relative}`)
const missed = result.goals.filter((g) => !g.pass)
console.info(
  `[bench] ${result.goals.length - missed.length} of ${result.goals.length} goals met in ${result.durationS} s`,
)
