// Small SVG charts of our own (no chart library in the bundle). Each is an image with a title
// and a text summary for screen readers; the same figures are in the table beside it.
import { useId } from "react";
import { Stack, Text } from "@mantine/core";
import { niceMax } from "./range";

export type Series = { name: string; color: string };

/** Colours with at least 3:1 contrast on white (WCAG non-text contrast). */
export const CHART_COLORS = ["#1c64b0", "#2b7a3b", "#a33a00"] as const;

const W = 720;
const H = 220;
const PAD = { top: 10, right: 10, bottom: 34, left: 64 };


/** Grouped vertical bars over periods (sales per day, week or month). */
export function BarChart({ title, summary, labels, series, values, format }: {
  title: string;
  summary: string;
  labels: string[];
  series: Series[];
  /** values[s][i]: series s at period i */
  values: number[][];
  format: (v: number) => string;
}) {
  const id = useId();
  const max = niceMax(Math.max(0, ...values.flat()));
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const slot = innerW / Math.max(1, labels.length);
  const bar = Math.max(1, (slot * 0.8) / Math.max(1, series.length));
  const every = Math.max(1, Math.ceil(labels.length / 8));
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-labelledby={`${id}-t ${id}-d`} style={{ maxWidth: W }}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{summary}</desc>
        {[0, 0.5, 1].map((f) => {
          const y = PAD.top + innerH * (1 - f);
          return (
            <g key={f}>
              <line x1={PAD.left} x2={W - PAD.right} y1={y} y2={y} stroke="#ced4da" />
              <text x={PAD.left - 6} y={y + 4} textAnchor="end" fontSize="11" fill="#495057">
                {format(max * f)}
              </text>
            </g>
          );
        })}
        {labels.map((label, i) => (
          <g key={label}>
            {series.map((s, k) => {
              const v = values[k]?.[i] ?? 0;
              const h = (innerH * v) / max;
              return (
                <rect
                  key={s.name}
                  x={PAD.left + slot * i + slot * 0.1 + bar * k}
                  y={PAD.top + innerH - h}
                  width={bar}
                  height={h}
                  fill={s.color}
                />
              );
            })}
            {i % every === 0 && (
              <text x={PAD.left + slot * i + slot / 2} y={H - PAD.bottom + 16} textAnchor="middle" fontSize="11" fill="#495057">
                {label}
              </text>
            )}
          </g>
        ))}
      </svg>
      <Legend series={series} />
    </figure>
  );
}

function Legend({ series }: { series: Series[] }) {
  return (
    <Stack gap={2} mt={4} style={{ flexDirection: "row", gap: 16 }} aria-hidden>
      {series.map((s) => (
        <Text key={s.name} size="sm" span>
          <span style={{ display: "inline-block", width: 12, height: 12, background: s.color, marginRight: 6 }} />
          {s.name}
        </Text>
      ))}
    </Stack>
  );
}

/** Horizontal bars for a top list (customers, items). */
export function TopBars({ title, rows, color, format }: {
  title: string;
  rows: { label: string; value: number }[];
  color: string;
  format: (v: number) => string;
}) {
  const id = useId();
  const max = Math.max(0, ...rows.map((r) => r.value)) || 1;
  const rowH = 26;
  const h = rows.length * rowH + 4;
  const labelW = 220;
  const summary = rows.map((r) => `${r.label}: ${format(r.value)}`).join("; ");
  return (
    <svg viewBox={`0 0 ${W} ${h}`} width="100%" role="img" aria-labelledby={`${id}-t ${id}-d`} style={{ maxWidth: W }}>
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{summary}</desc>
      {rows.map((r, i) => {
        const w = ((W - labelW - 120) * r.value) / max;
        const y = i * rowH + 2;
        return (
          <g key={`${r.label}-${i}`}>
            <text x={labelW - 8} y={y + 16} textAnchor="end" fontSize="12" fill="#212529">
              {r.label.length > 32 ? `${r.label.slice(0, 31)}…` : r.label}
            </text>
            <rect x={labelW} y={y + 4} width={Math.max(1, w)} height={rowH - 10} fill={color} />
            <text x={labelW + w + 6} y={y + 16} fontSize="12" fill="#212529">
              {format(r.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
