/**
 * The pages `pnpm lighthouse` audits, each signed out and signed in. `:room` and `:doc` are
 * replaced by a room and a document the run creates first. Each demo's pages are marked with it,
 * so `pnpm remove-demo` takes them along.
 */
// prettier-ignore
export const PAGES: readonly string[] = [
  '/',
  '/ticker', // demo:ticker
  '/progress', // demo:progress
  '/chat', // demo:chat
  '/chat/:room', // demo:chat
  '/editor', // demo:editor
  '/editor/:doc', // demo:editor
  '/compare', // demo:compare
]
