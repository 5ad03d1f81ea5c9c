import { NextResponse, type NextRequest } from 'next/server'
import { env } from '@/shared/env'
import { contentSecurityPolicy } from '@/shared/server/csp'

/**
 * Runs before every page: a fresh nonce per response, the CSP that names it (on the request too,
 * which is where Next reads the nonce for its own inline scripts), and `x-nonce` for the root
 * layout's theme script. API routes and static files are not pages and skip it; the headers every
 * response gets (nosniff, Referrer-Policy) are in next.config.ts.
 */
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64')
  const page = new URL(request.url)
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host')
  if (host) page.host = host.split(',')[0]?.trim() ?? page.host
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim()
  if (proto === 'https' || proto === 'http') page.protocol = `${proto}:`
  const policy = contentSecurityPolicy({
    nonce,
    realtime: { publicUrl: env.REALTIME_PUBLIC_URL, port: env.REALTIME_PORT },
    page,
    dev: env.NODE_ENV === 'development',
  })

  const headers = new Headers(request.headers)
  headers.set('x-nonce', nonce)
  headers.set('content-security-policy', policy)
  const response = NextResponse.next({ request: { headers } })
  response.headers.set('content-security-policy', policy)
  return response
}

export const config = {
  matcher: [
    {
      source: '/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)',
      // Prefetches are not rendered pages; they need no nonce of their own.
      missing: [
        { type: 'header', key: 'next-router-prefetch' },
        { type: 'header', key: 'purpose', value: 'prefetch' },
      ],
    },
  ],
}
