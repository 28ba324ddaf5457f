import { createTheme, type CSSVariablesResolver } from "@mantine/core";

// Shade 8 of the primary color keeps white text on buttons above WCAG AA contrast (4.5:1);
// Mantine's default shade 6 does not.
export const theme = createTheme({
  primaryColor: "indigo",
  primaryShade: 8,
  defaultRadius: "sm",
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
});

// The "dimmed" text color (gray 6) is below AA on white: use gray 7.
export const cssVariables: CSSVariablesResolver = (t) => ({
  variables: {},
  light: { "--mantine-color-dimmed": t.colors.gray[7] ?? "#495057" },
  dark: {},
});
