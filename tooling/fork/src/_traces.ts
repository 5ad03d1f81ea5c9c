import { loadDemos } from './manifest.ts'
import { findTraces } from './traces.ts'
import { removeMarkedLines } from './remove-demo.ts'
import { readFileSync } from 'node:fs'
const root = '/work/main'
const only = process.argv[2]
for (const demo of (await loadDemos()).values()) {
  if (only && demo.name !== only) continue
  const own = [...demo.paths, ...(demo.generated ?? [])]
  const t = findTraces(root, demo).filter(
    (x) => !own.some((p) => x.file === p || x.file.startsWith(p + '/')),
  )
  // drop lines already marked
  const left = t.filter((x) => {
    const src = readFileSync(root + '/' + x.file, 'utf8')
    const after = removeMarkedLines(src, demo.name).split('\n')
    return after.some((l) => l.trim() === x.text)
  })
  const byFile = new Map<string, number[]>()
  for (const x of left) byFile.set(x.file, [...(byFile.get(x.file) ?? []), x.line])
  console.log(`== ${demo.name}: ${left.length}`)
  for (const [f, lines] of byFile) console.log(`  ${f}: ${[...new Set(lines)].join(',')}`)
}
