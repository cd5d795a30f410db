/**
 * Builds CODA 2.6 files field by field at the positions of the Febelfin specification (1-based, inclusive),
 * independently of the parser, so tests check the parser against the layout and not against itself.
 */
function record(fields: Array<[from: number, value: string]>): string {
  const chars = Array.from({ length: 128 }, () => " ");
  for (const [from, value] of fields) {
    if (from - 1 + value.length > 128) throw new Error(`field at ${from} overflows the record`);
    for (let k = 0; k < value.length; k++) chars[from - 1 + k] = value[k]!;
  }
  return chars.join("");
}

/** "12.30" → sign + 15 digits with 3 implied decimals. */
function amount15(value: string): { sign: string; digits: string } {
  const negative = value.startsWith("-");
  const [int, frac = ""] = value.replace(/^-/, "").split(".");
  const digits = `${int}${frac.padEnd(3, "0")}`.padStart(15, "0");
  return { sign: negative ? "1" : "0", digits };
}

function ddmmyy(iso: string): string {
  return `${iso.slice(8, 10)}${iso.slice(5, 7)}${iso.slice(2, 4)}`;
}

export interface CodaMovement {
  amount: string; // signed
  date: string; // YYYY-MM-DD
  /** 12 digits of an OGM (type 101) */
  ogmDigits?: string;
  communication?: string;
  counterpartyIban?: string;
  counterpartyName?: string;
  bankReference?: string;
  /** a globalised total with these details (each a movement of its own) */
  details?: CodaMovement[];
}

export interface CodaStatement {
  iban: string;
  currency?: string;
  /** "2" Belgian IBAN, "3" foreign IBAN */
  structure?: "2" | "3";
  statementNumber: number;
  openingBalance: string;
  date: string;
  movements: CodaMovement[];
}

function sumAmounts(values: string[]): string {
  const cents = values.reduce((acc, v) => acc + BigInt(Math.round(Number(v) * 100)), 0n);
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  return `${neg ? "-" : ""}${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
}

export function buildCoda(statements: CodaStatement[], options: { creationDate?: string } = {}): string {
  const lines: string[] = [];
  const created = ddmmyy(options.creationDate ?? statements[0]?.date ?? "2026-11-28");
  lines.push(record([[1, "0"], [2, "0000"], [6, created], [12, "725"], [15, "05"], [25, "FACTOTEST"], [35, "DEMO SHOP BV"], [61, "KREDBEBB"], [72, "00123456749"], [84, "00000"], [128, "2"]]));
  let totalDebit = 0n;
  let totalCredit = 0n;
  let count = 0;
  for (const s of statements) {
    const stmt = String(s.statementNumber).padStart(3, "0");
    const open = amount15(s.openingBalance);
    lines.push(record([[1, "1"], [2, s.structure ?? "2"], [3, stmt], [6, s.iban.padEnd(34, " ")], [40, s.currency ?? "EUR"], [43, open.sign], [44, open.digits], [59, ddmmyy(s.date)], [65, "DEMO SHOP BV"], [91, "Zichtrekening"], [126, stmt]]));
    let seq = 0;
    const booked: string[] = [];
    for (const m of s.movements) {
      seq += 1;
      const emit = (mv: CodaMovement, detail: number, glob: string) => {
        const a = amount15(mv.amount);
        const seqS = String(seq).padStart(4, "0");
        const detailS = String(detail).padStart(4, "0");
        const hasMore = Boolean(mv.counterpartyIban || mv.counterpartyName || (mv.communication && mv.communication.length > 53));
        const comm: Array<[number, string]> = mv.ogmDigits ? [[62, "1"], [63, "101"], [66, mv.ogmDigits]] : [[62, "0"], [63, (mv.communication ?? "").slice(0, 53)]];
        lines.push(record([[1, "21"], [3, seqS], [7, detailS], [11, (mv.bankReference ?? `REF${stmt}${seqS}${detailS}`).slice(0, 21)], [32, a.sign], [33, a.digits], [48, ddmmyy(mv.date)], [54, mv.amount.startsWith("-") ? "00101000" : "00150000"], ...comm, [116, ddmmyy(mv.date)], [122, stmt], [125, glob], [126, hasMore ? "1" : "0"], [128, "0"]]));
        if (hasMore) {
          lines.push(record([[1, "22"], [3, seqS], [7, detailS], [11, (mv.ogmDigits ? "" : (mv.communication ?? "").slice(53, 106))], [99, "GEBABEBB"], [126, "1"], [128, "0"]]));
          lines.push(record([[1, "23"], [3, seqS], [7, detailS], [11, (mv.counterpartyIban ?? "").padEnd(34, " ") + " EUR"], [48, (mv.counterpartyName ?? "").slice(0, 35)], [126, "0"], [128, "0"]]));
        }
        if (mv.amount.startsWith("-")) totalDebit += BigInt(a.digits);
        else totalCredit += BigInt(a.digits);
      };
      if (m.details) {
        emit(m, 0, "1");
        m.details.forEach((d, k) => emit(d, k + 1, "0"));
      } else {
        emit(m, 0, "0");
      }
      booked.push(m.amount);
    }
    const close = amount15(sumAmounts([s.openingBalance, ...booked]));
    lines.push(record([[1, "8"], [2, stmt], [5, s.iban.padEnd(34, " ")], [39, s.currency ?? "EUR"], [42, close.sign], [43, close.digits], [58, ddmmyy(s.date)], [128, "0"]]));
    count += 1;
  }
  lines.push(record([[1, "9"], [17, String(lines.length - 1).padStart(6, "0")], [23, String(totalDebit).padStart(15, "0")], [38, String(totalCredit).padStart(15, "0")], [128, "2"]]));
  void count;
  return `${lines.join("\r\n")}\r\n`;
}
