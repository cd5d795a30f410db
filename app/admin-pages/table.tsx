import type { ReactNode } from "react";

// A plain table with an accessible name, in Polaris' look: Polaris' IndexTable and DataTable take no
// aria-label, and pages (and their tests) find a table by its name ("Stock", "Webhooks", "Customers").
export function NamedTable({ label, headings, rows }: { label: string; headings: string[]; rows: { key: string; cells: ReactNode[] }[] }) {
  const cell = { padding: "8px 12px", borderBottom: "1px solid var(--p-color-border-secondary, #ebebeb)", textAlign: "left" as const, verticalAlign: "top" as const };
  return (
    <div style={{ overflowX: "auto" }}>
      <table aria-label={label} style={{ width: "100%", borderCollapse: "collapse", fontSize: "var(--p-font-size-325, 13px)" }}>
        <thead>
          <tr>
            {headings.map((h) => (
              <th key={h} style={{ ...cell, fontWeight: 600, background: "var(--p-color-bg-surface-secondary, #f7f7f7)" }}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              {r.cells.map((c, i) => (
                <td key={i} style={cell}>
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
