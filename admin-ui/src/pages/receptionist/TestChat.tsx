import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, pluginApi } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { ProblemMessage } from '../../shell/ProblemMessage';

interface ChatLine {
  role: 'caller' | 'receptionist';
  text: string;
}

/** The WebSocket address of a conversation's stream on this origin, opened with a one-time ticket. */
export function streamUrl(location: { protocol: string; host: string }, tenant: string, conversationId: string, ticket: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api/v1/tenants/${encodeURIComponent(tenant)}/receptionist/conversations/`
    + `${encodeURIComponent(conversationId)}/stream?ticket=${encodeURIComponent(ticket)}`;
}

/**
 * A conversation with the tenant's receptionist as a caller would have it: started over the API (the greeting is its
 * first message), then held over the conversation's WebSocket stream.
 */
export function TestChat({ tenant }: { tenant: string }) {
  const { t } = useI18n();
  const [lines, setLines] = useState<ChatLine[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [ready, setReady] = useState(false);
  const [waiting, setWaiting] = useState(false);
  const [text, setText] = useState('');
  const socket = useRef<WebSocket | null>(null);

  useEffect(() => () => socket.current?.close(), []);

  async function start() {
    socket.current?.close();
    setError(null);
    setReady(false);
    setLines([]);
    try {
      const { data: started } = await pluginApi('receptionist', tenant).POST('/conversations', { body: { channel: 'chat' } });
      setLines([{ role: 'receptionist', text: started!.greeting }]);
      const { data: ticket } = await api.POST('/api/v1/tenants/{tenant}/stream-tickets', { params: { path: { tenant } } });
      const ws = new WebSocket(streamUrl(window.location, tenant, started!.id, (ticket as { ticket: string }).ticket));
      socket.current = ws;
      ws.onmessage = (event) => {
        const frame = JSON.parse(String(event.data)) as { type?: string; reply?: string; detail?: string; title?: string };
        if (frame.type === 'ready') {
          setReady(true);
        } else if ((frame.type === 'reply' || frame.type === 'summary') && frame.reply) {
          setWaiting(false);
          setLines((previous) => [...previous, { role: 'receptionist', text: frame.reply! }]);
        } else if (frame.detail) {
          setWaiting(false);
          setError(new Error(frame.detail));
        }
      };
      ws.onclose = () => setReady(false);
      ws.onerror = () => setError(new Error(t('receptionist.chat.streamFailed')));
    } catch (problem) {
      setError(problem);
    }
  }

  function send(event: FormEvent) {
    event.preventDefault();
    const message = text.trim();
    if (!message || !socket.current || !ready) {
      return;
    }
    socket.current.send(JSON.stringify({ text: message }));
    setLines((previous) => [...previous, { role: 'caller', text: message }]);
    setText('');
    setWaiting(true);
  }

  return (
    <section className="receptionist-card" aria-labelledby="receptionist-chat-title">
      <h2 id="receptionist-chat-title">{t('receptionist.chat.title')}</h2>
      <p className="hint">{t('receptionist.chat.hint')}</p>
      <div>
        <button type="button" onClick={() => void start()}>
          {lines.length ? t('receptionist.chat.restart') : t('receptionist.chat.start')}
        </button>
      </div>
      <ProblemMessage error={error} />
      {lines.length > 0 && (
        <ol className="receptionist-chat" aria-label={t('receptionist.chat.log')} aria-live="polite" data-testid="test-chat-log">
          {lines.map((line, index) => (
            <li key={index} className={`receptionist-chat-${line.role}`}>
              <span className="visually-hidden">{t(line.role === 'caller' ? 'receptionist.chat.you' : 'receptionist.chat.receptionist')}: </span>
              {line.text}
            </li>
          ))}
          {waiting && <li className="muted">{t('receptionist.chat.typing')}</li>}
        </ol>
      )}
      {lines.length > 0 && (
        <form className="receptionist-chat-form" onSubmit={send}>
          <label htmlFor="receptionist-chat-input" className="visually-hidden">{t('receptionist.chat.message')}</label>
          <input id="receptionist-chat-input" value={text} onChange={(e) => setText(e.target.value)}
                 placeholder={t('receptionist.chat.message')} disabled={!ready} />
          <button type="submit" disabled={!ready || !text.trim()}>{t('receptionist.chat.send')}</button>
        </form>
      )}
    </section>
  );
}
