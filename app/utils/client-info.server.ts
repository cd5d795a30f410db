/** Who is asking: the client's address (from the web server, behind TRUST_PROXY when set) and browser. */
export function clientInfo(request: Request, context: unknown): { ip: string; userAgent: string | null } {
  const ip = (context as { clientIp?: string } | undefined)?.clientIp;
  return { ip: ip && ip.length <= 64 ? ip.replace(/^::ffff:/, "") : "unknown", userAgent: request.headers.get("user-agent") };
}
