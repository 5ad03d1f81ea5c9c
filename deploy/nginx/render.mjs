#!/usr/bin/env node
// Renders nginx.conf.template into a folder nginx can run from, with nothing outside it:
//
//   node deploy/nginx/render.mjs --out /tmp/duplex-nginx --listen 8080 \
//     --web 127.0.0.1:3000,127.0.0.1:3010 --realtime 127.0.0.1:3001,127.0.0.1:3011
//   nginx -p /tmp/duplex-nginx -c /tmp/duplex-nginx/nginx.conf -e /tmp/duplex-nginx/error.log
//
// An address ending in `=backup` only gets traffic while the others are down (nginx `backup`):
// `--web 127.0.0.1:3000,127.0.0.1:3010=backup` pins clients to the first instance and fails
// over to the second. Sticky hashing cannot be combined with backups, so lists with a backup
// are balanced in order instead.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const TEMPLATE = fileURLToPath(new URL('./nginx.conf.template', import.meta.url))

/** `127.0.0.1:3000` or `127.0.0.1:3000=backup` → an nginx `server` line. */
function serverLine(entry, maxFails) {
  const [address, flag] = entry.split('=')
  if (!/^[\w.[\]:-]+:\d+$/.test(address ?? '')) throw new Error(`not host:port: "${entry}"`)
  if (flag !== undefined && flag !== 'backup') throw new Error(`unknown flag in "${entry}"`)
  // By default one failure takes an instance out for 5 s: a crashed one stops costing a retry
  // per request (on a network, a connect timeout each).
  return `        server ${address} max_fails=${maxFails} fail_timeout=5s${flag ? ' backup' : ''};`
}

/**
 * Writes `<out>/nginx.conf` (and the temp folders it names) and returns its path.
 *
 * @param {{ out: string, listen: number | string, web: string[], realtime: string[], name?: string, maxFails?: number }} options
 */
export function renderNginx({ out, listen, web, realtime, name = 'main', maxFails = 1 }) {
  if (!Number.isInteger(maxFails) || maxFails < 0) throw new Error(`maxFails: ${maxFails}`)
  if (web.length === 0 || realtime.length === 0) throw new Error('need --web and --realtime')
  const prefix = path.resolve(out)
  for (const dir of ['tmp/client_body', 'tmp/proxy', 'tmp/fastcgi', 'tmp/uwsgi', 'tmp/scgi']) {
    mkdirSync(path.join(prefix, dir), { recursive: true })
  }
  // Run as root, nginx's workers drop to `nobody`, which must still reach the temp folders.
  chmodSync(prefix, 0o755)
  const backups = (list) => list.some((entry) => entry.endsWith('=backup'))
  const values = {
    PREFIX: prefix,
    NAME: name.replace(/\W/g, '_'),
    LISTEN: String(listen),
    // Event streams last for hours: balance them by how many each instance holds.
    WEB_BALANCE: backups(web) ? '' : '        least_conn;',
    WEB_SERVERS: web.map((entry) => serverLine(entry, maxFails)).join('\n'),
    REALTIME_BALANCE: backups(realtime) ? '' : '        hash $realtime_affinity consistent;',
    REALTIME_SERVERS: realtime.map((entry) => serverLine(entry, maxFails)).join('\n'),
  }
  const config = readFileSync(TEMPLATE, 'utf8').replace(/\{\{(\w+)\}\}/g, (match, key) => {
    if (!(key in values)) throw new Error(`nginx.conf.template: unknown parameter ${match}`)
    return values[key]
  })
  const file = path.join(prefix, 'nginx.conf')
  writeFileSync(file, config)
  return file
}

function parseArgs(argv) {
  const args = {}
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]?.replace(/^--/, '')
    if (!key || argv[i + 1] === undefined) throw new Error(`expected --name value, got ${argv[i]}`)
    args[key] = argv[i + 1]
  }
  return args
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2))
  const file = renderNginx({
    out: args.out ?? '/tmp/duplex-nginx',
    listen: args.listen ?? '8080',
    web: (args.web ?? '127.0.0.1:3000,127.0.0.1:3010').split(','),
    realtime: (args.realtime ?? '127.0.0.1:3001,127.0.0.1:3011').split(','),
  })
  const dir = path.dirname(file)
  console.info(`wrote ${file}\nrun:   nginx -p ${dir} -c ${file} -e ${dir}/error.log`)
}
