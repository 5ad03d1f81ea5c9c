import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'

/**
 * Names one process start in the cluster: `<host>:<pid>:<random>`. The random part tells apart
 * two starts that reuse a pid (a container restarted with the same host name).
 *
 * @example
 * const instanceId = createInstanceId() // 'web-7f9c:42:a1b2c3'
 */
export function createInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
}
