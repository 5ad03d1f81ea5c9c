import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { findWorkspaceRoot } from '@duplex/auth'
import { z } from 'zod'

/*
 * Server-only: the latest committed `pnpm bench` run (bench/results/*.json), for /compare. Only
 * the fields the page shows are parsed; the file holds much more (see bench/src/results.ts).
 */

const Latency = z.object({ n: z.number(), p50Ms: z.number(), p99Ms: z.number(), maxMs: z.number() })

const BenchRunSchema = z.object({
  mode: z.enum(['quick', 'full', 'smoke']),
  startedAt: z.string(),
  durationS: z.number(),
  commit: z.string(),
  machine: z.object({
    cpuModel: z.string(),
    cores: z.number(),
    memoryBytes: z.number(),
    node: z.string(),
  }),
  flood: z.array(
    z.object({
      stack: z.string(),
      messages: z.number(),
      ms: z.number(),
      msgsPerS: z.number(),
      missing: z.number(),
      duplicates: z.number(),
    }),
  ),
  fanout: z.array(
    z.object({
      stack: z.string(),
      subscribers: z.number(),
      phase: z.enum(['fixed', 'open']),
      rate: z.number().optional(),
      deliveriesPerS: z.number(),
      latency: Latency,
      missing: z.number(),
      duplicates: z.number(),
      loadBound: z.boolean(),
      serverCpu: z.number().optional(),
    }),
  ),
  idle: z
    .array(z.object({ stack: z.string(), connections: z.number(), rssPerConnBytes: z.number() }))
    .default([]),
  rtt: z
    .array(
      z.object({
        stack: z.string(),
        messages: z.number(),
        sender: Latency,
      }),
    )
    .default([]),
  // Peers' rows (JSON routes, trace replays) are absent in runs older than those baselines.
  json: z.array(z.object({ stack: z.string(), cpuPerRequestUs: z.number() })).optional(),
  yjs: z
    .object({
      replay: z
        .array(
          z.object({
            trace: z.string(),
            server: z.string(),
            observers: z.number(),
            txns: z.number(),
            convergeMs: z.number(),
            serverCpuS: z.number(),
            dropped: z.number(),
            exact: z.boolean(),
          }),
        )
        .optional(),
    })
    .optional(),
  goals: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      basis: z.string(),
      value: z.number(),
      target: z.number(),
      kind: z.enum(['min', 'max']),
      pass: z.boolean(),
    }),
  ),
})
export type BenchRun = z.infer<typeof BenchRunSchema>

/**
 * Why there is no run to show, as a code the page words in the reader's language
 * (`compare.unavailable.<reason>`): no bench/results folder in this deployment, no run in it yet,
 * or a newest run whose shape this page does not know.
 */
export type NoBenchRun =
  { ok: false; reason: 'missing' | 'empty' } | { ok: false; reason: 'shape'; file: string }

/** The newest quick or full run in bench/results, or why there is none. */
export function latestBenchRun(): { ok: true; run: BenchRun; file: string } | NoBenchRun {
  const root = findWorkspaceRoot()
  if (!root) return { ok: false, reason: 'missing' }
  const dir = path.join(root, 'bench/results')
  let files: string[]
  try {
    files = readdirSync(dir).filter((f) => /-(quick|full)\.json$/.test(f))
  } catch {
    return { ok: false, reason: 'empty' }
  }
  // File names start with the ISO start time, so the last one in order is the newest run.
  const file = files.sort().at(-1)
  if (!file) return { ok: false, reason: 'empty' }
  const parsed = BenchRunSchema.safeParse(JSON.parse(readFileSync(path.join(dir, file), 'utf8')))
  if (!parsed.success) return { ok: false, reason: 'shape', file: `bench/results/${file}` }
  return { ok: true, run: parsed.data, file: `bench/results/${file}` }
}
