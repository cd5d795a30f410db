import nodemailer, { type Transporter } from "nodemailer";
import { env } from "~/env.server";
import { AppError } from "~/errors/app-error";

/** An e-mail as Facto composes it; nodemailer's types stay in this folder. */
export interface OutgoingEmail {
  from: string;
  replyTo?: string | null;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Becomes the Message-ID, so the same e-mail keeps one identity across retries. */
  messageId: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
}

export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string; response: string }>;
}

let transport: Transporter | undefined;

function smtpTransport(): Transporter {
  transport ??= nodemailer.createTransport(env().SMTP_URL, {});
  return transport;
}

/**
 * Sends over SMTP_URL. A 5xx answer (unknown mailbox, rejected message) is permanent and becomes a
 * non-retryable AppError whose message is shown on the invoice; a 4xx or a connection problem is
 * retried.
 */
export function smtpMailer(): Mailer {
  return {
    async send(email) {
      try {
        const info = await smtpTransport().sendMail({
          from: email.from,
          ...(email.replyTo ? { replyTo: email.replyTo } : {}),
          to: email.to,
          subject: email.subject,
          text: email.text,
          html: email.html,
          messageId: email.messageId,
          attachments: email.attachments,
        });
        return { messageId: info.messageId, response: String(info.response ?? "") };
      } catch (error) {
        const responseCode = typeof error === "object" && error !== null && "responseCode" in error ? Number((error as { responseCode?: number }).responseCode) : undefined;
        const response = typeof error === "object" && error !== null && "response" in error ? String((error as { response?: string }).response) : error instanceof Error ? error.message : String(error);
        if (responseCode && responseCode >= 500) {
          throw new AppError("UPSTREAM_REJECTED", `the mail server refused the e-mail: ${response}`, { cause: error, details: { responseCode } });
        }
        throw new AppError("UPSTREAM_UNAVAILABLE", `the mail server could not take the e-mail now: ${response}`, { cause: error });
      }
    },
  };
}
