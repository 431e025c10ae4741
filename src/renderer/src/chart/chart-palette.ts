// The price chart's colours per theme. ECharts draws on a canvas, which CSS
// variables do not reach, so each theme's chart colours live here (matching
// theme.css / styles.css: the panel surface, muted text, borders, up and down)
// and the chart re-applies them when the theme changes (PriceChart.tsx).
export type ChartTheme = 'dark' | 'light';

export interface ChartPalette {
  background: string;
  axis: string;
  gridLine: string;
  pointer: string;
  up: string;
  down: string;
  /** Volume bars: up / down colours with alpha. */
  upVolume: string;
  downVolume: string;
  tooltipBg: string;
  tooltipBorder: string;
  tooltipText: string;
  tooltipMuted: string;
  /** Text on the last-price label (drawn on the up / down colour). */
  labelText: string;
  sliderBorder: string;
  sliderFill: string;
  /** Marker outline (against the candles). */
  markerEdge: string;
}

export const CHART_PALETTES: Record<ChartTheme, ChartPalette> = {
  dark: {
    background: '#10161e',
    axis: '#8996a4',
    gridLine: '#1a2330',
    pointer: '#3b4a5c',
    up: '#22ab94',
    down: '#f23645',
    upVolume: '#22ab9480',
    downVolume: '#f2364580',
    tooltipBg: 'rgba(17, 24, 33, 0.95)',
    tooltipBorder: '#2a3646',
    tooltipText: '#d5dde6',
    tooltipMuted: '#8996a4',
    labelText: '#ffffff',
    sliderBorder: '#1a2330',
    sliderFill: 'rgba(77, 163, 255, 0.18)',
    markerEdge: '#0a0e13',
  },
  light: {
    background: '#ffffff',
    axis: '#556170',
    gridLine: '#e3e8ee',
    pointer: '#aeb9c6',
    up: '#0a8a73',
    down: '#d11f2b',
    upVolume: '#0a8a7366',
    downVolume: '#d11f2b66',
    tooltipBg: 'rgba(255, 255, 255, 0.97)',
    tooltipBorder: '#aeb9c6',
    tooltipText: '#18212c',
    tooltipMuted: '#556170',
    labelText: '#ffffff',
    sliderBorder: '#d3dae3',
    sliderFill: 'rgba(28, 95, 201, 0.15)',
    markerEdge: '#ffffff',
  },
};
