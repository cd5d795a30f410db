import { createHash } from "node:crypto";
import type { ParticipantId } from "./participant-id";

/**
 * PEPPOL discovery, step 1 (SML, BDXL): the DNS name of a participant and the SMP URL its NAPTR
 * record points to. Per the PEPPOL Policy for use of Identifiers 4.x and the SML specification:
 * label = strip-padding(base32(sha256(lowercase("<scheme>:<value>")))) in lower case, under
 * `iso6523-actorid-upis.<SML zone>`; NAPTR records with service `Meta:SMP` and flag `U` carry the
 * SMP base URL in their regexp. CNAME (`B-<md5>`) lookups are no longer allowed and not done.
 * (Hashing is deterministic computation; node:crypto is used only for sha256.)
 */
export const PARTICIPANT_ID_SCHEME = "iso6523-actorid-upis";

/** OpenPEPPOL's SML zones (taking over from the EC's `edelivery.tech.ec.europa.eu`). */
export const SML_ZONES = {
  production: "participant.sml.prod.tech.peppol.org",
  test: "participant.sml.test.tech.peppol.org",
} as const;

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** RFC 4648 base32 (lower-case alphabet), without padding. */
export function base32NoPadding(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(buffer << (5 - bits)) & 31];
  return out;
}

/** The hashed DNS label of a participant, e.g. `9915:test` → `eh5boavaktmbgzyh2a63dz4qov33fvp5nsdvqklucfraayoodw6a`. */
export function smlParticipantLabel(participant: ParticipantId | string): string {
  const full = typeof participant === "string" ? participant : participant.full;
  return base32NoPadding(createHash("sha256").update(full.toLowerCase(), "utf8").digest());
}

/** The name whose NAPTR records locate the participant's SMP. */
export function smlNaptrName(participant: ParticipantId | string, zone: string): string {
  return `${smlParticipantLabel(participant)}.${PARTICIPANT_ID_SCHEME}.${zone.replace(/^\.+|\.+$/g, "")}`.toLowerCase();
}

export interface NaptrAnswer {
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
  order: number;
  preference: number;
}

/**
 * The SMP base URL from a participant's NAPTR records: the `Meta:SMP` record with flag `U` and the
 * lowest order/preference; its regexp (`!^.*$!https://smp.example!`) applied to the name.
 * Null when no record qualifies (the participant is not registered).
 */
export function smpUrlFromNaptr(records: NaptrAnswer[], name: string): string | null {
  const candidates = records
    .filter((r) => r.service.toLowerCase() === "meta:smp" && r.flags.toUpperCase() === "U")
    .sort((a, b) => a.order - b.order || a.preference - b.preference);
  for (const record of candidates) {
    const url = applyNaptrRegexp(record.regexp, name);
    if (url && /^https?:\/\//i.test(url)) return url.replace(/\/+$/, "");
  }
  return null;
}

function applyNaptrRegexp(regexp: string, input: string): string | null {
  if (regexp.length < 3) return null;
  const delimiter = regexp[0]!;
  const parts = regexp.split(delimiter);
  if (parts.length < 3) return null;
  try {
    const re = new RegExp(parts[1]!, parts[3]?.includes("i") ? "i" : "");
    if (!re.test(input)) return null;
    // RFC 3403 back-references are \1..\9; JavaScript's are $1..$9.
    return input.replace(re, parts[2]!.replace(/\\(\d)/g, "$$$1"));
  } catch {
    return null;
  }
}
