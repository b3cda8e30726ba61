/** The branding a bundle carries (docs/resellers.md, "Branding"); every field optional. */
export interface Branding {
  productName?: string;
  assistantName?: string;
  logoUrl?: string;
  colours?: { primary?: string; accent?: string };
}

const HEX = /^#[0-9a-fA-F]{6}$/;

/** The branding as the API takes it: empty fields left out, so the platform's defaults apply to them. */
export function brandingBody(fields: { productName: string; assistantName: string; logoUrl: string; primary: string; accent: string }): Branding {
  const branding: Branding = {};
  if (fields.productName.trim()) branding.productName = fields.productName.trim();
  if (fields.assistantName.trim()) branding.assistantName = fields.assistantName.trim();
  if (fields.logoUrl.trim()) branding.logoUrl = fields.logoUrl.trim();
  const colours: Branding['colours'] = {};
  if (HEX.test(fields.primary)) colours.primary = fields.primary.toLowerCase();
  if (HEX.test(fields.accent)) colours.accent = fields.accent.toLowerCase();
  if (colours.primary || colours.accent) branding.colours = colours;
  return branding;
}

/** Black or white, whichever reads better on the colour (WCAG relative luminance), for the preview's bubble text. */
export function textOn(hex: string): '#000000' | '#ffffff' {
  if (!HEX.test(hex)) return '#000000';
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? '#000000' : '#ffffff';
}
