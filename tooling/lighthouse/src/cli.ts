import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import desktopConfig from 'lighthouse/core/config/desktop-config.js'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { io } from 'socket.io-client' // demo:chat
import { missedGoals, type Audit } from './goals.ts'
import { PAGES } from './pages.ts'
import { renderReport } from './report.ts'
import { REPO_ROOT, missingBuilds, startServers } from './servers.ts'

// `pnpm lighthouse [--pages /,/about] [--out docs/lighthouse.md]`: every page, signed out and
// signed in, with Lighthouse's phone and desktop presets, in Debian's Chromium (CHROMIUM_PATH).

const { values } = parseArgs({
  options: {
    pages: { type: 'string' },
    out: { type: 'string', default: path.join(REPO_ROOT, 'docs/lighthouse.md') },
  },
})

const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

const missing = missingBuilds()
if (missing.length > 0) {
  console.error(`[lighthouse] build first (\`pnpm build\`): missing ${missing.join(', ')}`)
  process.exit(1)
}

const pages = values.pages ? values.pages.split(',') : PAGES
const dataDir = mkdtempSync(path.join(tmpdir(), 'duplex-lighthouse-'))
const servers = await startServers(dataDir)
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const chrome = await chromeLauncher.launch({ chromePath: chromiumPath, chromeFlags: CHROME_FLAGS })
const audits: Audit[] = []
const startedAt = new Date().toISOString()
try {
  // A session, and a room and a document of its own for the pages that show one.
  const signIn = await fetch(`${servers.webUrl}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Lighthouse' }),
  })
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const token = /duplex_session=([^;]+)/.exec(cookie)?.[1] ?? ''
  const names = { room: 'lighthouse', doc: 'lighthouse-notes' }
  await prepare(names, token)

  for (const page of pages) {
    const url = servers.webUrl + page.replace(':room', names.room).replace(':doc', names.doc)
    for (const state of ['signed out', 'signed in'] as const) {
      for (const preset of ['mobile', 'desktop'] as const) {
        const result = await lighthouse(
          url,
          {
            port: chrome.port,
            output: 'json',
            logLevel: 'error',
            onlyCategories: ['performance', 'accessibility', 'best-practices', 'seo'],
            ...(state === 'signed in' && { extraHeaders: { Cookie: cookie } }),
          },
          preset === 'desktop' ? desktopConfig : undefined,
        )
        if (!result) throw new Error(`no result for ${url}`)
        const { categories, audits: found } = result.lhr
        const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100)
        const audit: Audit = {
          page,
          state,
          preset,
          performance: score('performance'),
          accessibility: score('accessibility'),
          bestPractices: score('best-practices'),
          seo: score('seo'),
          cls: found['cumulative-layout-shift']?.numericValue ?? 0,
          tbtMs: found['total-blocking-time']?.numericValue ?? 0,
          lcpMs: found['largest-contentful-paint']?.numericValue ?? 0,
        }
        audits.push(audit)
        const missed = missedGoals(audit)
        console.info(
          `[lighthouse] ${page} ${state} ${preset}: ${audit.performance}/${audit.accessibility}/${audit.bestPractices}/${audit.seo}` +
            (missed.length > 0 ? ` (missed: ${missed.join('; ')})` : ''),
        )
      }
    }
  }
} finally {
  chrome.kill()
  await servers.stop()
  rmSync(dataDir, { recursive: true, force: true })
}

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT })
  .toString()
  .trim()
const chromium = execFileSync(chromiumPath, ['--version']).toString().trim()
writeFileSync(
  values.out,
  renderReport(audits, { startedAt, commit, chromium, lighthouse: '12.8.2' }),
)
console.info(`[lighthouse] wrote ${path.relative(process.cwd(), values.out)}`)

/** Makes the room and the document the signed-in pages show. */
async function prepare(names: { room: string; doc: string }, token: string): Promise<void> {
  // demo:editor:start
  await fetch(`${servers.realtimeUrl}/api/docs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: names.doc }),
  })
  // demo:editor:end
  // demo:chat:start
  const socket = io(servers.realtimeUrl, { transports: ['websocket'], auth: { token } })
  try {
    await socket.timeout(5000).emitWithAck('create-room', { roomId: names.room })
  } finally {
    socket.close()
  }
  // demo:chat:end
}
