/** What happens on the wire when you use the chat, in the guide's own event names. */
export function LobbyGuide() {
  return (
    <section
      aria-labelledby="lobby-guide-title"
      className="rounded-xl border border-slate-200 bg-white p-4 text-sm text-slate-700 shadow-sm dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300"
    >
      <h2 id="lobby-guide-title" className="mb-2 font-semibold text-slate-900 dark:text-slate-100">
        What crosses the socket
      </h2>
      <ol className="grid list-decimal gap-2 pl-5 sm:grid-cols-2 sm:gap-x-8">
        <li>
          <code className="font-mono text-xs">join-room</code> answers with the last 50 messages,
          who is here and who read what; scrolling up sends{' '}
          <code className="font-mono text-xs">load-history</code>.
        </li>
        <li>
          <code className="font-mono text-xs">send-message</code> carries a{' '}
          <code className="font-mono text-xs">clientId</code>: a retry after a lost ack is stored
          once.
        </li>
        <li>
          <code className="font-mono text-xs">typing</code> goes out at most every 2 s and fades on
          its own after 5 s; <code className="font-mono text-xs">mark-read</code> becomes “Seen by
          …” for the sender.
        </li>
        <li>
          After a drop, Socket.IO replays what you missed when it can; otherwise the page rejoins
          and fetches the gap.
        </li>
      </ol>
      <p className="mt-3 text-slate-500 dark:text-slate-400">
        Open a room in two browsers (or a private window) to see both sides.
      </p>
    </section>
  )
}
