import { z } from 'zod'

// Runs before any page code. Zod compiles object parsers with `new Function` when it may, and
// probes for that by trying once: under our CSP (no 'unsafe-eval') the probe is refused and the
// browser reports a CSP violation on every page. Without the JIT, parsing is the same, a little
// slower, and the console stays clean. It must be set before the first schema is built, which
// happens when @duplex/protocol is imported.
z.config({ jitless: true })
