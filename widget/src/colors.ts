// The shop's accent colour, darkened or lightened until its text reaches 4.5:1 (WCAG AA).
function channels(hex: string): number[] | null {
  const m = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(hex.trim());
  if (!m) return null;
  const h = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
}

function luminance(rgb: number[]): number {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: number[], b: number[]): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

const hex = (rgb: number[]) => "#" + rgb.map((c) => c.toString(16).padStart(2, "0")).join("");

/** The accent to use and its text colour (white or near-black), with contrast ≥ 4.5:1. */
export function accent(wanted: string | undefined): { accent: string; text: string } {
  let rgb = channels(wanted || "") || [11, 87, 208];
  const white = [255, 255, 255];
  const ink = [27, 27, 31];
  if (contrast(rgb, ink) >= 4.5 && contrast(rgb, ink) > contrast(rgb, white)) {
    return { accent: hex(rgb), text: hex(ink) };
  }
  while (contrast(rgb, white) < 4.5) rgb = rgb.map((c) => Math.max(0, Math.floor(c * 0.9)));
  return { accent: hex(rgb), text: hex(white) };
}
