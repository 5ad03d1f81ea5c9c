import { createSessionToken } from '@duplex/auth'
import { readFileSync } from 'node:fs'

/**
 * What every `features/<name>/abuse-figures.ts` script reads from its command line
 * (`<port> <pid> <scenario>`, `SESSION_SECRET` in the environment): where the running realtime
 * server is, its RSS from /proc/<pid>, and sessions signed with its secret.
 */
export function abuseTarget() {
  const [portArg, pidArg, scenario] = process.argv.slice(2)
  const port = Number(portArg)
  const pid = Number(pidArg)
  const secret = process.env.SESSION_SECRET ?? ''
  return {
    port,
    scenario,
    base: `http://127.0.0.1:${port}`,
    rssMb(): number {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
      return Math.round(kb / 1024)
    },
    async token(name: string): Promise<string> {
      const id = `u_${name.toLowerCase()}`
      return (await createSessionToken({ id, name }, secret, { ttlSeconds: 3600 })).token
    },
  }
}
