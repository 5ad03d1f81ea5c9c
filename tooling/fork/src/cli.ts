import path from 'node:path'
import { RemoveDemoError, removeDemo } from './remove-demo.ts'
import { renameScope } from './rename-scope.ts'

// `pnpm remove-demo <name> [--force]` and `pnpm rename-scope <@scope>` from the repository root.

const ROOT = path.resolve(import.meta.dirname, '../../..')
const [command, ...args] = process.argv.slice(2)
const flags = new Set(args.filter((arg) => arg.startsWith('--')))
const positional = args.filter((arg) => !arg.startsWith('--'))

function usage(message: string): never {
  console.error(message)
  process.exit(2)
}

if (command === 'remove-demo') {
  const unknownFlag = [...flags].find((flag) => flag !== '--force')
  if (unknownFlag)
    usage(`remove-demo: unknown option ${unknownFlag}; usage: pnpm remove-demo <name> [--force]`)
  const name = positional[0]
  if (!name || positional.length > 1)
    usage('usage: pnpm remove-demo <ticker|progress|chat|editor|compare> [--force]')
  try {
    await removeDemo({
      root: ROOT,
      name,
      force: flags.has('--force'),
      log: (line) => console.info(line),
    })
  } catch (error) {
    if (error instanceof RemoveDemoError) {
      console.error(`remove-demo: ${error.message}`)
      process.exit(error.exitCode)
    }
    throw error
  }
} else if (command === 'rename-scope') {
  const scope = positional[0]
  if (!scope || positional.length > 1)
    usage('usage: pnpm rename-scope <@scope>, e.g. pnpm rename-scope @acme')
  try {
    const changed = renameScope(ROOT, scope)
    console.info(`Renamed @duplex/ to ${scope}/ in ${changed.length} files. Next: pnpm install`)
  } catch (error) {
    usage(`rename-scope: ${(error as Error).message}`)
  }
} else {
  usage('usage: pnpm remove-demo <name> [--force] | pnpm rename-scope <@scope>')
}
