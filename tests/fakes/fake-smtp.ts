import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

/**
 * A real SMTP server (smtp-server from npm) on 127.0.0.1 that keeps every message it accepts.
 * Recipients whose address starts with "bounce" are refused with 550 5.1.1, as a mail server
 * refuses an unknown mailbox.
 */
export interface CapturedEmail {
  from: string;
  to: string[];
  raw: Buffer;
  parsed: ParsedMail;
}

/** A captured message as GET /messages on the fake's web inbox returns it. */
export interface CapturedEmailJson {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string | null;
  replyTo: string | null;
  attachments: { filename: string; contentType: string; size: number; sha256: string; base64: string }[];
}

export interface FakeSmtp {
  url: string;
  /** The web inbox: GET / (HTML list) and GET /messages (JSON). */
  inboxUrl: string;
  messages: CapturedEmail[];
  close: () => Promise<void>;
}

export async function startFakeSmtp(options: { port?: number; inboxPort?: number } = {}): Promise<FakeSmtp> {
  const messages: CapturedEmail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    size: 25 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      if (/^bounce/i.test(address.address)) {
        const error = new Error("5.1.1 Recipient address rejected: mailbox unavailable") as Error & { responseCode: number };
        error.responseCode = 550;
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw)
          .then((parsed) => {
            messages.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
            });
            callback();
          })
          .catch((e: Error) => callback(e));
      });
    },
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;

  const toJson = (m: CapturedEmail): CapturedEmailJson => ({
    from: m.from,
    to: m.to,
    subject: m.parsed.subject ?? "",
    text: m.parsed.text ?? "",
    html: typeof m.parsed.html === "string" ? m.parsed.html : "",
    messageId: m.parsed.messageId ?? null,
    replyTo: m.parsed.replyTo?.text ?? null,
    attachments: m.parsed.attachments.map((a) => ({
      filename: a.filename ?? "",
      contentType: a.contentType,
      size: a.size,
      sha256: createHash("sha256").update(a.content).digest("hex"),
      base64: a.content.toString("base64"),
    })),
  });
  const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  const inbox = createServer((req, res) => {
    if (req.url === "/messages") {
      res.writeHead(200, { "Content-Type": "application/json" });
      return res.end(JSON.stringify(messages.map(toJson)));
    }
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><meta charset="utf-8"><title>Fake SMTP inbox</title><h1>${messages.length} message(s)</h1>${messages
      .map(toJson)
      .reverse()
      .map((m) => `<article><h2>${escape(m.subject)}</h2><p>To ${escape(m.to.join(", "))} · ${m.attachments.map((a) => escape(a.filename)).join(", ")}</p><pre>${escape(m.text)}</pre></article>`)
      .join("<hr>")}`);
  });
  await new Promise<void>((resolve) => inbox.listen(options.inboxPort ?? 0, "127.0.0.1", resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    inboxUrl: `http://127.0.0.1:${(inbox.address() as AddressInfo).port}`,
    messages,
    close: async () => {
      inbox.closeAllConnections();
      await new Promise((r) => inbox.close(r));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
