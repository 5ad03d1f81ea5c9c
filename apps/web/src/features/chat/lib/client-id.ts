/**
 * A random id for `clientId` (1–64 of `[A-Za-z0-9_-]`). `crypto.randomUUID` exists only in secure
 * contexts, and the demo is often opened over plain http on a LAN address; `getRandomValues`
 * works everywhere.
 */
export function newClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
